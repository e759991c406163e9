package io.github.vigil.cli;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.JournalRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil history NAME}: the runs of a process over a period. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "The runs of a process: start, end, how it ended, recovery")
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
    Style style = common.style();
    List<JournalRun> runs;
    boolean known;
    java.util.Map<String, Instant> hostSeen;
    try (JournalReader reader = common.open()) {
      runs = reader.runs(name, now.minus(p), now.plusMillis(1));
      known = reader.processes().contains(name);
      hostSeen = runs.stream().anyMatch(HistoryCommand::open) ? StatusCommand.lastRecorded(reader.status(now)) : java.util.Map.of();
    }
    // an open run of a host that has recorded nothing for a while (its JVM killed, the journal never closed): its
    // uptime is known up to the host's last row only, not growing with the time the history is read
    java.util.function.Function<JournalRun, Instant> silentSince = r -> {
      Instant seen = hostSeen.get(r.host());
      return open(r) && seen != null && Duration.between(seen, now).compareTo(StatusCommand.STALE_AFTER) > 0 ? seen : null;
    };
    var out = spec.commandLine().getOut();
    if (common.json) {
      List<Object> list = new ArrayList<>();
      for (JournalRun r : runs) {
        // a run that never started has no pid (the row's -1) and no uptime (its 0 ms)
        boolean started = !"START_FAILED".equals(r.exitCause());
        list.add(Json.obj().put("host", r.host()).put("run", r.run()).put("pid", r.pid() > 0 ? r.pid() : null).put("startedAt", r.startedAt().toString())
            .put("endedAt", r.endedAt() == null ? null : r.endedAt().toString()).put("exitCause", r.exitCause())
            .put("termination", r.termination()).put("exitCode", r.exitCode()).put("signal", r.signal()).put("coreDumped", r.coreDumped())
            .put("runMs", r.runDuration() == null || !started ? null : r.runDuration().toMillis()).put("memoryBytes", r.memoryBytes())
            .put("memoryLimitBytes", r.memoryLimitBytes()).put("recoveryMs", r.recovery() == null ? null : r.recovery().toMillis())
            .put("message", r.message()).put("stale", silentSince.apply(r) != null));
      }
      out.print(Json.write(Json.obj().put("process", name).put("from", now.minus(p).toString()).put("to", now.toString()).put("runs", list)));
      return known ? VigilCli.OK : VigilCli.NOTHING;
    }
    if (!known) {
      spec.commandLine().getErr().println("vigil: the journal has nothing about '" + name + "'");
      return VigilCli.NOTHING;
    }
    out.println(style.bold("Runs of " + name) + ", " + common.time(now.minus(p)) + " to " + common.time(now) + " (" + common.zone().getId()
        + ", " + HumanFormat.period(p) + ")");
    // a fleet's journal without --host holds several gateways' runs of the name: say whose each is
    boolean fleet = runs.stream().map(JournalRun::host).distinct().count() > 1;
    Table t = fleet
        ? new Table("HOST", "RUN", "PID", "STARTED", "ENDED", "UPTIME", "END", "MEMORY AT END", "RECOVERY").alignRight(1, 2, 5, 8)
        : new Table("RUN", "PID", "STARTED", "ENDED", "UPTIME", "END", "MEMORY AT END", "RECOVERY").alignRight(0, 1, 4, 7);
    for (JournalRun r : runs) {
      // a run that never started has no termination to show ("unknown (not started)"): its message says why
      String how = "START_FAILED".equals(r.exitCause()) && r.message() != null && !r.message().isBlank() ? r.message() : r.termination();
      Instant silent = silentSince.apply(r);
      String end = silent != null ? "unknown: nothing recorded since " + common.time(silent)
          : r.exitCause() == null ? "running" : r.exitCause() + (how != null ? " (" + how + ")" : "");
      // up until now only while it runs: a run closed as UNKNOWN (its supervisor died with it) has no known end
      // a run that never started (START_FAILED) had none: "-", as in vigil restarts, not "0ms"
      Duration up = "START_FAILED".equals(r.exitCause()) ? null
          : r.runDuration() != null ? r.runDuration()
          : open(r) ? Duration.between(r.startedAt(), silent != null ? silent : now) : null;
      String mem = r.memoryBytes() == null ? "-" : HumanFormat.bytes(r.memoryBytes())
          + (r.memoryLimitBytes() != null ? " / " + HumanFormat.bytes(r.memoryLimitBytes()) : "");
      List<String> cells = new ArrayList<>(List.of(Integer.toString(r.run()), r.pid() > 0 ? Long.toString(r.pid()) : "-",
          common.time(r.startedAt()), common.time(r.endedAt()), up == null ? "-" : HumanFormat.duration(up), end, mem,
          r.recovery() == null ? "-" : HumanFormat.duration(r.recovery())));
      if (fleet) {
        cells.add(0, r.host());
      }
      List<java.util.function.UnaryOperator<String>> colour = new ArrayList<>();
      for (int i = 0; i < cells.size(); i++) {
        colour.add(java.util.function.UnaryOperator.identity());
      }
      if (r.exitCause() != null && !r.exitCause().equals("NORMAL") && !r.exitCause().equals("KILLED_BY_SUPERVISOR")) {
        colour.set(fleet ? 6 : 5, style::red);
      } else if (silent != null) {
        colour.set(fleet ? 6 : 5, style::yellow);
      }
      t.row(cells, colour);
    }
    out.print(runs.isEmpty() ? "No runs in the period.\n" : t.render(style));
    return VigilCli.OK;
  }

  /** A run with no end recorded: running, or its gateway died without a word. */
  private static boolean open(JournalRun r) {
    return r.endedAt() == null && r.exitCause() == null;
  }
}
