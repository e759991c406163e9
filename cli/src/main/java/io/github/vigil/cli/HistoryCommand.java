package io.github.vigil.cli;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.JournalRun;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil history NAME}: the runs of a process over a period. */
@Command(name = "history", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
    description = "The runs of a process: start, end, how it ended, recovery")
final class HistoryCommand implements Callable<Integer> {
  @Mixin
  VigilCli.Common common = new VigilCli.Common();

  @Parameters(paramLabel = "NAME", description = "The process")
  String name = "";

  @Option(names = "--period", paramLabel = "DURATION", description = "How far back (default 7d)", defaultValue = "7d")
  String period = "7d";

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Instant now = common.now();
    Duration p = VigilCli.period("--period", period);
    Window w = Window.back(now, p);
    Style style = common.style();
    // each run's trade day (of its start): the --calendar's, read before the journal so a bad file is named at once
    io.github.vigil.journal.TradeCalendar tradeDays = common.tradeDays();
    List<JournalRun> runs;
    boolean known;
    List<String> names;
    java.util.Map<String, Instant> hostSeen;
    java.util.Map<String, Instant> nameSeen = new java.util.HashMap<>();
    List<Supervision> supervision;
    Supervisors registered;
    java.util.Map<Integer, Duration> recoveredFromEnded;
    java.util.Map<Integer, Duration> recoveredFromStop;
    try (JournalReader reader = common.open()) {
      runs = reader.runs(name, w.journalFrom(), w.journalTo());
      names = reader.processes();
      known = names.contains(name);
      List<io.github.vigil.journal.ProcessSummary> status = runs.stream().anyMatch(HistoryCommand::open) ? reader.status(now) : List.of();
      hostSeen = StatusCommand.lastRecorded(status);
      for (io.github.vigil.journal.ProcessSummary s : status) {
        if (s.process().equals(name) && s.lastEvent() != null) {
          nameSeen.put(s.host(), s.lastEvent()); // when the journal last heard of this process from each host
        }
      }
      registered = Supervisors.of(reader, name, now.plusMillis(1));
      supervision = supervision(reader, registered, name, runs, now);
      recoveredFromEnded = afterSupervisorEnded(reader, name, runs, supervision, now);
      recoveredFromStop = afterGroupOrDependencyRestart(reader, name, runs, now);
    }
    // an open run of a host that has recorded nothing for a while (its JVM killed, the journal never closed): its
    // uptime is known up to the host's last row only, not growing with the time the history is read
    java.util.function.Function<JournalRun, Instant> silentSince = r -> {
      Instant seen = hostSeen.get(r.host());
      return open(r) && seen != null && Duration.between(seen, now).compareTo(StatusCommand.STALE_AFTER) > 0 ? seen : null;
    };
    // an open run of this machine whose pid is no longer alive (as vigil status names it): its supervisor was killed
    // without recording the run's end, and no later supervisor has registered the process yet; it read "running", with
    // an uptime growing with the time of reading, beside vigil status saying the pid is gone
    String here = io.github.vigil.journal.Journal.defaultHost();
    java.util.function.Predicate<JournalRun> gone = r -> !common.nowGiven() && open(r) && r.host().equals(here) && r.pid() > 0
        && StatusCommand.pidGone(r.pid(), r.startedAt());
    var out = spec.commandLine().getOut();
    if (common.json) {
      List<Object> list = new ArrayList<>();
      for (int k = 0; k < runs.size(); k++) {
        JournalRun r = runs.get(k);
        Supervision sv = supervision.get(k);
        // a run that never started has no pid (the row's -1) and no uptime (its 0 ms)
        boolean started = !"START_FAILED".equals(r.exitCause());
        list.add(Json.obj().put("host", r.host()).put("run", r.run()).put("pid", r.pid() > 0 ? r.pid() : null)
            .put("tradeDay", tradeDays.tradeDay(r.startedAt())).put("startedAt", r.startedAt().toString())
            .put("endedAt", r.endedAt() == null ? null : r.endedAt().toString()).put("exitCause", r.exitCause())
            .put("termination", r.termination()).put("exitCode", r.exitCode()).put("signal", r.signal()).put("coreDumped", r.coreDumped())
            .put("runMs", r.runDuration() == null || !started ? null : r.runDuration().toMillis()).put("memoryBytes", r.memoryBytes())
            .put("memoryLimitBytes", r.memoryLimitBytes()).put("recoveryMs", recoveryMs(recovery(r, k, recoveredFromStop, recoveredFromEnded)))
            .put("message", r.message()).put("stale", !sv.endedWith() && silentSince.apply(r) != null)
            .put("gone", !sv.endedWith() && gone.test(r))
            .put("supervisorStartedAt", sv.startedAt() == null ? null : sv.startedAt().toString())
            .put("endedWithSupervisor", sv.endedWith()).put("lastHeardAt", sv.lastHeard() == null ? null : sv.lastHeard().toString()));
      }
      out.print(Json.write(Json.obj().put("process", name).put("from", w.from().toString()).put("to", w.to().toString()).put("runs", list)));
      return known ? VigilCli.OK : VigilCli.NOTHING;
    }
    if (!known) {
      spec.commandLine().getErr().println("vigil: " + VigilCli.unknownProcess(name, names));
      return VigilCli.NOTHING;
    }
    int width = common.width();
    String title = "Runs of " + name;
    String span = ", " + common.time(w.from()) + " to " + common.time(w.to()) + " (" + common.zone().getId() + ", " + HumanFormat.period(p) + ")";
    out.print(Table.title(title, span, style, width));
    // a fleet's journal without --host holds several gateways' runs of the name: say whose each is
    boolean fleet = runs.stream().map(JournalRun::host).distinct().count() > 1;
    // run numbers start at 1 in each supervising JVM: where a host's runs shown are of several, say whose each run is
    boolean supervisors = supervision.stream().collect(java.util.stream.Collectors.groupingBy(Supervision::host,
        java.util.stream.Collectors.mapping(Supervision::group, java.util.stream.Collectors.toSet()))).values().stream()
        .anyMatch(groups -> groups.size() > 1);
    // how a run ended in words (its termination, a failed start's message, when it was last heard of) and its memory at
    // the end go on a line under its row, across the table, as vigil restarts puts a restart's detail; the supervisor
    // that ran the runs below it on a line above them: as columns they made the table about 180 columns wide
    List<String> headers = new ArrayList<>(List.of("RUN", "PID", "STARTED", "ENDED", "UPTIME", "END", "RECOVERY"));
    // with --calendar, the trade day each run started in, before its start: a night session's run is the next day's
    boolean tradeDay = common.calendarGiven();
    if (tradeDay) {
      headers.add(2, "TRADE DAY");
    }
    if (fleet) {
      headers.add(0, "HOST");
    }
    int first = headers.indexOf("RUN");
    int shift = tradeDay ? 1 : 0; // the columns from STARTED on
    Table t = new Table(headers.toArray(String[]::new)).alignRight(first, first + 1, first + shift + 4, first + shift + 6);
    for (int k = 0; k < runs.size(); k++) {
      JournalRun r = runs.get(k);
      Supervision sv = supervision.get(k);
      boolean goneRun = !sv.endedWith() && gone.test(r);
      Instant lastHeard = goneRun ? nameSeen.get(r.host()) : null;
      Instant silent = sv.endedWith() || goneRun ? null : silentSince.apply(r);
      String end = sv.endedWith() ? "supervisor ended" : goneRun ? "gone" : silent != null ? "unknown"
          : r.exitCause() == null ? "running" : r.exitCause();
      // up until now only while it runs; a run that ended with its supervisor ran at least until it was last heard of
      // a run that never started (START_FAILED) had none: "-", as in vigil restarts, not "0ms"
      Duration up = "START_FAILED".equals(r.exitCause()) ? null
          : r.runDuration() != null ? r.runDuration()
          : sv.endedWith() || goneRun ? null
          : open(r) ? Duration.between(r.startedAt(), silent != null ? silent : now) : null;
      Instant heard = sv.endedWith() ? sv.lastHeard() : lastHeard;
      String upText = up != null ? HumanFormat.duration(up)
          : heard != null && heard.isAfter(r.startedAt()) ? "≥ " + HumanFormat.duration(Duration.between(r.startedAt(), heard)) : "-";
      List<String> cells = new ArrayList<>(List.of(Integer.toString(r.run()), r.pid() > 0 ? Long.toString(r.pid()) : "-",
          common.time(r.startedAt()), common.time(r.endedAt()), upText, end, recoveryText(recovery(r, k, recoveredFromStop, recoveredFromEnded))));
      if (tradeDay) {
        cells.add(2, tradeDays.tradeDay(r.startedAt()));
      }
      if (fleet) {
        cells.add(0, r.host());
      }
      if (supervisors && (k == 0 || supervision.get(k - 1).group() != sv.group())) {
        // once per supervisor: the rows after it, up to another's heading, are its runs
        t.heading((fleet ? r.host() + ": " : "") + "supervisor started "
            + (sv.startedAt() != null ? registered.time(common, sv.startedAt()) : "unknown (its registration is not in the journal)"));
      }
      List<java.util.function.UnaryOperator<String>> colour = new ArrayList<>();
      for (int i = 0; i < cells.size(); i++) {
        colour.add(java.util.function.UnaryOperator.identity());
      }
      if (r.exitCause() != null && !r.exitCause().equals("NORMAL") && !r.exitCause().equals("KILLED_BY_SUPERVISOR") || sv.endedWith() || goneRun) {
        colour.set(first + shift + 5, style::red);
      } else if (silent != null) {
        colour.set(first + shift + 5, style::yellow);
      }
      String detail = goneRun ? goneDetail(r, lastHeard) : detail(r, sv, silent);
      if (detail.isEmpty()) {
        t.row(cells, colour);
      } else {
        t.row(cells, colour, detail);
      }
    }
    out.print(runs.isEmpty() ? "No runs in the period.\n" : t.render(style, width));
    if (supervisors) {
      out.print(Table.paragraph("Run numbers count from 1 in each supervisor: \"supervisor started\" is when its JVM registered " + name + ".",
          width, "", UnaryOperator.identity()));
    }
    return VigilCli.OK;
  }

  /**
   * How a run ended, in words, for the line under its row: its termination ({@code killed by SIGSEGV (core dumped)}, a
   * failed start's message naming the program, escaped to one line), that it ended with its supervisor and when it was
   * last heard of, or since when nothing was recorded; then its memory at the end. Empty for a run still running.
   */
  private String detail(JournalRun r, Supervision sv, @Nullable Instant silent) {
    List<String> parts = new ArrayList<>();
    if (sv.endedWith()) {
      parts.add("ended with its supervisor (JVM killed or gone)" + (sv.lastHeard() != null ? ", last heard of at " + common.time(sv.lastHeard()) : ""));
    } else if (silent != null) {
      parts.add("nothing recorded since " + common.time(silent));
    } else if ("START_FAILED".equals(r.exitCause()) && r.message() != null && !r.message().isBlank()) {
      // a run that never started has no termination to show ("unknown (not started)"): its message says why
      parts.add(r.message());
    } else if (r.exitCause() != null && r.termination() != null) {
      parts.add(r.termination());
    }
    if (r.memoryBytes() != null) {
      parts.add("memory at end " + HumanFormat.bytes(r.memoryBytes())
          + (r.memoryLimitBytes() != null ? " (limit " + HumanFormat.bytes(r.memoryLimitBytes()) + ")" : ""));
    }
    // a path in a message may hold a newline: one line, escaped as the other commands escape it
    return HumanFormat.commandLine(String.join("; ", parts));
  }

  /** The line under a run whose pid is gone: why its end is not in the journal, and when it was last heard of. */
  private String goneDetail(JournalRun r, @Nullable Instant lastHeard) {
    return "pid " + r.pid() + " is not running on this host: its supervisor ended without recording the end of the run"
        + " (killed, likely)" + (lastHeard != null ? ", last heard of at " + common.time(lastHeard) : "");
  }

  /**
   * Which supervisor ran a run, and whether the run ended with it.
   *
   * @param host the run's host
   * @param group one number per supervisor (per host) in the runs shown
   * @param startedAt when that supervisor registered the process (its JVM's start, near enough); null where the journal
   *     holds no registration before the run (deleted as old, or the process was started before the journal was attached)
   * @param endedWith whether the run ended with its supervisor: the journal never heard it end, and a later supervisor
   *     registered the process (closing it as {@code UNKNOWN} at its first start)
   * @param lastHeard when the journal last heard of the process from that supervisor, where {@code endedWith}
   */
  record Supervision(String host, int group, @Nullable Instant startedAt, boolean endedWith, @Nullable Instant lastHeard) {}

  /** The supervision of each of {@code runs} (in their order), from the process's registrations. */
  static List<Supervision> supervision(JournalReader reader, Supervisors registered, String name, List<JournalRun> runs, Instant now)
      throws SQLException {
    java.util.Map<String, JournalRun> previous = new java.util.HashMap<>();
    java.util.Map<String, Instant> previousRegistration = new java.util.HashMap<>();
    java.util.Map<String, Integer> groupOf = new java.util.HashMap<>();
    int groups = 0;
    List<Supervision> out = new ArrayList<>();
    for (int k = 0; k < runs.size(); k++) {
      JournalRun r = runs.get(k);
      Instant reg = null;
      Instant next = null;
      for (Instant at : registered.on(r.host())) {
        if (!at.isAfter(r.startedAt())) {
          reg = at;
        } else if (next == null) {
          next = at;
        }
      }
      JournalRun prev = previous.get(r.host());
      // another registration, or the run numbers starting over (a JVM whose registration is not in the journal)
      boolean another = prev == null || !java.util.Objects.equals(reg, previousRegistration.get(r.host())) || r.run() <= prev.run();
      if (another) {
        groupOf.put(r.host(), ++groups);
      }
      previous.put(r.host(), r);
      previousRegistration.put(r.host(), reg);
      boolean unheardEnd = r.endedAt() == null && ("UNKNOWN".equals(r.exitCause()) || r.exitCause() == null);
      boolean endedWith = unheardEnd && ("UNKNOWN".equals(r.exitCause()) || next != null);
      Instant lastHeard = null;
      if (endedWith) {
        // up to the next supervisor's registration, or its first run where that is not in the journal
        Instant before = next;
        for (int j = k + 1; before == null && j < runs.size(); j++) {
          if (runs.get(j).host().equals(r.host())) {
            before = runs.get(j).startedAt();
          }
        }
        lastHeard = reader.lastHeardOf(r.host(), name, r.startedAt(), before != null ? before : now.plusMillis(1)).orElse(null);
      }
      out.add(new Supervision(r.host(), groupOf.get(r.host()), reg, endedWith, lastHeard));
    }
    return out;
  }

  private static @Nullable Long recoveryMs(@Nullable Duration recovery) {
    return recovery == null ? null : recovery.toMillis();
  }

  private static String recoveryText(@Nullable Duration recovery) {
    return recovery == null ? "-" : HumanFormat.duration(recovery);
  }

  /**
   * The recovery of the {@code k}th run: as {@code vigil restarts} has it for a group's or a dependency's restart (from
   * the stop), else the journal's, else as {@code vigil restarts} has it after its supervisor ended.
   */
  private static @Nullable Duration recovery(JournalRun r, int k, java.util.Map<Integer, Duration> recoveredFromStop,
      java.util.Map<Integer, Duration> recoveredFromEnded) {
    Duration fromStop = recoveredFromStop.get(k);
    return fromStop != null ? fromStop : r.recovery() != null ? r.recovery() : recoveredFromEnded.get(k);
  }

  /**
   * The recoveries of the runs that a group restart or a dependency restart started ({@code RestartCause.GROUP},
   * {@code DEPENDENCY}), by their index in {@code runs}, as {@code vigil restarts} has them: from the group's stop of the
   * process (or core's stop of it for its dependency) to {@code RUNNING} again. The journal's row of a run a group started
   * has none (its run before ended {@code KILLED_BY_SUPERVISOR}, no crash of its own), and that of a run a dependency
   * restart started counts from the stopped run's exit, some milliseconds (up to the stop's grace) after the stop: the
   * same figure here as there, from the same analysis. Read only where a run follows one of its host that ended {@code
   * KILLED_BY_SUPERVISOR} (run numbers one apart), the only runs such a restart starts.
   */
  private java.util.Map<Integer, Duration> afterGroupOrDependencyRestart(JournalReader reader, String name, List<JournalRun> runs,
      Instant now) throws SQLException {
    java.util.Map<Integer, Duration> out = new java.util.HashMap<>();
    java.util.Map<String, JournalRun> previous = new java.util.HashMap<>();
    List<Integer> candidates = new ArrayList<>();
    Instant from = null;
    for (int k = 0; k < runs.size(); k++) {
      JournalRun r = runs.get(k);
      JournalRun prev = previous.put(r.host(), r);
      if (prev != null && prev.run() + 1 == r.run() && "KILLED_BY_SUPERVISOR".equals(prev.exitCause())) {
        candidates.add(k);
        from = from == null || prev.startedAt().isBefore(from) ? prev.startedAt() : from;
      }
    }
    if (from == null) {
      return out;
    }
    List<io.github.vigil.journal.RestartReport.Restart> restarts = reader.restarts(name, from, now.plusMillis(1), common.zone(),
        common.tradeDays()).timeline().stream()
        .filter(x -> (x.cause() == io.github.vigil.journal.RestartCause.GROUP || x.cause() == io.github.vigil.journal.RestartCause.DEPENDENCY)
            && x.recovery() != null).toList();
    for (int k : candidates) {
      JournalRun r = runs.get(k);
      // the restart of the run before it, whose start again this run is: started after the stop, before RUNNING again
      restarts.stream().filter(x -> x.run() + 1 == r.run() && !r.startedAt().isBefore(x.at())
          && !r.startedAt().isAfter(x.at().plus(x.recovery()))).findFirst().ifPresent(x -> out.put(k, x.recovery()));
    }
    return out;
  }

  /**
   * The recoveries of the runs that a supervisor started after the one before it ended with the process running (its JVM
   * killed), by their index in {@code runs}. The journal's row has none (the JVM that recovers the process heard of no
   * crash), while {@code vigil restarts} counts a {@code supervisor ended} restart at the next JVM's registration, which
   * recovered when its first run got to {@code RUNNING}: the same figure here, from the same analysis, so the two agree.
   */
  private java.util.Map<Integer, Duration> afterSupervisorEnded(JournalReader reader, String name, List<JournalRun> runs,
      List<Supervision> supervision, Instant now) throws SQLException {
    java.util.Map<Integer, Instant> firsts = new java.util.LinkedHashMap<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    Instant from = null;
    for (int k = 0; k < runs.size(); k++) {
      Supervision sv = supervision.get(k);
      boolean first = seen.add(sv.host() + "\n" + sv.group());
      if (first && runs.get(k).recovery() == null && sv.startedAt() != null) {
        firsts.put(k, sv.startedAt());
        from = from == null || sv.startedAt().isBefore(from) ? sv.startedAt() : from;
      }
    }
    java.util.Map<Integer, Duration> out = new java.util.HashMap<>();
    if (from == null) {
      return out;
    }
    java.time.ZoneId zone = common.zone();
    List<io.github.vigil.journal.RestartReport.Restart> ended = reader.restarts(name, from, now.plusMillis(1), zone,
        common.tradeDays()).timeline().stream()
        .filter(x -> x.cause() == io.github.vigil.journal.RestartCause.SUPERVISOR_ENDED && x.recovery() != null).toList();
    firsts.forEach((k, registeredAt) -> ended.stream().filter(x -> x.at().equals(registeredAt)).findFirst()
        .ifPresent(x -> out.put(k, x.recovery())));
    return out;
  }

  /** A run with no end recorded: running, or its gateway died without a word. */
  private static boolean open(JournalRun r) {
    return r.endedAt() == null && r.exitCause() == null;
  }
}
