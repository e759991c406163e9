package io.github.vigil.cli;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.JournalEvent;
import io.github.vigil.journal.JournalReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil events --since 1h}: what happened, oldest first. */
@Command(name = "events", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
    description = "Recorded events, oldest first")
final class EventsCommand implements Callable<Integer> {
  @Mixin
  VigilCli.Common common = new VigilCli.Common();

  @Option(names = "--since", paramLabel = "DURATION", description = "How far back (default 1h)", defaultValue = "1h")
  String since = "1h";

  @Option(names = {"-p", "--process"}, paramLabel = "NAME", description = "Only this process")
  @Nullable String process;

  @Option(names = "--limit", description = "At most this many, the newest (default 1000)", defaultValue = "1000")
  int limit = 1000;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1: " + limit);
    }
    Instant now = common.now();
    Window w = Window.back(now, VigilCli.period("--since", since));
    Style style = common.style();
    List<JournalEvent> events;
    java.util.Map<String, Supervisors> supervisors = new java.util.HashMap<>();
    try (JournalReader reader = common.open()) {
      List<String> known = process == null ? List.of() : reader.processes();
      if (process != null && !known.contains(process)) {
        spec.commandLine().getErr().println("vigil: " + VigilCli.unknownProcess(process, known));
        return VigilCli.NOTHING;
      }
      // one more than shown: whether older events were left out, said under the table
      events = reader.events(process, w.journalFrom(), w.journalTo(), limit == Integer.MAX_VALUE ? limit : limit + 1);
      // each process's registrations, for the events of a run: its number counts from 1 in each supervising JVM
      for (JournalEvent e : events) {
        if (e.run() != null && !supervisors.containsKey(e.process())) {
          supervisors.put(e.process(), Supervisors.of(reader, e.process(), now.plusMillis(1)));
        }
      }
    }
    boolean more = events.size() > limit;
    if (more) {
      events = events.subList(1, events.size()); // oldest first: the one left out is the oldest
    }
    var out = spec.commandLine().getOut();
    if (common.json) {
      List<Object> list = new ArrayList<>();
      for (JournalEvent e : events) {
        list.add(Json.obj().put("at", e.at().toString()).put("host", e.host()).put("process", e.process()).put("type", e.type())
            .put("run", e.run()).put("pid", e.pid()).put("command", e.command()).put("origin", e.origin()).put("actor", e.actor())
            .put("from", e.fromState()).put("to", e.toState()).put("exitCause", e.exitCause()).put("exitCode", e.exitCode())
            .put("signal", e.signalName()).put("reason", e.reason())
            .put("supervisorStartedAt", Objects.toString(supervisorOf(supervisors, e), null)));
      }
      out.print(Json.write(Json.obj().put("from", w.from().toString()).put("to", w.to().toString()).put("events", list)
          .put("olderLeftOut", more)));
      return VigilCli.OK;
    }
    if (events.isEmpty()) {
      out.println("No events in the last " + since + ".");
      return VigilCli.OK;
    }
    boolean hosts = events.stream().map(JournalEvent::host).distinct().count() > 1;
    // where the events of runs shown of a host's process are of several supervisors, each numbering its runs from 1,
    // say whose each run is, as vigil history does: when its JVM registered the process ("unknown" where not journaled)
    java.util.Map<String, java.util.Set<String>> supervisorsShown = new java.util.HashMap<>();
    for (JournalEvent e : events) {
      if (e.run() != null) {
        supervisorsShown.computeIfAbsent(e.host() + "\u0000" + e.process(), k -> new java.util.HashSet<>())
            .add(String.valueOf(supervisorOf(supervisors, e)));
      }
    }
    boolean several = supervisorsShown.values().stream().anyMatch(set -> set.size() > 1);
    // two supervisors started in one second read alike to the second: then all with milliseconds, so the column reads alike
    boolean millis = supervisors.values().stream().anyMatch(Supervisors::startsInOneSecond);
    List<String> headers = new ArrayList<>(List.of("TIME", "PROCESS", "EVENT"));
    if (several) {
      headers.add(2, "SUPERVISOR STARTED");
    }
    if (hosts) {
      headers.add(1, "HOST");
    }
    List<List<String>> rows = new ArrayList<>();
    List<String> details = new ArrayList<>();
    List<Boolean> failures = new ArrayList<>();
    for (JournalEvent e : events) {
      List<String> cells = new ArrayList<>();
      cells.add(common.time(e.at()));
      if (hosts) {
        cells.add(e.host());
      }
      cells.add(e.process());
      if (several) {
        Instant sv = supervisorOf(supervisors, e);
        cells.add(e.run() == null ? "" : sv != null ? common.time(sv, millis) : "unknown");
      }
      cells.add(e.type());
      rows.add(cells);
      details.add(detail(e));
      failures.add(e.type().equals("Exited") && e.exitCause() != null && !e.exitCause().equals("NORMAL")
          && !e.exitCause().equals("KILLED_BY_SUPERVISOR") || e.type().equals("Failed"));
    }
    // the detail is never cut (a reason's end, a diagnosis's fix, the path an exit names were lost at 100 characters): in
    // a DETAIL column, wrapped to fit the width, where the other columns leave it MIN_DETAIL columns at least; else on a
    // line under its row, across the table, as vigil history puts how a run ended (long names, a HOST column)
    int width = common.width();
    Table brief = table(headers, rows, null, failures, style);
    for (int r = 0; r < rows.size(); r++) {
      if (!details.get(r).isEmpty()) {
        brief.note(r, details.get(r));
      }
    }
    boolean column = brief.naturalWidth() + 3 + MIN_DETAIL <= width;
    out.print((column ? table(headers, rows, details, failures, style) : brief).render(style, width));
    if (more) {
      out.print(Table.paragraph("The newest " + limit + " events; older ones in the last " + since + " were left out (--limit).", width, "",
          UnaryOperator.identity()));
    }
    if (several) {
      out.print(Table.paragraph("Run numbers count from 1 in each supervisor: SUPERVISOR STARTED is when its JVM registered the process.",
          width, "", UnaryOperator.identity()));
    }
    return VigilCli.OK;
  }

  /** The narrowest the DETAIL column is made: a detail in fewer columns than this goes on a line under its row. */
  static final int MIN_DETAIL = 40;

  /**
   * The events' table: with a DETAIL column of {@code details} where given (red for a failure), else without it (the
   * EVENT of a failure red).
   */
  private static Table table(List<String> headers, List<List<String>> rows, @Nullable List<String> details, List<Boolean> failures,
      Style style) {
    List<String> all = new ArrayList<>(headers);
    if (details != null) {
      all.add("DETAIL");
    }
    Table t = new Table(all.toArray(String[]::new));
    for (int r = 0; r < rows.size(); r++) {
      List<String> cells = new ArrayList<>(rows.get(r));
      if (details != null) {
        cells.add(details.get(r));
      }
      List<UnaryOperator<String>> colour = new ArrayList<>();
      for (int i = 0; i < cells.size(); i++) {
        colour.add(UnaryOperator.identity());
      }
      if (failures.get(r)) {
        colour.set(cells.size() - 1, style::red);
      }
      t.row(cells, colour);
    }
    return t;
  }

  /** When the supervisor of {@code e}'s run registered its process; null for an event of no run, or where not journaled. */
  private static @Nullable Instant supervisorOf(java.util.Map<String, Supervisors> supervisors, JournalEvent e) {
    Supervisors s = e.run() == null ? null : supervisors.get(e.process());
    return s == null ? null : s.startedAt(e.host(), e.at());
  }

  /**
   * An exit as the supervisor's log lines write it (ExitInfo): {@code ERROR_EXIT (exit code 3)}, {@code SIGNALED (killed by
   * SIGSEGV)}, then its message where it has one ({@code RESOURCE_LIMIT (killed by SIGTERM): resource rule rss broken});
   * a failed start has no termination, only why ({@code START_FAILED: binary /opt/feed not found}). The message was left
   * out: a failed start's row said only {@code START_FAILED (unknown (not started))}.
   */
  private static String exited(JournalEvent e) {
    boolean failedStart = "START_FAILED".equals(e.exitCause());
    String s = "run " + e.run() + ": " + e.exitCause() + (e.termination() != null && !failedStart ? " (" + e.termination() + ")" : "");
    String message = e.reason(); // the exit's message, or (none) the exit in words, which begins with its cause
    return message == null || message.isEmpty() || message.startsWith(String.valueOf(e.exitCause())) ? s : s + ": " + message;
  }

  static String detail(JournalEvent e) {
    String d = switch (e.type()) {
      case "StateChanged", "HealthChanged", "AttachStateChanged" -> e.fromState() + " → " + e.toState()
          + (e.origin() != null ? " (" + e.origin() + ")" : "") + (e.reason() != null && !e.reason().isEmpty() ? ": " + e.reason() : "");
      // "by" names a person (Journal.actor); the origin in brackets as on a StateChanged: START (DEPENDENCY), a start
      // of startAll() in dependency order, read "START by DEPENDENCY" as if a dependency had started it
      case "CommandIssued" -> e.command() + (e.actor() != null ? " by " + e.actor() : "") + (e.origin() != null ? " (" + e.origin() + ")" : "")
          + ": " + e.reason();
      case "Started" -> "run " + e.run() + ", pid " + e.pid();
      // which process an attachment found or lost: its reason names the program only (python3: /usr/bin/python3 feed.py),
      // the same for each of several that match; the pid is in its own column of the journal
      case "AttachedFound", "AttachedLost" -> (e.pid() != null ? "pid " + e.pid() + ", " : "") + (e.reason() != null ? e.reason() : "");
      case "Exited" -> exited(e);
      default -> e.reason() != null ? e.reason() : "";
    };
    // one line of the table: a Registered row's command line, a failed start's or a diagnosis's program path, whose
    // argument or name holds a newline, went on in a row of its own; escaped as the supervisor's log lines write them.
    // Whole: the table wraps it to its width
    return HumanFormat.commandLine(d);
  }
}
