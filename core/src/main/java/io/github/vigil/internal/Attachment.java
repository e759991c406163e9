package io.github.vigil.internal;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.AttachStatus;
import io.github.vigil.AttachedProcess;
import io.github.vigil.MatchedProcess;
import io.github.vigil.ProcessSample;
import io.github.vigil.Scheduler;
import io.github.vigil.Signal;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spi.ExitWatcher;
import io.github.vigil.spi.ProcessEntry;
import io.github.vigil.spi.ProcessSampler;
import io.github.vigil.spi.ProcessTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attachment: looks for its target, watches what matches, and reports found, lost and state
 * changes. Every change runs on the supervision thread; {@link #status()} reads a volatile snapshot.
 */
final class Attachment implements AttachedProcess {
  private static final Logger log = LoggerFactory.getLogger(Attachment.class);
  private static final Duration FIRST_FOLLOW_UP = Duration.ofMillis(100);
  /**
   * How much earlier than its tick a listing that a steady look (one every rescan interval) uses may have begun: the
   * looks due at one tick use the listing the first of them began. Any other look (the first, one after an exit,
   * {@link #rescan()}) takes a listing begun after it was asked.
   */
  static final long STEADY_LOOK_SHARE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5);
  /**
   * How late after its tick a steady look may run and still count from the tick (the supervision thread runs the
   * tick's looks one after another, and may be kept from the CPU meanwhile); a later one counts from this much before
   * it was asked.
   */
  static final long STEADY_LOOK_MAX_LAG_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);
  private static final long SELF = ProcessHandle.current().pid();
  /**
   * How much later than its exit was heard a new process may have started and still be taken for the daemon the
   * exited one forked: start times have a clock tick's resolution (10 ms), and the boot time they count from a
   * hundredth of a second's. A restart after the exit (systemd waits 100 ms by default) starts later.
   */
  static final long SUCCESSOR_START_SLACK_MILLIS = 50;
  /**
   * How long before its exit was heard a daemon's first process may have forked the daemon: it exits right after the
   * fork. A child forked earlier is no successor: a parent that dies long after forking it (an nginx master killed,
   * attached by name with its workers) has died, and is reported so.
   */
  static final Duration DAEMONIZE_WINDOW = Duration.ofSeconds(1);
  /** How many ancestors of a found process are read, at most (a chain of parents ends at init well before). */
  private static final int MAX_ANCESTRY = 64;

  private final DefaultSupervisor sup;
  private final AttachSpec spec;
  private final String name;
  private final ProcessTable table;
  /** The supervisor's listings of {@link #table}, shared by its attachments. */
  private final SharedListing listings;
  /** Its blocking work (the look for the target, liveness reads), in order, off the supervision thread. */
  private final java.util.concurrent.Executor ioQueue;
  private final @Nullable ExitWatcher watcher;

  // supervision thread only
  private final Map<Long, Match> matches = new LinkedHashMap<>();
  /** Matches by name or command line that exited, until the look their exit asked for says whether one left a daemon. */
  private final List<Ending> endings = new ArrayList<>();
  private AttachState state = AttachState.NOT_FOUND;
  private String message = "not looked for yet";
  private Instant since;
  private @Nullable Instant lastExit;
  private long exits;
  private boolean scannedOnce;
  private boolean detached;
  private @Nullable Duration followUp;
  private Scheduler.@Nullable Cancellable rescanTimer;
  private Scheduler.@Nullable Cancellable pollTimer;

  private volatile AttachStatus status;
  private volatile List<Match> current = List.of();
  private volatile boolean closed;
  private volatile @Nullable SampleBaseline baselines; // what CPU percent is measured from (see SampleBaseline)

  /**
   * @param ancestors for a target by name or command line, the pids of its ancestors when it was found, with 0 and 1
   *     (init, and a parent outside the pid namespace): who adopts the orphans it leaves. Empty otherwise, or when the
   *     table does not say a process's parent.
   */
  private record Match(ProcessEntry entry, MatchedProcess info, ExitWatcher.@Nullable Watch watch, java.util.Set<Long> ancestors) {}

  /** A match that exited ({@link #lost}), heard at {@code heard} ({@code heardNanos} on {@link System#nanoTime()}). */
  private record Ending(Match match, Instant heard, long heardNanos, int looks) {
    Ending(Match match, Instant heard, long heardNanos) {
      this(match, heard, heardNanos, 0);
    }

    /** The same ending, after one more look that found no successor. */
    Ending looked() {
      return new Ending(match, heard, heardNanos, looks + 1);
    }
  }

  /**
   * How many looks begun after an exit must find no successor before it is reported: two, since a daemon caught in its
   * {@code exec} by the first (its command line being replaced, read empty or as its parent's) matches in neither way
   * and reads as no successor; the second is the follow-up look 100 ms later.
   */
  private static final int LOOKS_FOR_A_SUCCESSOR = 2;

  Attachment(DefaultSupervisor sup, AttachSpec spec) {
    this.sup = sup;
    this.spec = spec;
    this.name = spec.name();
    this.table = sup.backend.processTable();
    this.listings = sup.listings();
    this.ioQueue = sup.newIoQueue(name);
    this.watcher = sup.backend.exitWatcher().orElse(null);
    this.since = sup.wallNow();
    this.status = snapshot();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public AttachSpec spec() {
    return spec;
  }

  @Override
  public AttachStatus status() {
    return status;
  }

  @Override
  public CompletionStage<AttachStatus> rescan() {
    CompletableFuture<AttachStatus> done = new CompletableFuture<>();
    // once the supervisor is closed (the attachment detached), the last status: no look is made any more
    sup.onLoop(() -> scan(() -> done.complete(status)), () -> done.complete(status), done::completeExceptionally);
    return sup.relay(done); // completed on the listener executor: what a caller chains to it never runs on the supervision thread
  }

  @Override
  public Optional<ProcessSample> sample() {
    return sample(sup.backend.sampler(), ProcessSampler.DEFAULT_FIELDS);
  }

  @Override
  public Optional<ProcessSample> sample(java.time.Duration slowFieldsMaxAge) {
    return sample(ProcessSampler.DEFAULT_FIELDS, slowFieldsMaxAge);
  }

  @Override
  public Optional<ProcessSample> sample(java.util.Set<ProcessSample.Field> fields, java.time.Duration slowFieldsMaxAge) {
    return sample(SampleRequests.sampler(sup.backend, fields, slowFieldsMaxAge), fields);
  }

  private Optional<ProcessSample> sample(Optional<ProcessSampler> sampler, java.util.Set<ProcessSample.Field> fields) {
    long[] pids = current.stream().mapToLong(m -> m.entry.pid()).toArray();
    if (pids.length == 0 || sampler.isEmpty()) {
      return Optional.empty();
    }
    SampleBaseline b = baselines;
    ProcessSample next = sampler.get().sampleGroup(pids, ProcessSample.Field.withSources(fields), SampleBaseline.from(b, System.nanoTime()));
    if (next.has(ProcessSample.Field.CPU_TOTAL)) { // one without CPU is no baseline for the next CPU percent
      baselines = SampleBaseline.after(b, next);
    }
    return Optional.of(next);
  }

  @Override
  public int signal(Signal signal) {
    if (!spec.allowSignals()) {
      throw new IllegalStateException("attachment '" + name + "' does not allow signals (AttachSpec allowSignals is false)");
    }
    if (closed) {
      throw new IllegalStateException("attachment '" + name + "' is detached");
    }
    if (watcher == null) {
      throw new UnsupportedOperationException("attachment '" + name + "': backend " + sup.backend.name()
          + " cannot signal a process it did not start through a pidfd");
    }
    int sent = 0;
    List<String> refused = new ArrayList<>();
    for (Match m : current) {
      boolean delivered;
      try {
        delivered = m.watch != null && m.watch.signal(signal);
      } catch (RuntimeException e) { // the kernel's refusal: another user's process, without the capability
        refused.add("pid " + m.entry.pid() + ": " + e.getMessage());
        continue;
      }
      if (delivered) {
        sent++;
        log.atWarn().addKeyValue("process", name).addKeyValue("pid", m.entry.pid())
            .log("Sent {} to attached process {} (pid {}), as the application asked", signal, name, m.entry.pid());
      }
    }
    if (!refused.isEmpty()) {
      throw new IllegalStateException(signal + " to attachment '" + name + "' refused for " + String.join("; ", refused)
          + (sent > 0 ? " (sent to " + sent + " other" + (sent == 1 ? ")" : "s)") : ""));
    }
    return sent;
  }

  // --- supervision thread -------------------------------------------------------------------

  /** The first look, right after the attachment was made. */
  void begin() {
    scan();
  }

  /** Looks for the target, watches new matches, updates the state, and schedules the next look. */
  private void scan() {
    scan(() -> { });
  }

  /**
   * A look every rescan interval (none after an exit is pending), due at {@code tickNanos} ({@link System#nanoTime()}):
   * it shares the listing of the tick's first look, one begun at most {@link #STEADY_LOOK_SHARE_NANOS} before the tick
   * (and at most {@link #STEADY_LOOK_MAX_LAG_NANOS} plus that before this look was asked).
   */
  private void steadyScan(long tickNanos) {
    long asked = System.nanoTime();
    long from = tickNanos;
    if (asked - from > STEADY_LOOK_MAX_LAG_NANOS) {
      from = asked - STEADY_LOOK_MAX_LAG_NANOS;
    } else if (from - asked > 0) { // a timer on a ticker of its own (a test's) that ran ahead of this clock
      from = asked;
    }
    scan(() -> { }, from - STEADY_LOOK_SHARE_NANOS);
  }

  /** As {@link #scan()}; {@code after} runs on the supervision thread once the look's result is in. */
  private void scan(Runnable after) {
    scan(after, System.nanoTime());
  }

  /** As {@link #scan(Runnable)}, with a listing of the process table begun no earlier than {@code notBeforeNanos}. */
  private void scan(Runnable after, long notBeforeNanos) {
    if (detached) {
      after.run();
      return;
    }
    boolean first = !scannedOnce;
    scannedOnce = true;
    // listing /proc, reading a pid file and running the user's pattern can take long: on an I/O thread,
    // the matches back on the supervision thread
    ioQueue.execute(() -> {
      List<ProcessEntry> candidates = new ArrayList<>();
      String error = null;
      @Nullable String found;
      try {
        found = candidates(candidates, first, notBeforeNanos);
      } catch (UncheckedIOException | IllegalStateException e) {
        error = e.getMessage();
        found = error;
      } catch (RuntimeException e) {
        error = "cannot look for " + spec.target() + ": " + e;
        found = error;
      }
      List<ProcessEntry> unmatched = error == null ? unmatched(candidates) : List.of();
      Map<Long, java.util.Set<Long>> ancestry = error == null ? ancestry(candidates) : Map.of();
      String err = error;
      @Nullable String what = found;
      sup.onLoop(() -> {
        scanned(candidates, unmatched, err, what, notBeforeNanos, ancestry);
        after.run();
      }, after);
    });
  }

  /**
   * What a look found, from a listing begun no earlier than {@code listedNanos}; {@code ancestry} holds the
   * {@linkplain Match#ancestors ancestors} of the candidates not matched before. Supervision thread.
   */
  private void scanned(List<ProcessEntry> candidates, List<ProcessEntry> unmatched, @Nullable String scanError, @Nullable String found,
      long listedNanos, Map<Long, java.util.Set<Long>> ancestry) {
    if (detached) {
      return;
    }
    String error = scanError;
    // the exits this listing began after: each left a daemon, its successor, or is reported as an exit now
    Map<Ending, ProcessEntry> successors = new LinkedHashMap<>();
    List<Ending> genuine = new ArrayList<>();
    List<Ending> again = new ArrayList<>();
    for (java.util.Iterator<Ending> it = endings.iterator(); it.hasNext(); ) {
      Ending end = it.next();
      if (end.heardNanos - listedNanos > 0) {
        continue; // a listing that may have begun before this exit: the look it asked for decides
      }
      it.remove();
      ProcessEntry next = scanError == null ? successor(end, candidates, ancestry) : null;
      if (next != null) {
        successors.put(end, next);
      } else if (scanError == null && end.looks + 1 < LOOKS_FOR_A_SUCCESSOR) {
        again.add(end.looked()); // the follow-up look decides
      } else {
        genuine.add(end);
      }
    }
    endings.addAll(again);
    for (Ending end : genuine) {
      exited(end);
    }
    List<SupervisorEvent> pending = new ArrayList<>();
    for (ProcessEntry now : unmatched) {
      Match m = matches.get(now.pid());
      if (m != null && m.entry.sameProcess(now)) { // not lost meanwhile
        matches.remove(now.pid());
        if (m.watch != null) {
          m.watch.close();
        }
        log.atInfo().addKeyValue("process", name).addKeyValue("pid", now.pid())
            .log("Attachment {}: pid {} no longer matches {}: it is now {} ({})", name, now.pid(), spec.target(), now.name(), now.arguments());
        pending.add(new SupervisorEvent.AttachedLost(name, sup.wallNow(), m.info));
      }
    }
    publishMatches();
    for (ProcessEntry e : candidates) {
      if (matches.containsKey(e.pid()) && matches.get(e.pid()).entry.sameProcess(e)) {
        continue;
      }
      if (matches.containsKey(e.pid())) {
        lost(matches.get(e.pid()).entry); // the pid now names a later process: the one we watched is gone
      }
      try {
        watch(e, pending, ancestry.getOrDefault(e.pid(), java.util.Set.of()));
      } catch (RuntimeException ex) {
        error = "cannot watch pid " + e.pid() + ": " + ex.getMessage();
        log.atWarn().addKeyValue("process", name).log("Attachment {}: {}", name, error, ex);
      }
    }
    for (Map.Entry<Ending, ProcessEntry> s : successors.entrySet()) {
      Ending end = s.getKey();
      Match next = matches.get(s.getValue().pid());
      if (next == null || !next.entry.sameProcess(s.getValue())) { // it exited before it could be watched
        exited(end);
        continue;
      }
      log.atInfo().addKeyValue("process", name).addKeyValue("pid", next.entry.pid())
          .log("Attachment {}: pid {} ({}) exited, leaving pid {} ({}), which it forked and which matches {}: carrying on with pid {}"
              + " (a daemon's start, no exit)", name, end.match.entry.pid(), end.match.entry.name(), next.entry.pid(), next.entry.name(),
              spec.target(), next.entry.pid());
      pending.add(new SupervisorEvent.AttachedHandedOver(name, sup.wallNow(), end.match.info, next.info));
    }
    update(error, found != null ? found : message, pending);
    scheduleRescan();
  }

  /**
   * The process of this look that the exited match of {@code end} forked and left behind, or null (see
   * {@link AttachedProcess} for the rule): one that started no earlier than it nor {@link #DAEMONIZE_WINDOW} before the
   * exit was heard, and either was found before as its
   * descendant, or is new, started at most {@link #SUCCESSOR_START_SLACK_MILLIS} after the exit was heard, and was
   * adopted by one of its ancestors, not the child of a living match. Of several, one found before first, then the oldest.
   */
  private @Nullable ProcessEntry successor(Ending end, List<ProcessEntry> candidates, Map<Long, java.util.Set<Long>> ancestry) {
    Match gone = end.match;
    if (gone.ancestors.isEmpty()) {
      return null; // a pid or pid file target, or a table that does not say parents
    }
    Instant latestStart = end.heard.plusMillis(SUCCESSOR_START_SLACK_MILLIS);
    Instant earliestStart = end.heard.minus(DAEMONIZE_WINDOW);
    java.util.Set<Long> alive = new java.util.HashSet<>();
    for (ProcessEntry c : candidates) {
      alive.add(c.pid());
    }
    ProcessEntry best = null;
    boolean bestKnown = false;
    for (ProcessEntry c : candidates) {
      if (c.pid() == gone.entry.pid() || c.startTime().isBefore(gone.entry.startTime()) || c.startTime().isBefore(earliestStart)) {
        continue;
      }
      Match known = matches.get(c.pid());
      boolean ok;
      boolean wasKnown = known != null && known.entry.sameProcess(c);
      if (wasKnown) {
        ok = known.ancestors.contains(gone.entry.pid()); // found while the exited one was alive, below it
      } else {
        java.util.Set<Long> own = ancestry.getOrDefault(c.pid(), java.util.Set.of());
        ok = !own.isEmpty() && !c.startTime().isAfter(latestStart) && gone.ancestors.contains(c.parentPid())
            && !alive.contains(c.parentPid()); // a living match's own child (an nginx master's new worker)
      }
      if (ok && (best == null || wasKnown && !bestKnown
          || wasKnown == bestKnown && c.startTime().isBefore(best.startTime()))) {
        best = c;
        bestKnown = wasKnown;
      }
    }
    return best;
  }

  /**
   * The ancestors of the candidates not matched now (see {@link Match#ancestors}), for a target by name or command
   * line; empty for any other. On the I/O thread.
   */
  private Map<Long, java.util.Set<Long>> ancestry(List<ProcessEntry> candidates) {
    AttachSpec.Target t = spec.target();
    if (!(t instanceof AttachSpec.Target.ExactName || t instanceof AttachSpec.Target.CommandLine)) {
      return Map.of();
    }
    Map<Long, java.util.Set<Long>> out = new java.util.HashMap<>();
    List<Match> known = current;
    for (ProcessEntry c : candidates) {
      if (c.parentPid() < 0 || known.stream().anyMatch(m -> m.entry.sameProcess(c))) {
        continue;
      }
      java.util.Set<Long> up = new java.util.HashSet<>(List.of(0L, 1L));
      long p = c.parentPid();
      for (int i = 0; i < MAX_ANCESTRY && p > 1 && up.add(p); i++) {
        try {
          p = table.get(p).map(ProcessEntry::parentPid).orElse(-1L);
        } catch (RuntimeException e) {
          break; // what was read stands
        }
      }
      out.put(c.pid(), java.util.Set.copyOf(up));
    }
    return out;
  }

  /**
   * Of the processes matched now, those still alive that the target no longer names: they exec'd another program,
   * changed their name or command line, or the pid file names another process now. On the I/O thread, after
   * {@link #candidates}. A process that ended is left to its exit watch.
   */
  private List<ProcessEntry> unmatched(List<ProcessEntry> candidates) {
    AttachSpec.Target t = spec.target();
    if (t instanceof AttachSpec.Target.Pid || t instanceof AttachSpec.Target.PidFile && candidates.isEmpty()) {
      return List.of(); // a pid names its process for life; a pid file that names nothing running says nothing new
    }
    List<ProcessEntry> out = new ArrayList<>();
    for (Match m : current) {
      if (candidates.stream().noneMatch(c -> c.sameProcess(m.entry))) {
        // alive as the same process, and not a zombie (whose command line is empty): it left the target
        table.get(m.entry.pid()).filter(now -> now.sameProcess(m.entry) && !now.arguments().isEmpty()).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Fills {@code out} with what the target names now; returns what was found, for the status (null: the status's stands). */
  private @Nullable String candidates(List<ProcessEntry> out, boolean first, long notBeforeNanos) {
    AttachSpec.Target t = spec.target();
    if (t instanceof AttachSpec.Target.Pid p) {
      if (!first) {
        return null; // a pid is looked for once: what that look found, or the exit since, stands
      }
      table.get(p.pid()).ifPresent(out::add);
      return out.isEmpty() ? "no process has pid " + p.pid() : "pid " + p.pid();
    }
    if (t instanceof AttachSpec.Target.PidFile f) {
      long pid = readPidFile(f.path());
      if (pid < 0) {
        return "pid file " + f.path() + " does not exist";
      }
      table.get(pid).ifPresent(out::add);
      return out.isEmpty() ? "pid file " + f.path() + " names pid " + pid + ", which is not running" : "pid " + pid + " from " + f.path();
    }
    if (t instanceof AttachSpec.Target.ExactName n) {
      for (ProcessEntry e : listings.list(notBeforeNanos)) {
        if (e.pid() != SELF && (e.name().equals(n.name()) || argv0Name(e.argv0()).equals(n.name()))) {
          out.add(e);
        }
      }
      return out.size() + (out.size() == 1 ? " process" : " processes") + " named '" + n.name() + "'";
    }
    Pattern pattern = ((AttachSpec.Target.CommandLine) t).pattern();
    for (ProcessEntry e : listings.list(notBeforeNanos)) {
      if (e.pid() != SELF && !e.arguments().isEmpty() && pattern.matcher(e.arguments()).find()) {
        out.add(e);
      }
    }
    return out.size() + (out.size() == 1 ? " process matches" : " processes match") + " /" + pattern.pattern() + "/";
  }

  /** The pid in the file, -1 if the file does not exist. @throws IllegalStateException naming file and content otherwise */
  static long readPidFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return -1;
    } catch (AccessDeniedException e) {
      throw new IllegalStateException("pidFile " + file + " cannot be read: permission denied");
    } catch (IOException e) {
      throw new IllegalStateException("pidFile " + file + " cannot be read: " + e);
    }
    String line = text.strip().lines().findFirst().orElse("").strip();
    long pid;
    try {
      pid = Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("pidFile " + file + " does not hold a pid: '" + abbreviate(line) + "'");
    }
    if (pid <= 1) {
      throw new IllegalStateException("pidFile " + file + " holds pid " + pid + "; a pid must be greater than 1");
    }
    if (pid == SELF) { // as AttachSpec refuses a pid given outright
      throw new IllegalStateException("pidFile " + file + " holds pid " + pid
          + ", this JVM's own: a supervisor cannot watch itself (it could never see its own exit)");
    }
    return pid;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** The file name of a first argument, which may hold spaces: {@code /fake dir/x) (y} is {@code x) (y}. */
  private static String argv0Name(String argv0) {
    return argv0.substring(argv0.lastIndexOf('/') + 1);
  }

  private void watch(ProcessEntry e, List<SupervisorEvent> pending, java.util.Set<Long> ancestors) {
    ExitWatcher.Watch w = null;
    if (watcher != null) {
      Optional<ExitWatcher.Watch> opened = watcher.watch(e, () -> sup.decideAtOnce(() -> lost(e), () -> { }));
      if (opened.isEmpty()) {
        return; // exited between the listing and the watch: never found
      }
      w = opened.get();
    }
    MatchedProcess info = new MatchedProcess(e.pid(), e.startTime(), e.name(), e.arguments());
    matches.put(e.pid(), new Match(e, info, w, ancestors));
    publishMatches();
    log.atInfo().addKeyValue("process", name).addKeyValue("pid", e.pid())
        .log("Attachment {} found pid {} ({})", name, e.pid(), e.name());
    pending.add(new SupervisorEvent.AttachedFound(name, sup.wallNow(), info));
    if (watcher == null && pollTimer == null) {
      schedulePoll();
    }
  }

  /** A matched process has exited. */
  private void lost(ProcessEntry e) {
    Match m = matches.get(e.pid());
    if (detached || m == null || !m.entry.sameProcess(e)) {
      return;
    }
    matches.remove(e.pid());
    publishMatches();
    if (m.watch != null) {
      m.watch.close();
    }
    Instant heard = sup.wallNow();
    long heardNanos = System.nanoTime();
    if (!m.ancestors.isEmpty()) {
      // by name or command line: a daemon's first process, which forked the daemon and exited? The look asked for
      // now, whose listing begins after this, says (scanned); meanwhile the status stands as at the last look
      log.atDebug().addKeyValue("process", name).addKeyValue("pid", e.pid())
          .log("Attachment {}: pid {} ({}) exited; looking for a daemon it left", name, e.pid(), e.name());
      endings.add(new Ending(m, heard, heardNanos));
    } else {
      exited(new Ending(m, heard, heardNanos));
      if (spec.target() instanceof AttachSpec.Target.Pid) {
        return;
      }
    }
    // whoever restarts it may take a moment: look at once, then after 100 ms, 200 ms, ... up to the interval
    followUp = FIRST_FOLLOW_UP;
    sup.onLoopLater(this::scan);
  }

  /** Reports a match's exit: counted, {@code AttachedLost} at the time it was heard, and the state it leaves. */
  private void exited(Ending end) {
    ProcessEntry e = end.match.entry;
    exits++;
    lastExit = end.heard;
    log.atInfo().addKeyValue("process", name).addKeyValue("pid", e.pid())
        .log("Attachment {}: pid {} ({}) exited", name, e.pid(), e.name());
    List<SupervisorEvent> pending = new ArrayList<>();
    pending.add(new SupervisorEvent.AttachedLost(name, lastExit, end.match.info));
    update(null, "pid " + e.pid() + " exited", pending);
  }

  /**
   * Sets state and message and the status snapshot, then publishes {@code pending} (found and lost
   * processes) and the state change, in that order: a listener told of an event reads a status that
   * already includes it.
   */
  private void update(@Nullable String error, String found, List<SupervisorEvent> pending) {
    boolean looking = matches.isEmpty() && error == null && !endings.isEmpty(); // an exit a later look decides on
    AttachState next = !matches.isEmpty() ? AttachState.RUNNING
        : error != null ? AttachState.ERROR
        : looking ? state // as at the look before the exit, until it is reported or handed over
        : exits > 0 ? AttachState.STOPPED
        : AttachState.NOT_FOUND;
    String nextMessage = error != null ? error : looking ? message : found;
    if (next != state) {
      AttachState from = state;
      state = next;
      since = sup.wallNow();
      message = nextMessage;
      if (next == AttachState.ERROR) {
        log.atWarn().addKeyValue("process", name).log("Attachment {}: {}", name, nextMessage);
      } else {
        log.atInfo().addKeyValue("process", name).log("Attachment {} is {}: {}", name, next, nextMessage);
      }
      status = snapshot();
      pending.forEach(sup::publish);
      sup.publish(new SupervisorEvent.AttachStateChanged(name, since, from, next, nextMessage));
      return;
    }
    message = nextMessage;
    status = snapshot();
    pending.forEach(sup::publish);
  }

  /** For {@link #sample()} and {@link #signal}; the status snapshot follows in {@link #update}. */
  private void publishMatches() {
    current = List.copyOf(matches.values());
  }

  private AttachStatus snapshot() {
    List<MatchedProcess> ps = new ArrayList<>();
    for (Match m : matches.values()) {
      ps.add(m.info);
    }
    ps.sort(Comparator.comparing(MatchedProcess::startTime).thenComparingLong(MatchedProcess::pid));
    return new AttachStatus(name, state, ps, message, since, lastExit, exits);
  }

  private void scheduleRescan() {
    if (rescanTimer != null) {
      rescanTimer.cancel();
      rescanTimer = null;
    }
    if (detached || spec.target() instanceof AttachSpec.Target.Pid) {
      return; // a pid names one process: there is never anything new to find
    }
    Duration delay = spec.rescanInterval();
    if (followUp != null) {
      if (followUp.compareTo(delay) < 0) {
        rescanTimer = sup.schedule(followUp, this::scan); // after an exit: a listing taken after it was asked
        followUp = followUp.multipliedBy(2);
        return;
      }
      followUp = null;
    }
    Duration untilTick = untilTick(delay, sup.now());
    long tickNanos = Durations.saturatedAdd(System.nanoTime(), Durations.saturatedNanos(untilTick));
    rescanTimer = sup.schedule(untilTick, () -> steadyScan(tickNanos));
  }

  /**
   * The time from {@code nowNanos} (the supervisor's ticker) to the next multiple of {@code interval}: the steady
   * looks of the supervisor's attachments with one interval fall on common ticks, and share one listing there.
   * Never longer than the interval, so a look is never later than without the alignment.
   */
  static Duration untilTick(Duration interval, long nowNanos) {
    long every = Durations.saturatedNanos(interval);
    if (every <= 0 || every == Long.MAX_VALUE) {
      return interval;
    }
    long left = every - Math.floorMod(nowNanos, every);
    return Duration.ofNanos(left);
  }

  /** Without an exit watcher: check every match's liveness by its pid and start time. */
  private void schedulePoll() {
    pollTimer = sup.schedule(spec.exitPollInterval(), () -> {
      pollTimer = null;
      if (detached) {
        return;
      }
      List<Match> watched = List.copyOf(matches.values());
      ioQueue.execute(() -> { // reading the process table: on an I/O thread, the losses back on the supervision thread
        List<ProcessEntry> gone = new ArrayList<>();
        for (Match m : watched) {
          Optional<ProcessEntry> now;
          try {
            now = table.get(m.entry.pid());
          } catch (RuntimeException e) {
            log.atDebug().addKeyValue("process", name).log("Liveness check of pid {} failed", m.entry.pid(), e);
            continue;
          }
          if (now.isEmpty() || !now.get().sameProcess(m.entry)) {
            gone.add(m.entry);
          }
        }
        sup.onLoop(() -> {
          if (detached) {
            return;
          }
          for (ProcessEntry e : gone) {
            Match m = matches.get(e.pid());
            if (m != null && m.entry.sameProcess(e)) {
              lost(e);
            }
          }
          if (!matches.isEmpty() && pollTimer == null) {
            schedulePoll();
          }
        }, () -> { });
      });
    });
  }

  /** Stops watching; leaves the processes alone. */
  void detach() {
    if (detached) {
      return;
    }
    detached = true;
    closed = true;
    if (rescanTimer != null) {
      rescanTimer.cancel();
      rescanTimer = null;
    }
    if (pollTimer != null) {
      pollTimer.cancel();
      pollTimer = null;
    }
    for (Match m : matches.values()) {
      if (m.watch != null) {
        m.watch.close();
      }
    }
    matches.clear();
    endings.clear();
    publishMatches();
    // the last status, whole (a RUNNING with no process would contradict itself), saying it is the last
    AttachStatus last = status;
    status = new AttachStatus(name, last.state(), last.processes(), "detached; at the last look: " + last.message(),
        last.since(), last.lastExit(), last.exits());
    log.atInfo().addKeyValue("process", name).log("Detached {}", name);
  }

  @Override
  public String toString() {
    AttachStatus s = status;
    return "AttachedProcess{" + name + ", " + spec.target() + ", " + s.state() + ", pids " + java.util.Arrays.toString(s.pids()) + "}";
  }
}
