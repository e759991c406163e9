package io.github.vigil.journal;

import static java.util.Objects.requireNonNull;

import io.github.vigil.ExitInfo;
import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.ResourceRule;
import io.github.vigil.StdStream;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import io.github.vigil.Termination;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.journal.Entry.EventRow;
import io.github.vigil.journal.Entry.RunOp;
import io.github.vigil.journal.Entry.SnapshotRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what supervisors do into a database: every {@link SupervisorEvent} (with the stderr tail and
 * memory at death of each exit, and the actor of an operator's command), every run, and a status snapshot
 * of each process every {@link Builder#snapshotInterval(Duration) snapshot interval}.
 *
 * <pre>{@code
 * Journal journal = Journal.builder().sqlite(stateDirectory.resolve("journal.db")).build();
 * journal.attach(supervisor);                      // listens, and snapshots every minute
 * journal.restart(supervisor.controller("orders").orElseThrow(), "alice", "deploy 2.4.1");
 * }</pre>
 *
 * <p><b>Never holds supervision up.</b> {@link #onEvent} turns the event into a row and puts it in a bounded
 * buffer; one thread, {@code vigil-journal-writer}, writes the buffer in batches, one transaction each, at
 * least every {@link Builder#batchInterval(Duration) batch interval} (1 s by default). While the database is
 * unreachable the buffer keeps up to {@link Builder#bufferCapacity(int)} entries; when it is full each new
 * event pushes out the oldest snapshot (snapshots go first), and both are counted in {@link #stats()} and
 * logged. When the database is back the buffer is written in order.
 *
 * <p><b>What a killed JVM loses.</b> An event is in the database at most one batch interval plus one
 * commit after it was heard. A JVM killed with SIGKILL loses only the events of that last interval:
 * with the default 1 s, the events of the last second or so (the test {@code SigkillLossTest} measures it).
 *
 * <p>Thread-safe. Snapshots are read on the thread {@code vigil-journal-snapshots}.
 */
public final class Journal implements SupervisorListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  /** The label the Linux backend reads a memory limit from; parsed here to record the limit beside memory at death. */
  static final String MEMORY_MAX_LABEL = "vigil.linux.memory.max";

  private final String url;
  private final String host;
  private final Writer writer;
  private final InstantSource clock;
  private final Duration snapshotInterval;
  private final @Nullable TradeCalendar calendar;
  private final int stderrTailLines;
  private final @Nullable String corePattern;
  private final Map<String, ProcessTrack> tracks = new ConcurrentHashMap<>();
  private final List<Supervisor> supervisors = new CopyOnWriteArrayList<>();
  private final @Nullable ScheduledExecutorService snapshotter;
  private volatile boolean closed;

  private Journal(Builder b, String url) throws SQLException {
    this.url = url;
    this.host = b.host != null ? b.host : localHostName();
    this.clock = b.clock;
    this.snapshotInterval = b.snapshotInterval;
    this.calendar = b.calendar;
    this.stderrTailLines = b.stderrTailLines;
    this.corePattern = b.corePattern;
    Properties props = new Properties();
    if (b.user != null) {
      props.setProperty("user", b.user);
    }
    if (b.password != null) {
      props.setProperty("password", b.password);
    }
    this.writer = new Writer(url, props, host, b.bufferCapacity, b.maxBatch, b.batchInterval, b.retryDelay, b.retention, b.clock);
    writer.start();
    if (!snapshotInterval.isZero()) {
      snapshotter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-journal-snapshots");
        t.setDaemon(true);
        return t;
      });
      long ms = snapshotInterval.toMillis();
      snapshotter.scheduleAtFixedRate(this::snapshotSafely, ms, ms, TimeUnit.MILLISECONDS);
    } else {
      snapshotter = null;
    }
    log.info("Journal writing to {} as host {}", Writer.redact(url), host);
  }

  /** A builder: SQLite in {@code ./vigil-journal.db} unless told otherwise. */
  public static Builder builder() {
    return new Builder();
  }

  /** The JDBC URL written to. */
  public String url() {
    return url;
  }

  /** The host name written in each row. */
  public String host() {
    return host;
  }

  /**
   * Listens to {@code supervisor}'s events and includes its processes in the snapshots; closing the
   * returned handle stops both. Exits recorded while attached carry their stderr tail. A process registered before
   * and not started yet is journaled as registered now, as if heard. With a
   * {@link TradingSupervision}, use {@link #attach(Supervisor, TradingSupervision)}.
   */
  public AutoCloseable attach(Supervisor supervisor) {
    requireNonNull(supervisor, "supervisor");
    return attach(supervisor, () -> supervisor.subscribe(this));
  }

  /**
   * Like {@link #attach(Supervisor)}, and records {@code trading}'s own events too ({@code SessionOpened},
   * {@code SessionClosed}, {@code ScheduleStarted}, {@code ScheduleStopped}, {@code RestartDeferred},
   * {@code WatchWindowChanged}), which reach only {@code trading}'s listeners, and an {@code OutsideWindow} row beside each
   * exit that {@code trading} recorded outside the process's window (a run that ended after its close, not by the
   * supervisor: an operator's {@code kill}, say), so that {@code vigil crash} does not take it for a crash of the trading
   * day, as {@code DayStatistics} and the alerts do not. Without them a restart deferred to a
   * freeze window's end is missing from the restart report, and {@code vigil events} does not say which stops and
   * starts were the schedule's. The supervisor's own events are still taken from the supervisor, so that the journal
   * hears its last stops whether {@code trading} is closed before it or after, and an exit after the close (an
   * {@code OutsideWindow} in {@code trading}'s stream) still ends its run. {@code trading} must be built on
   * {@code supervisor}. Closing the returned handle stops both.
   */
  public AutoCloseable attach(Supervisor supervisor, TradingSupervision trading) {
    requireNonNull(trading, "trading");
    AutoCloseable own = attach(supervisor);
    AutoCloseable schedule = trading.subscribe(e -> {
      if (isScheduleEvent(e) || e instanceof SupervisorEvent.OutsideWindow o && o.event() instanceof SupervisorEvent.Exited) {
        onEvent(e);
      }
    });
    return () -> {
      schedule.close();
      own.close();
    };
  }

  /** The events a {@link TradingSupervision} makes itself (its other events are the supervisor's, or wrap them). */
  private static boolean isScheduleEvent(SupervisorEvent e) {
    return e instanceof SupervisorEvent.SessionOpened || e instanceof SupervisorEvent.SessionClosed
        || e instanceof SupervisorEvent.ScheduleStarted || e instanceof SupervisorEvent.ScheduleStopped
        || e instanceof SupervisorEvent.RestartDeferred || e instanceof SupervisorEvent.WatchWindowChanged;
  }

  private AutoCloseable attach(Supervisor supervisor, java.util.function.Supplier<AutoCloseable> subscribe) {
    supervisors.add(supervisor);
    for (ProcessController c : supervisor.controllers()) {
      track(c.name()).memoryLimit = memoryLimit(c.spec());
      // registered before this attach and not started yet (the Spring Boot starter registers its processes before it
      // builds the journal): its registration all the same, by which the reports tell a killed JVM's restarts
      // (SUPERVISOR_ENDED); without it a killed application's next start was no restart. One that ran already is
      // left as it was: its registration would be out of place among what this journal heard of it.
      if (notStartedYet(c.status())) {
        onEvent(new SupervisorEvent.Registered(c.name(), clock.instant(), c.spec()));
      }
    }
    AutoCloseable sub = subscribe.get();
    return () -> {
      sub.close();
      supervisors.remove(supervisor);
    };
  }

  private static boolean notStartedYet(ProcessStatus status) {
    return status.state() == ProcessState.STOPPED && status.startedAt() == null && status.lastExit() == null;
  }

  /**
   * Names who issues the next API command of this kind for this process, and why: the journal records
   * {@code actor} on that {@link SupervisorEvent.CommandIssued}, and restart reports name it. Use
   * {@link #restart(ProcessController, String, String)} for the common case.
   */
  public void actor(String process, SupervisorEvent.Command command, String actor, String reason) {
    requireNonNull(process, "process");
    requireNonNull(command, "command");
    requireNonNull(actor, "actor");
    requireNonNull(reason, "reason");
    track(process).pendingActor = new PendingActor(command, actor, reason);
  }

  /** Restarts {@code controller}'s process on behalf of {@code actor}, recording who and why. */
  public CompletionStage<ProcessStatus> restart(ProcessController controller, String actor, String reason) {
    actor(controller.name(), SupervisorEvent.Command.RESTART, actor, reason);
    return controller.restart();
  }

  /** Records one event: turns it into a row and buffers it. Never blocks. */
  @Override
  public void onEvent(SupervisorEvent event) {
    EventRow row = toRow(event);
    writer.offer(row);
  }

  /** Takes a status snapshot of every process of the attached supervisors now (also done every snapshot interval). */
  public void snapshotNow() {
    for (Supervisor s : supervisors) {
      for (ProcessController c : s.controllers()) {
        writer.offer(snapshot(c));
      }
    }
  }

  /** Buffers one snapshot row built from a status and sample read elsewhere (tests, other sources). */
  public void recordSnapshot(ProcessStatus status, @Nullable ProcessSample sample, Instant at, Duration checkDuration, @Nullable String error) {
    writer.offer(snapshotRow(status, sample, at, checkDuration, error));
  }

  /**
   * Writes what the journal has heard and waits until the database has it. The journal hears a supervisor's events in a
   * queue of its own ({@link Supervisor#subscribe}), so an event another listener has heard, or that preceded a command's
   * result, may not have reached the journal yet: this first waits until every event each attached supervisor published
   * before this call has ({@link Supervisor#awaitDelivered}), then writes them with what is buffered. Once it returns
   * true, each of those events is in the database (committed), as is every row buffered before the call.
   *
   * <p>Called by a listener of a supervisor, or where a command's stage completes ({@code start().thenRun(...)}), it
   * cannot wait for the journal's queue: that thread is the one that delivers to it, and would wait for itself. It
   * then writes what the journal has heard so far, and its true says only that this was written; an event published
   * after the one that listener is hearing is not waited for either way. The {@code TradingSupervision} of
   * {@link #attach(Supervisor, TradingSupervision)} delivers its own events ({@code SessionOpened}...) on a thread of
   * its own: those are written once heard, and not waited for.
   *
   * @return true when all of it was written within {@code timeout}; false when a supervisor's listeners did not deliver
   *     to the journal, or the database did not take the rows, in time (what was heard is still written when it can be)
   */
  public boolean flush(Duration timeout) {
    requireNonNull(timeout, "timeout");
    // at most a year: a deadline that stays one (nanoTime plus the nanoseconds of a longer timeout may overflow)
    long deadline = System.nanoTime() + Math.max(0, timeout.compareTo(LONGEST_FLUSH) > 0 ? LONGEST_FLUSH.toNanos() : timeout.toNanos());
    try {
      boolean heard = true;
      for (Supervisor s : supervisors) {
        heard &= heardAll(s, deadline);
      }
      return writer.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))) && heard;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static final Duration LONGEST_FLUSH = Duration.ofDays(365);

  /** Whether the journal heard every event {@code supervisor} published so far by {@code deadline} (nanoTime). */
  private boolean heardAll(Supervisor supervisor, long deadline) throws InterruptedException {
    try {
      return supervisor.awaitDelivered(this, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    } catch (IllegalStateException | UnsupportedOperationException e) {
      // a listener's thread, which may be the one delivering to the journal; or a supervisor that cannot tell:
      // what the journal heard is all there is to write
      log.debug("Journal flush not waiting for supervisor {}'s deliveries: {}", supervisor.name(), e.getMessage());
      return true;
    }
  }

  /** Counters of the writer: written, dropped, buffered, failures. */
  public JournalStats stats() {
    return writer.stats();
  }

  /** Runs retention's cleanup now rather than at its next due time; returns how many rows it deleted. */
  long cleanupNow() throws SQLException {
    return writer.deleteOlderThan(clock.millis());
  }

  /** A reader on the same database. */
  public JournalReader reader() throws SQLException {
    return JournalReader.open(url, host);
  }

  /**
   * Stops snapshots and writes what is buffered (waiting up to 10 s for an unreachable database), then
   * ends the writer thread. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (snapshotter != null) {
      snapshotter.shutdownNow();
    }
    writer.close(Duration.ofSeconds(10));
  }

  // --- events to rows -------------------------------------------------------------------------

  private ProcessTrack track(String process) {
    return tracks.computeIfAbsent(process, p -> new ProcessTrack());
  }

  EventRow toRow(SupervisorEvent event) {
    EventRow r = new EventRow();
    r.host = host;
    r.process = event.process();
    r.atMs = event.at().toEpochMilli();
    r.type = event.getClass().getSimpleName();
    ProcessTrack t = track(event.process());
    synchronized (t) {
      if (event instanceof SupervisorEvent.Registered e) {
        t.memoryLimit = memoryLimit(e.spec());
        r.reason = String.join(" ", e.spec().command());
      } else if (event instanceof SupervisorEvent.Removed) {
        r.reason = "removed";
      } else if (event instanceof SupervisorEvent.CommandIssued e) {
        r.command = e.command().name();
        r.origin = e.origin().name();
        r.reason = EventReasons.orElse(e.reason(), EventReasons.lower(e.command()) + " requested");
        PendingActor a = t.pendingActor;
        if (e.origin() == io.github.vigil.Origin.API && a != null && a.command == e.command()) {
          r.actor = a.actor;
          r.reason = a.reason;
          t.pendingActor = null;
        }
        if (e.command() == SupervisorEvent.Command.RESTART) {
          t.restartCommanded = true;
        } else if (e.command() == SupervisorEvent.Command.STOP) {
          t.restartCommanded = false;
          t.exitBeforeRestartMs = -1;
        }
      } else if (event instanceof SupervisorEvent.StateChanged e) {
        r.fromState = e.from().name();
        r.toState = e.to().name();
        r.origin = e.origin().name();
        r.reason = EventReasons.orElse(e.reason(), e.from() + " → " + e.to());
        r.run = t.run > 0 ? t.run : null;
        if (e.to() == ProcessState.RUNNING && t.exitBeforeRestartMs >= 0 && t.run > 0) {
          r.runOp = RunOp.RECOVERED;
          r.recoveryMs = r.atMs - t.exitBeforeRestartMs;
          r.startedMs = t.startedMs;
          t.exitBeforeRestartMs = -1;
        } else if (e.to() == ProcessState.FAILED) {
          t.exitBeforeRestartMs = -1;
        }
      } else if (event instanceof SupervisorEvent.Started e) {
        r.run = e.run();
        r.pid = e.pid();
        r.runOp = RunOp.START;
        r.reason = "run " + e.run() + " started, pid " + e.pid();
        r.startedMs = r.atMs;
        r.closeLeftovers = !t.startSeen;
        t.startSeen = true;
        t.run = e.run();
        t.startedMs = r.atMs;
        t.pid = e.pid();
      } else if (event instanceof SupervisorEvent.Exited e) {
        r.run = e.run();
        r.pid = e.run() == t.run ? t.pid : null;
        exit(r, e.exit(), t);
        r.runOp = RunOp.END;
        r.startedMs = e.run() == t.run && t.startedMs > 0 ? t.startedMs : r.atMs - e.exit().runDuration().toMillis();
        r.stderrTail = stderrTail(e.process(), e.run());
        r.corePath = !e.exit().coreDumped() ? null : corePattern != null
            ? CoreDumps.locate(corePattern, false, workingDirectory(e.process()), r.pid == null ? -1 : r.pid, executable(e.process()),
                e.exit().at(), host)
            : CoreDumps.locate(workingDirectory(e.process()), r.pid == null ? -1 : r.pid, executable(e.process()), e.exit().at(), host);
        if (e.exit().cause().isFailure() || t.restartCommanded) {
          t.exitBeforeRestartMs = r.atMs;
        }
        t.restartCommanded = false;
      } else if (event instanceof SupervisorEvent.RestartScheduled e) {
        r.attempt = e.attempt();
        r.delayMs = e.delay().toMillis();
        exit(r, e.after(), t);
        r.reason = "restart attempt " + e.attempt() + " in " + HumanFormat.duration(e.delay()) + " after " + e.after();
      } else if (event instanceof SupervisorEvent.RestartDeferred e) {
        exit(r, e.exit(), t);
        // the delay to the window's end: the analysis counts a deferral with one as a restart
        r.delayMs = e.until() == null ? null : Math.max(0, e.until().toEpochMilli() - r.atMs);
        r.reason = "ended inside freeze window " + e.window() + " (" + e.exit() + "): restart "
            + (e.until() == null ? "left for a person" : "deferred to the window's end, " + e.until());
      } else if (event instanceof SupervisorEvent.Failed e) {
        if (e.lastExit() != null) {
          exit(r, e.lastExit(), t);
        }
        r.reason = EventReasons.orElse(e.reason(), "gave up after " + e.lastExit());
        t.exitBeforeRestartMs = -1;
      } else if (event instanceof SupervisorEvent.Diagnosed e) {
        r.run = e.run() > 0 ? e.run() : null;
        // its text unescaped (Diagnosis.rawHeadline()): the escaped headline() in the JSON of vigil diagnose and events
        // was escaped once more (a JSON reader got a backslash and an n); the CLI escapes it where it prints it on a line
        r.reason = e.diagnosis().rawHeadline();
        r.metric = e.diagnosis().cause().map(f -> f.check().name()).orElse(null);
        r.command = e.diagnosis().trigger().name();
        r.diagnosis = e.diagnosis().render();
      } else if (event instanceof SupervisorEvent.ResourceLimitExceeded e) {
        r.metric = e.metric().name();
        r.metricValue = e.value();
        r.metricLimit = e.limit();
        r.command = e.action().name();
        r.reason = EventReasons.orElse(e.rule(), EventReasons.lower(e.metric())) + ": "
            + EventReasons.orElse(e.message(), e.metric() + " " + e.value() + " above " + e.limit());
      } else if (event instanceof SupervisorEvent.ResourceLimitRecovered e) {
        r.reason = EventReasons.orElse(e.rule(), EventReasons.lower(e.metric())) + ": "
            + EventReasons.orElse(e.message(), e.metric() + " " + e.value() + " back within " + e.limit())
            + " (broken for " + HumanFormat.duration(e.breachedFor()) + ")";
      } else if (event instanceof SupervisorEvent.HealthChanged e) {
        r.fromState = e.from().name();
        r.toState = e.to().name();
        r.reason = EventReasons.orElse(e.message(), "health " + e.from() + " → " + e.to());
      } else if (event instanceof SupervisorEvent.OutsideWindow e && e.event() instanceof SupervisorEvent.Exited x) {
        // beside the Exited the supervisor gave (same run, same instant): that exit was outside the process's window
        r.atMs = x.at().toEpochMilli();
        r.run = x.run();
        r.reason = EventReasons.of(event);
      } else if (event instanceof SupervisorEvent.Attached e) {
        r.reason = e.spec().toString();
      } else if (event instanceof SupervisorEvent.Detached e) {
        r.reason = EventReasons.orElse(e.reason(), "detached");
      } else if (event instanceof SupervisorEvent.AttachedFound e) {
        r.pid = e.found().pid();
        r.reason = e.found().processName() + ": " + e.found().commandLine();
      } else if (event instanceof SupervisorEvent.AttachedLost e) {
        r.pid = e.lost().pid();
        r.reason = e.lost().processName() + ": " + e.lost().commandLine();
      } else if (event instanceof SupervisorEvent.AttachedHandedOver e) {
        r.pid = e.from().pid(); // the pid it no longer watches, as a lost one's (JournalReader.attachedPid)
        r.reason = "pid " + e.from().pid() + " (" + e.from().processName() + ") exited, leaving pid " + e.to().pid() + " ("
            + e.to().processName() + "), which it forked: carried on with pid " + e.to().pid() + ", no exit";
      } else if (event instanceof SupervisorEvent.AttachStateChanged e) {
        r.fromState = e.from().name();
        r.toState = e.to().name();
        r.reason = EventReasons.orElse(e.message(), "attachment " + e.from() + " → " + e.to());
      } else {
        r.reason = EventReasons.of(event);
      }
    }
    return r;
  }


  private static void exit(EventRow r, ExitInfo x, ProcessTrack t) {
    r.exitCause = x.cause().name();
    r.termination = x.termination().toString();
    r.exitCode = x.exitCode().isPresent() ? x.exitCode().getAsInt() : null;
    if (x.termination() instanceof Termination.Signaled s) {
      r.signal = s.signal();
      r.signalName = s.name();
      r.coreDumped = s.exact() ? s.coreDumped() : null; // an inferred signal says nothing of a core: not known
    }
    r.runMs = x.runDuration().toMillis();
    r.memoryBytes = x.memoryAtDeath().isPresent() ? x.memoryAtDeath().getAsLong() : null;
    r.memoryLimitBytes = t.memoryLimit >= 0 ? t.memoryLimit : null;
    r.reason = x.message().isEmpty() ? x.toString() : x.message();
  }

  private String executable(String process) {
    for (Supervisor s : supervisors) {
      Optional<ProcessController> c = s.controller(process);
      if (c.isPresent() && !c.get().spec().command().isEmpty()) {
        Path exe = Path.of(c.get().spec().command().get(0)).getFileName();
        return exe == null ? process : exe.toString();
      }
    }
    return process;
  }

  /** The last lines run {@code run} wrote to standard error: not those of the runs before it. */
  private @Nullable String stderrTail(String process, int run) {
    for (Supervisor s : supervisors) {
      Optional<ProcessController> c = s.controller(process);
      if (c.isPresent()) {
        List<String> lines = c.get().outputTail(StdStream.STDERR, run);
        if (lines.isEmpty()) {
          return null;
        }
        return String.join("\n", lines.subList(Math.max(0, lines.size() - stderrTailLines), lines.size()));
      }
    }
    return null;
  }

  private @Nullable Path workingDirectory(String process) {
    for (Supervisor s : supervisors) {
      Optional<ProcessController> c = s.controller(process);
      if (c.isPresent()) {
        return c.get().spec().workingDirectory().orElse(Path.of("").toAbsolutePath());
      }
    }
    return null;
  }

  /** The memory limit a spec asks for: the Linux backend's label, else a resident-memory rule's limit; -1 when none. */
  static long memoryLimit(ProcessSpec spec) {
    String label = spec.labels().get(MEMORY_MAX_LABEL);
    if (label != null) {
      OptionalLong v = parseSize(label);
      if (v.isPresent()) {
        return v.getAsLong();
      }
    }
    for (ResourceRule rule : spec.resourceRules()) {
      if (rule.metric() == ResourceRule.Metric.RESIDENT_MEMORY) {
        return (long) rule.limit();
      }
    }
    return -1;
  }

  static OptionalLong parseSize(String value) {
    String t = value.trim().toUpperCase(Locale.ROOT);
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    long unit = 1;
    if (!t.isEmpty() && "KMG".indexOf(t.charAt(t.length() - 1)) >= 0) {
      unit = 1L << (10 * ("KMG".indexOf(t.charAt(t.length() - 1)) + 1));
      t = t.substring(0, t.length() - 1);
    }
    try {
      return OptionalLong.of(Long.parseLong(t.trim()) * unit);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  // --- snapshots ------------------------------------------------------------------------------

  private void snapshotSafely() {
    try {
      snapshotNow();
    } catch (RuntimeException e) {
      log.warn("Journal snapshot failed: {}", e.toString());
    }
  }

  private SnapshotRow snapshot(ProcessController c) {
    // stamped before the status is read: a transition published while it is read (a stop under way) must stay newer
    // than the snapshot, or the status command takes the snapshot's older state for the newer one
    Instant at = clock.instant();
    long t0 = System.nanoTime();
    ProcessStatus status = c.status();
    ProcessSample sample = null;
    String error = null;
    try {
      sample = c.sample().orElse(null);
      if (sample != null && sample.vanished()) {
        error = "vanished while read: " + sample.vanishedReason();
        sample = null;
      }
    } catch (RuntimeException e) {
      error = e.toString();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    return snapshotRow(status, sample, at, took, error);
  }

  private SnapshotRow snapshotRow(ProcessStatus status, @Nullable ProcessSample sample, Instant at, Duration checkDuration,
      @Nullable String error) {
    SnapshotRow s = new SnapshotRow();
    s.host = host;
    s.process = status.name();
    s.atMs = at.toEpochMilli();
    s.state = status.state().name();
    s.pid = status.pid() > 0 ? status.pid() : null;
    s.uptimeMs = status.uptime().toMillis();
    s.startedMs = status.startedAt() != null ? status.startedAt().toEpochMilli() : null;
    s.restarts = status.restarts();
    s.health = status.health().name();
    s.tradeDay = calendar != null ? calendar.tradeDay(at) : null;
    s.checkMs = checkDuration.toNanos() / 1e6;
    s.error = error;
    if (sample != null) {
      s.cpuPercent = sample.has(ProcessSample.Field.CPU_PERCENT) ? sample.get(ProcessSample.Field.CPU_PERCENT) : null;
      s.memoryBytes = sample.has(ProcessSample.Field.MEMORY_RESIDENT) ? (long) sample.get(ProcessSample.Field.MEMORY_RESIDENT) : null;
      s.memoryPercent = sample.has(ProcessSample.Field.MEMORY_PERCENT) ? sample.get(ProcessSample.Field.MEMORY_PERCENT) : null;
    }
    return s;
  }

  /**
   * The host name a journal records its rows under when {@link Builder#host} is not given: {@code HOSTNAME}, else the
   * kernel's host name. The command line compares it with a row's host to tell whether that row's pids are of this
   * machine.
   */
  public static String defaultHost() {
    return localHostName();
  }

  static String localHostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      return "localhost";
    }
  }

  private static final class ProcessTrack {
    int run;
    long startedMs;
    long pid = -1;
    long memoryLimit = -1;
    long exitBeforeRestartMs = -1;
    boolean restartCommanded;
    boolean startSeen;
    @Nullable PendingActor pendingActor;
  }

  private record PendingActor(SupervisorEvent.Command command, String actor, String reason) {}

  /**
   * Builds a {@link Journal}. Setters check their argument at once; not thread-safe.
   */
  public static final class Builder {
    private @Nullable String url;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable String host;
    private Duration batchInterval = Duration.ofSeconds(1);
    private int maxBatch = 500;
    private int bufferCapacity = 100_000;
    private Duration retryDelay = Duration.ofSeconds(1);
    private Duration snapshotInterval = Duration.ofMinutes(1);
    private Retention retention = Retention.DEFAULT;
    private @Nullable TradeCalendar calendar;
    private InstantSource clock = InstantSource.system();
    private int stderrTailLines = 20;
    private @Nullable String corePattern;

    private Builder() {}

    /**
     * Where the kernel writes core dumps, in {@code core_pattern} syntax ({@code /var/crash/core.%e.%p}, or
     * {@code |/lib/systemd/systemd-coredump ...}); by default read from {@code /proc/sys/kernel/core_pattern}
     * at each crash. Set it where the processes run in a container whose pattern differs from this one's.
     */
    public Builder corePattern(String pattern) {
      if (pattern == null || pattern.isBlank()) {
        throw new IllegalArgumentException("corePattern must not be blank: '" + pattern + "'");
      }
      this.corePattern = pattern;
      return this;
    }

    /** SQLite in this file (created, with its directory, when missing). */
    public Builder sqlite(Path file) {
      requireNonNull(file, "file");
      this.url = "jdbc:sqlite:" + file.toAbsolutePath();
      return this;
    }

    /** SQLite in {@code journal.db} of the supervisor's state directory. */
    public Builder stateDirectory(Path dir) {
      return sqlite(requireNonNull(dir, "stateDirectory").resolve("journal.db"));
    }

    /** Any supported JDBC URL: {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST:PORT/DB}. */
    public Builder url(String jdbcUrl) {
      requireNonNull(jdbcUrl, "url");
      Dialect.of(jdbcUrl);
      this.url = jdbcUrl;
      return this;
    }

    /** The database user (PostgreSQL). */
    public Builder user(String u) {
      this.user = requireNonNull(u, "user");
      return this;
    }

    /** The database password (PostgreSQL). */
    public Builder password(String p) {
      this.password = requireNonNull(p, "password");
      return this;
    }

    /** The host column of every row; by default this machine's host name. */
    public Builder host(String h) {
      if (h == null || h.isBlank()) {
        throw new IllegalArgumentException("host must not be blank: '" + h + "'");
      }
      this.host = h;
      return this;
    }

    /** The longest an event waits in memory before its batch is written (and so what a SIGKILL loses); default 1 s. */
    public Builder batchInterval(Duration d) {
      requireNonNull(d, "batchInterval");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("batchInterval must be positive: " + HumanFormat.duration(d));
      }
      this.batchInterval = d;
      return this;
    }

    /** The most entries written in one transaction; a full batch is written at once. Default 500. */
    public Builder maxBatch(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1: " + n);
      }
      this.maxBatch = n;
      return this;
    }

    /** The most entries kept in memory while the database is slow or unreachable; default 100,000. */
    public Builder bufferCapacity(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("bufferCapacity must be at least 1: " + n);
      }
      this.bufferCapacity = n;
      return this;
    }

    /** How long the writer waits before trying an unreachable database again; default 1 s. */
    public Builder retryDelay(Duration d) {
      requireNonNull(d, "retryDelay");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("retryDelay must be positive: " + HumanFormat.duration(d));
      }
      this.retryDelay = d;
      return this;
    }

    /** How often each attached process's status is written; {@link Duration#ZERO} for never. Default 1 minute. */
    public Builder snapshotInterval(Duration d) {
      requireNonNull(d, "snapshotInterval");
      if (d.isNegative() || (!d.isZero() && d.toMillis() < 1)) {
        throw new IllegalArgumentException("snapshotInterval must be zero or at least 1 ms: " + HumanFormat.duration(d));
      }
      this.snapshotInterval = d;
      return this;
    }

    /** How long each table keeps its rows. */
    public Builder retention(Retention r) {
      this.retention = requireNonNull(r, "retention");
      return this;
    }

    /** Fills the trade-day column of snapshots. */
    public Builder tradeCalendar(TradeCalendar c) {
      this.calendar = requireNonNull(c, "tradeCalendar");
      return this;
    }

    /** The wall clock for snapshots and retention. */
    public Builder clock(InstantSource c) {
      this.clock = requireNonNull(c, "clock");
      return this;
    }

    /** How many of the last stderr lines are kept with each exit; default 20. */
    public Builder stderrTailLines(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("stderrTailLines must not be negative: " + n);
      }
      this.stderrTailLines = n;
      return this;
    }

    /**
     * Opens the database, brings its schema to the latest version this Vigil knows and starts the writer. A journal a
     * newer Vigil migrated further is written as it is where its readable-by floor is a version this Vigil knows
     * (journal/README.md, "Newer versions").
     *
     * @throws IllegalStateException naming the URL when the database cannot be opened or migrated, or its schema is
     *     newer and not readable by this Vigil (the message names the versions; nothing written)
     */
    public Journal build() {
      String u = url != null ? url : "jdbc:sqlite:" + Path.of("vigil-journal.db").toAbsolutePath();
      if (Dialect.of(u) == Dialect.SQLITE) {
        // the file the URL names, also in SQLite's URI form (jdbc:sqlite:file:/path?...), where the path after "file:"
        // made a directory "file:" in the working directory and not the file's own; none for an in-memory database
        Path file = JournalReader.sqliteFile(u);
        try {
          if (file != null && file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
          }
        } catch (IOException e) {
          throw new IllegalStateException("cannot create the journal's directory " + file.toAbsolutePath().getParent() + ": " + e, e);
        }
      }
      try {
        return new Journal(this, u);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot open the journal " + Writer.redact(u) + ": " + e.getMessage(), e);
      }
    }
  }
}
