package io.github.vigil.cli;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.JournalSnapshot;
import io.github.vigil.journal.ProcessSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code vigil status}: the last recorded state of every process. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
    description = "The last recorded state of every process; exit 1 when one is "
    + "crashed, failed or backing off, or an attachment is stopped, not found or in error inside its watch window")
final class StatusCommand implements Callable<Integer> {
  private static final Set<String> BAD = Set.of("CRASHED", "FAILED", "BACKOFF");
  /**
   * An attachment's states that need attention: the watched process ended (nothing Vigil did stopped it, unlike a
   * supervised process's STOPPED), was never found, or cannot be examined. DETACHED was asked for.
   */
  private static final Set<String> ATTACHMENT_BAD = Set.of("STOPPED", "NOT_FOUND", "ERROR");

  @Mixin
  VigilCli.Common common = new VigilCli.Common();

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Instant now = common.now();
    Style style = common.style();
    List<ProcessSummary> all;
    try (JournalReader reader = common.open()) {
      all = reader.status(now);
    }
    var out = spec.commandLine().getOut();
    // a row of this machine said to run whose pid is gone: its supervisor ended without recording it (killed, likely)
    Set<ProcessSummary> gone = common.nowGiven() ? Set.of() : goneHere(all, io.github.vigil.journal.Journal.defaultHost());
    boolean bad = !gone.isEmpty() || all.stream().anyMatch(StatusCommand::needsAttention);
    java.util.Map<String, Instant> hostSeen = lastRecorded(all);
    java.util.Set<String> stale = new java.util.TreeSet<>();
    hostSeen.forEach((host, seen) -> {
      if (Duration.between(seen, now).compareTo(STALE_AFTER) > 0
          && all.stream().anyMatch(s -> s.host().equals(host) && ACTIVE.contains(s.state()))) {
        stale.add(host);
      }
    });
    if (common.json) {
      List<Object> list = new ArrayList<>();
      for (ProcessSummary s : all) {
        JournalSnapshot snap = live(s);
        list.add(Json.obj().put("host", s.host()).put("process", s.process()).put("state", s.state())
            // an attachment's STOPPED is a watched process that ended, a supervised process's a person's stop: told apart
            .put("attachment", s.attachment())
            .put("since", s.since() == null ? null : s.since().toString()).put("pid", s.pid())
            .put("cpuPercent", snap == null ? null : snap.cpuPercent()).put("memoryBytes", snap == null ? null : snap.memoryBytes())
            .put("uptimeMs", uptime(s, asOf(s, now, stale, hostSeen, gone)) == null ? null : uptime(s, asOf(s, now, stale, hostSeen, gone)).toMillis()).put("restarts24h", s.restarts24h())
            .put("lastSeen", s.lastEvent() == null ? null : s.lastEvent().toString())
            .put("stale", stale.contains(s.host()) && ACTIVE.contains(s.state()))
            .put("gone", gone.contains(s))
            .put("outsideWatchWindow", s.outsideWatchWindow())); // an attachment's not running then is expected
      }
      out.print(Json.write(Json.obj().put("at", now.toString()).put("processes", list)));
      // nothing recorded is exit 3 in JSON as in text (cli/README: exit codes)
      return all.isEmpty() ? VigilCli.NOTHING : bad ? VigilCli.ATTENTION : VigilCli.OK;
    }
    if (all.isEmpty()) {
      out.println("The journal has no processes yet.");
      return VigilCli.NOTHING;
    }
    boolean hosts = all.stream().map(ProcessSummary::host).distinct().count() > 1;
    List<String> headers = new ArrayList<>(List.of("PROCESS", "STATE", "PID", "SINCE", "UPTIME", "CPU", "MEMORY", "RESTARTS 24H", "LAST SEEN"));
    if (hosts) {
      headers.add(0, "HOST");
    }
    int off = hosts ? 1 : 0;
    List<List<String>> rows = new ArrayList<>();
    List<List<UnaryOperator<String>>> colours = new ArrayList<>();
    for (ProcessSummary s : all) {
      JournalSnapshot snap = live(s);
      Duration up = uptime(s, asOf(s, now, stale, hostSeen, gone));
      List<String> cells = new ArrayList<>();
      if (hosts) {
        cells.add(s.host());
      }
      cells.add(s.process());
      cells.add(s.state());
      cells.add(s.pid() == null ? "-" : Long.toString(s.pid()));
      cells.add(common.time(s.since()));
      cells.add(up == null ? "-" : HumanFormat.duration(up));
      cells.add(snap == null || snap.cpuPercent() == null ? "-" : HumanFormat.number(snap.cpuPercent()) + "%");
      cells.add(snap == null || snap.memoryBytes() == null ? "-" : HumanFormat.bytes(snap.memoryBytes()));
      cells.add(Integer.toString(s.restarts24h()));
      cells.add(common.time(s.lastEvent()));
      List<UnaryOperator<String>> colour = new ArrayList<>();
      for (int i = 0; i < cells.size(); i++) {
        colour.add(UnaryOperator.identity());
      }
      colour.set(1 + off, style::state);
      if (s.restarts24h() > 0) {
        colour.set(7 + off, style::yellow);
      }
      rows.add(cells);
      colours.add(colour);
    }
    int width = common.width();
    Table t = table(headers, rows, colours, off, false);
    if (!t.fits(width)) {
      // too many columns for the width (a fleet's long host names): SINCE and LAST SEEN on a line under each row, as vigil
      // history puts how a run ended, rather than a table wider than the terminal
      t = table(headers, rows, colours, off, true);
    }
    out.print(t.render(style, width));
    for (String host : stale) {
      Instant seen = hostSeen.get(host);
      out.print(Table.paragraph((hosts ? host + ": n" : "N") + "othing recorded for " + HumanFormat.duration(Duration.between(seen, now))
          + " (since " + common.time(seen) + "): the states above are the last recorded; a running gateway writes a snapshot"
          + " every minute by default, so it may have stopped without closing its journal.", width, "", style::yellow));
    }
    for (ProcessSummary s : all) {
      if (expectedOutsideItsWindow(s)) {
        out.print(Table.paragraph((hosts ? s.host() + ": " : "") + s.process() + ": " + s.state() + " while its watch window is closed,"
            + " as expected of a process that runs in its sessions only; not counted in the exit code.", width, "", UnaryOperator.identity()));
      }
    }
    for (ProcessSummary s : gone) {
      out.print(Table.paragraph(s.process() + ": pid " + s.pid() + " is not running on this host (" + s.host() + "), though the"
          + " journal's last record says " + s.state() + ": its supervisor ended without recording it (killed, likely).", width, "",
          style::yellow));
    }
    return bad ? VigilCli.ATTENTION : VigilCli.OK;
  }

  /**
   * The status table of {@code rows}: its columns right-aligned where they hold figures; where {@code notes}, without the
   * SINCE and LAST SEEN columns, which a note under each row says instead ({@code since …, last seen …}).
   */
  private static Table table(List<String> headers, List<List<String>> rows, List<List<UnaryOperator<String>>> colours, int off,
      boolean notes) {
    int since = 3 + off;
    int lastSeen = 8 + off;
    Table t = new Table(kept(headers, notes, since, lastSeen).toArray(String[]::new));
    // PID, UPTIME, CPU, MEMORY and RESTARTS 24H, counted without SINCE where it is left out
    int shift = notes ? 1 : 0;
    t.alignRight(2 + off, 4 + off - shift, 5 + off - shift, 6 + off - shift, 7 + off - shift);
    for (int r = 0; r < rows.size(); r++) {
      List<String> cells = kept(rows.get(r), notes, since, lastSeen);
      List<UnaryOperator<String>> colour = kept(colours.get(r), notes, since, lastSeen);
      if (notes) {
        t.row(cells, colour, "since " + rows.get(r).get(since) + ", last seen " + rows.get(r).get(lastSeen));
      } else {
        t.row(cells, colour);
      }
    }
    return t;
  }

  /** {@code list} without its {@code since} and {@code lastSeen} items where {@code notes}, else as it is. */
  private static <T> List<T> kept(List<T> list, boolean notes, int since, int lastSeen) {
    List<T> out = new ArrayList<>(list);
    if (notes) {
      out.remove(lastSeen); // the later first: since's index stays
      out.remove(since);
    }
    return out;
  }

  /** Whether {@code s}'s state makes the status exit 1: a supervised process's, or an attachment's (cli/README: exit codes). */
  static boolean needsAttention(ProcessSummary s) {
    return s.attachment() ? ATTACHMENT_BAD.contains(s.state()) && !expectedOutsideItsWindow(s) : BAD.contains(s.state());
  }

  /**
   * Whether {@code s} is an attachment not running while its watch window is closed: a feed that runs only in its
   * sessions, whose STOPPED or NOT_FOUND at night made every status check exit 1.
   */
  static boolean expectedOutsideItsWindow(ProcessSummary s) {
    return s.attachment() && s.outsideWatchWindow() && ATTACHMENT_BAD.contains(s.state());
  }

  /**
   * The rows of {@code thisHost} said to run whose pid is not alive here, or is a process started after the run was: the
   * journal's last record of a supervisor killed without closing it. Rows of other hosts are not looked at.
   */
  static Set<ProcessSummary> goneHere(List<ProcessSummary> all, String thisHost) {
    Set<ProcessSummary> gone = new java.util.LinkedHashSet<>();
    for (ProcessSummary s : all) {
      if (!s.host().equals(thisHost) || s.pid() == null || !RUNNING.contains(s.state())) {
        continue;
      }
      Instant runSince = s.lastSnapshot() != null && s.lastSnapshot().startedAt() != null ? s.lastSnapshot().startedAt() : s.since();
      if (pidGone(s.pid(), runSince)) {
        gone.add(s);
      }
    }
    return gone;
  }

  /**
   * Whether {@code pid}, of a run started at {@code runSince} on this machine, is no longer that run's process: not alive,
   * or a process started after the run (its pid given again).
   */
  static boolean pidGone(long pid, @Nullable Instant runSince) {
    java.util.Optional<ProcessHandle> h = ProcessHandle.of(pid);
    Instant started = h.flatMap(x -> x.info().startInstant()).orElse(null);
    // the kernel's start time is in clock ticks: a pid started more than 2 s after the run is another process's
    boolean reused = started != null && runSince != null && started.isAfter(runSince.plusSeconds(2));
    return h.isEmpty() || !h.get().isAlive() || reused;
  }

  /** Per host, when it last recorded anything: a gateway that runs writes a snapshot a minute by default. */
  static java.util.Map<String, Instant> lastRecorded(List<ProcessSummary> all) {
    java.util.Map<String, Instant> hostSeen = new java.util.TreeMap<>();
    for (ProcessSummary s : all) {
      if (s.lastEvent() != null) {
        hostSeen.merge(s.host(), s.lastEvent(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    return hostSeen;
  }

  /** How long a host may record nothing while a process of it is said to run before the table says so. */
  static final Duration STALE_AFTER = Duration.ofMinutes(15);
  private static final java.util.Set<String> ACTIVE = java.util.Set.of("RUNNING", "STARTING", "STOPPING", "BACKOFF");

  /** The last snapshot, for its CPU and memory, while the process runs; a process not running uses none (null). */
  private static JournalSnapshot live(ProcessSummary s) {
    return RUNNING.contains(s.state()) ? s.lastSnapshot() : null;
  }

  private static final java.util.Set<String> RUNNING = java.util.Set.of("RUNNING", "STARTING", "STOPPING");

  /**
   * Up to when a process's uptime is known: now; for a process of this machine whose pid is gone, its last row; for a host
   * that recorded nothing for {@link #STALE_AFTER}, the host's last row (its gateway likely died: the uptime went on growing
   * with the time the status was read).
   */
  private static Instant asOf(ProcessSummary s, Instant now, Set<String> stale, java.util.Map<String, Instant> hostSeen,
      Set<ProcessSummary> gone) {
    return gone.contains(s) && s.lastEvent() != null ? s.lastEvent() : stale.contains(s.host()) ? hostSeen.get(s.host()) : now;
  }

  private static Duration uptime(ProcessSummary s, Instant now) {
    if (!"RUNNING".equals(s.state()) || s.since() == null) {
      return null;
    }
    JournalSnapshot snap = s.lastSnapshot();
    if (snap != null && snap.startedAt() != null && !snap.at().isBefore(s.since())) {
      return Duration.between(snap.startedAt(), now);
    }
    return Duration.between(s.since(), now);
  }
}
