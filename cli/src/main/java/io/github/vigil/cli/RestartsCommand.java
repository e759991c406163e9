package io.github.vigil.cli;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.RestartCause;
import io.github.vigil.journal.RestartReport;
import io.github.vigil.journal.RestartReport.CauseCount;
import io.github.vigil.journal.RestartReport.Restart;
import io.github.vigil.journal.RestartReport.TradeDay;
import io.github.vigil.journal.TradeCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil restarts NAME --period 7d}: the restart report. */
@Command(name = "restarts", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
    description = "How often a process restarted and why: rate, mean uptime, MTTR, "
    + "causes, timeline, hour of day, trade days, suggestions")
final class RestartsCommand implements Callable<Integer> {
  @Mixin
  VigilCli.Common common = new VigilCli.Common();

  @Parameters(paramLabel = "NAME", description = "The process")
  String name = "";

  @Option(names = "--period", paramLabel = "DURATION", description = "How far back (default 7d)", defaultValue = "7d")
  String period = "7d";

  @Option(names = "--trade-day-rollover", paramLabel = "HH:MM", description = "Trade days are weekdays starting at this time the evening "
      + "before (night sessions), holidays unknown; not with --calendar; default: the --calendar's trade days, else calendar days")
  @Nullable String rollover;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Instant now = common.now();
    Duration p = VigilCli.period("--period", period);
    Window w = Window.back(now, p);
    TradeCalendar calendar;
    if (rollover != null) {
      if (common.calendarGiven()) {
        // two answers to when a trade day starts: the calendar's cut-over, and holidays the rollover does not know
        throw new IllegalArgumentException("--calendar and --trade-day-rollover cannot be used together: the calendar file's "
            + "cut-over says when its trade day moves on (--calendar " + common.calendarFile + ", --trade-day-rollover " + rollover + ")");
      }
      try {
        calendar = TradeCalendar.weekdays(common.zone(), LocalTime.parse(rollover));
      } catch (DateTimeParseException | IllegalArgumentException e) {
        throw new IllegalArgumentException("--trade-day-rollover must be a time like 21:00: '" + rollover + "'");
      }
    } else {
      calendar = common.tradeDays();
    }
    RestartReport r;
    boolean known;
    List<String> names;
    List<String> hosts;
    try (JournalReader reader = common.open()) {
      names = reader.processes();
      known = names.contains(name);
      r = reader.restartsUpTo(name, w.to(), p, common.zone(), calendar); // over w: its from and to are w's
      hosts = reader.runs(name, w.journalFrom(), w.journalTo()).stream().map(io.github.vigil.journal.JournalRun::host).distinct().sorted().toList();
    }
    var out = spec.commandLine().getOut();
    if (!known) {
      spec.commandLine().getErr().println("vigil: " + VigilCli.unknownProcess(name, names));
      return VigilCli.NOTHING;
    }
    if (common.json) {
      out.print(Json.write(json(r).put("hosts", new ArrayList<Object>(hosts))));
    } else {
      int width = common.width();
      out.print(text(r, p, common, common.style(), width));
      if (hosts.size() > 1) { // a fleet's journal without --host: the figures are the gateways' together
        out.print("\n" + Table.paragraph("These are the restarts of " + name + " on " + hosts.size() + " hosts together ("
            + String.join(", ", hosts) + "): --host NAME gives one host's.", width, "", UnaryOperator.identity()));
      }
    }
    return VigilCli.OK;
  }

  static Json.Obj json(RestartReport r) {
    List<Object> causes = new ArrayList<>();
    for (CauseCount c : r.causes()) {
      causes.add(cause(c));
    }
    List<Object> timeline = new ArrayList<>();
    for (Restart x : r.timeline()) {
      timeline.add(Json.obj().put("at", x.at().toString()).put("cause", x.cause().name()).put("detail", x.detail()).put("actor", x.actor())
          .put("run", x.run()).put("uptimeMs", x.uptime() == null ? null : x.uptime().toMillis()).put("memoryBytes", x.memoryBytes())
          .put("memoryLimitBytes", x.memoryLimitBytes()).put("recoveryMs", x.recovery() == null ? null : x.recovery().toMillis())
          .put("signal", x.signalName()).put("coreDumped", x.coreDumped()).put("corePath", x.corePath()).put("exitCode", x.exitCode())
          .put("stderrTail", x.stderrTail()).put("exitCause", x.exitCause()).put("downtimeMs", x.downtime().toMillis())
          .put("group", x.group()).put("sibling", x.sibling()).put("dependency", x.dependency()).put("dependencyExit", x.dependencyExit()));
    }
    List<Object> days = new ArrayList<>();
    for (TradeDay d : r.tradeDays()) {
      List<Object> dc = new ArrayList<>();
      d.causes().forEach(c -> dc.add(cause(c)));
      days.add(Json.obj().put("tradeDay", d.tradeDay()).put("restarts", d.restarts()).put("downtimeMs", d.downtime().toMillis()).put("causes", dc));
    }
    List<Object> notRestarted = new ArrayList<>();
    for (RestartReport.NotRestarted n : r.notRestarted()) {
      Restart x = n.exit();
      notRestarted.add(Json.obj().put("at", x.at().toString()).put("cause", x.cause().name()).put("detail", x.detail()).put("run", x.run())
          .put("exitCause", x.exitCause()).put("delayMs", n.delay() == null ? null : n.delay().toMillis())
          .put("cancelledAt", n.cancelledAt() == null ? null : n.cancelledAt().toString()).put("cancelledBy", n.cancelledBy())
          .put("freezeWindow", n.freezeWindow()).put("policyGaveUp", n.policyGaveUp()).put("downtimeMs", x.downtime().toMillis())
          .put("exitCode", x.exitCode()).put("signal", x.signalName()).put("stderrTail", x.stderrTail()));
    }
    return Json.obj().put("process", r.process()).put("from", r.from().toString()).put("to", r.to().toString()).put("total", r.total())
        .put("ratePerDay", r.ratePerDay()).put("meanUptimeMs", r.meanUptime() == null ? null : r.meanUptime().toMillis())
        .put("mttrMs", r.mttr() == null ? null : r.mttr().toMillis()).put("causes", causes).put("timeline", timeline)
        .put("hourOfDay", new ArrayList<Object>(r.hourOfDay())).put("tradeDays", days).put("suggestions", new ArrayList<Object>(r.suggestions()))
        .put("notRestarted", notRestarted);
  }

  private static Json.Obj cause(CauseCount c) {
    return Json.obj().put("cause", c.cause().name()).put("label", c.cause().label()).put("count", c.count()).put("sharePercent", c.sharePercent());
  }

  /** The report as text, its tables and lines fitting {@code width} columns where their words allow. */
  static String text(RestartReport r, Duration p, VigilCli.Common common, Style style, int width) {
    StringBuilder b = new StringBuilder();
    b.append(Table.title("Restarts of " + r.process(), ", " + common.time(r.from()) + " to " + common.time(r.to()) + " ("
        + common.zone().getId() + ", " + HumanFormat.period(p) + ")", style, width)).append('\n');
    Table summary = new Table("RESTARTS", "RATE", "MEAN UPTIME", "MTTR (CRASH TO RUNNING)");
    summary.row(List.of(Integer.toString(r.total()), HumanFormat.number(r.ratePerDay()) + " per day",
        r.meanUptime() == null ? "-" : HumanFormat.duration(r.meanUptime()), r.mttr() == null ? "-" : HumanFormat.duration(r.mttr())),
        List.of(r.ratePerDay() >= 1 ? style::yellow : UnaryOperator.identity(), UnaryOperator.identity(), UnaryOperator.identity(),
            UnaryOperator.identity()));
    b.append(summary.render(style, width));
    if (r.total() == 0) {
      b.append("\nNo restarts in the period.\n");
      notRestarted(b, r, common, style, width);
      return b.toString();
    }
    b.append('\n').append(style.bold("Causes")).append('\n');
    Table causes = new Table("CAUSE", "COUNT", "SHARE").alignRight(1, 2);
    for (CauseCount c : r.causes()) {
      causes.row(List.of(c.cause().label(), Integer.toString(c.count()), HumanFormat.number(c.sharePercent()) + "%"),
          List.of(s -> colour(style, c.cause(), s), UnaryOperator.identity(), UnaryOperator.identity()));
    }
    b.append(causes.render(style, width));
    b.append('\n').append(style.bold("Timeline")).append(" (newest first)\n");
    // the detail (up to about 120 characters: a signal's meaning, a killed supervisor's last word) on lines of its own
    // under its row: as a column it made the table about 220 columns wide
    Table timeline = new Table("#", "TIME", "CAUSE", "UPTIME", "MEMORY / LIMIT", "RECOVERY").alignRight(0, 3, 5);
    int i = 0;
    for (Restart x : r.timeline()) {
      i++;
      String mem = x.memoryBytes() == null ? "-" : HumanFormat.bytes(x.memoryBytes())
          + (x.memoryLimitBytes() != null ? " / " + HumanFormat.bytes(x.memoryLimitBytes()) : "");
      // a failed start's detail names the program, a core dump's its path: a newline in either is escaped, not a line
      String detail = HumanFormat.commandLine(x.detail()) + (x.corePath() != null ? "\ncore: " + HumanFormat.commandLine(x.corePath()) : "");
      timeline.row(List.of(Integer.toString(i), common.time(x.at()), x.cause().label(),
          x.uptime() == null ? "-" : HumanFormat.duration(x.uptime()), mem, recovery(x)),
          List.of(UnaryOperator.identity(), UnaryOperator.identity(), s -> colour(style, x.cause(), s), UnaryOperator.identity(),
              x.memoryBytes() != null && x.memoryLimitBytes() != null && x.memoryBytes() * 10 >= x.memoryLimitBytes() * 9
                  ? style::red : UnaryOperator.identity(), UnaryOperator.identity()), detail);
    }
    b.append(timeline.render(style, width));
    // a crash loop of one failure has one tail: print it once, and name the entry it was printed under after that, one
    // line for a range of consecutive entries with it (#2–#10: same as #1, not nine lines)
    Map<List<String>, Integer> printedUnder = new HashMap<>();
    SameAs same = null;
    i = 0;
    for (Restart x : r.timeline()) {
      i++;
      if (x.stderrTail() == null || x.stderrTail().isBlank()) {
        same = SameAs.flush(b, same);
        continue;
      }
      List<String> lines = List.of(x.stderrTail().split("\n"));
      Integer first = printedUnder.putIfAbsent(lines, i);
      if (first != null) {
        if (same != null && same.first() == first && same.to() == i - 1) {
          same = new SameAs(same.from(), i, first);
        } else {
          SameAs.flush(b, same);
          same = new SameAs(i, i, first);
        }
        continue;
      }
      same = SameAs.flush(b, same);
      b.append("  #").append(i).append(" stderr:\n");
      for (String line : lines) {
        b.append(Table.paragraph(line, width, "    ", style::dim));
      }
    }
    SameAs.flush(b, same);
    notRestarted(b, r, common, style, width);
    b.append('\n').append(style.bold("Hour of day")).append(" (").append(common.zone().getId()).append(")\n");
    int max = r.hourOfDay().stream().mapToInt(Integer::intValue).max().orElse(0);
    for (int h = 0; h < 24; h++) {
      int n = r.hourOfDay().get(h);
      if (n > 0) {
        b.append(String.format(java.util.Locale.ROOT, "  %02d:00  %s %d%n", h, "█".repeat(Math.max(1, n * 20 / Math.max(1, max))), n));
      }
    }
    b.append('\n').append(style.bold("Trade days")).append('\n');
    Table days = new Table("TRADE DAY", "RESTARTS", "DOWNTIME", "CAUSES").alignRight(1, 2);
    for (TradeDay d : r.tradeDays()) {
      List<String> cs = new ArrayList<>();
      d.causes().forEach(c -> cs.add(c.cause().label() + " " + c.count()));
      days.row(d.tradeDay(), Integer.toString(d.restarts()), HumanFormat.duration(d.downtime()), String.join(", ", cs));
    }
    b.append(days.render(style, width));
    if (!r.suggestions().isEmpty()) {
      b.append('\n').append(style.bold("Suggestions")).append('\n');
      int k = 0;
      for (String s : r.suggestions()) {
        // a program's path in it: escaped, not a line of its own; wrapped under its number
        b.append(Table.paragraph(HumanFormat.commandLine(s), width, "  " + ++k + ". ", UnaryOperator.identity()));
      }
    }
    return b.toString();
  }

  /** Timeline entries {@code from} to {@code to} (consecutive) whose stderr tail is the one printed under entry {@code first}. */
  private record SameAs(int from, int to, int first) {
    /** Writes the range's line, if there is one; null, for no range open any more. */
    static @Nullable SameAs flush(StringBuilder b, @Nullable SameAs same) {
      if (same != null) {
        b.append("  #").append(same.from()).append(same.to() > same.from() ? "–#" + same.to() : "").append(" stderr: same as #")
            .append(same.first()).append('\n');
      }
      return null;
    }
  }

  /**
   * The crashes whose restart was scheduled (or deferred to a freeze window's end) and not done (a stop or the close
   * during the backoff or the window), and the crash the restart policy gave up on that nothing started again: not
   * restarts, so not in the timeline, where such a one read "none, down 2.80 s" as a restart that did not recover. A
   * give-up's row says so in the policy's words, with its stderr tail under it (the post-mortem's first row).
   */
  private static void notRestarted(StringBuilder b, RestartReport r, VigilCli.Common common, Style style, int width) {
    if (r.notRestarted().isEmpty()) {
      return;
    }
    boolean gaveUp = r.notRestarted().stream().anyMatch(RestartReport.NotRestarted::policyGaveUp);
    b.append('\n').append(style.bold(gaveUp ? "Not restarted" : "Scheduled, not restarted")).append(" (not counted above)\n");
    for (RestartReport.NotRestarted n : r.notRestarted()) {
      Restart x = n.exit();
      if (n.policyGaveUp()) {
        b.append(Table.paragraph(common.time(x.at()) + " " + x.cause().label() + ", run " + x.run() + " (" + HumanFormat.commandLine(x.detail())
            + "): its restart policy gave up: " + n.cancelledBy(), width, "  ", style::red));
        if (x.stderrTail() != null && !x.stderrTail().isBlank()) {
          b.append("    stderr:\n");
          for (String line : x.stderrTail().split("\n")) {
            b.append(Table.paragraph(line, width, "      ", style::dim));
          }
        }
        continue;
      }
      String due = n.delay() == null ? "" : " in " + HumanFormat.duration(n.delay());
      String restart = n.freezeWindow() == null ? "its restart" + due
          : "its restart deferred to the end of freeze window " + n.freezeWindow() + (n.delay() == null ? "" : " (" + due.strip() + ")");
      String what = n.cancelledAt() == null ? restart + " is still due"
          : restart + " was cancelled " + HumanFormat.duration(java.time.Duration.between(x.at(), n.cancelledAt()))
              + " after the exit: " + n.cancelledBy();
      b.append(Table.paragraph(common.time(x.at()) + " " + x.cause().label() + ", run " + x.run() + " (" + HumanFormat.commandLine(x.detail())
          + "): " + what, width, "  ", UnaryOperator.identity()));
    }
  }

  /** The recovery; without one, how long it stayed down (until the next restart, a stop or the period's end). */
  private static String recovery(Restart x) {
    return x.recovery() != null ? HumanFormat.duration(x.recovery()) : "none, down " + HumanFormat.duration(x.downtime());
  }

  static String colour(Style style, RestartCause c, String s) {
    return switch (c) {
      case OOM_KILL, SIGNAL, SUPERVISOR_ENDED -> style.red(s);
      case ERROR_EXIT, HEALTH, RESOURCE_LIMIT -> style.yellow(s);
      case GROUP, DEPENDENCY, MANUAL -> style.cyan(s);
    };
  }
}
