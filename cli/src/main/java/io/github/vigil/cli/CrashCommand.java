package io.github.vigil.cli;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.CrashReport;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.JournalSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil crash NAME --last}: the last crash of a process, a run that ended in failure ({@link
 * JournalReader#lastCrash}): not a stop by the supervisor or through the API, nor an exit its trading supervision recorded
 * outside the process's window (after its close).
 */
@Command(name = "crash", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
    description = "The last crash of a process: signal and its meaning, core dump, "
    + "last samples, stderr tail, suggestions; exit 3 when it never crashed")
final class CrashCommand implements Callable<Integer> {
  @Mixin
  VigilCli.Common common = new VigilCli.Common();

  @Parameters(paramLabel = "NAME", description = "The process")
  String name = "";

  @Option(names = "--last", description = "The last crash (the default, and for now the only choice)")
  boolean last = true;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Instant now = common.now();
    Optional<CrashReport> found;
    Supervisors supervisors;
    List<String> names;
    try (JournalReader reader = common.open()) {
      names = reader.processes();
      found = reader.lastCrash(name, now.plusMillis(1));
      supervisors = Supervisors.of(reader, name, now.plusMillis(1));
    }
    var out = spec.commandLine().getOut();
    if (found.isEmpty()) {
      if (common.json) {
        out.print(Json.write(Json.obj().put("process", name).put("crash", null)));
      } else {
        spec.commandLine().getErr().println("vigil: " + (names.contains(name) ? "the journal has no crash of process '" + name + "'"
            : VigilCli.unknownProcess(name, names)));
      }
      return VigilCli.NOTHING;
    }
    CrashReport c = found.get();
    // its run's number counts from 1 in its supervisor: the JVM that registered the process before the crash
    Instant supervisorStartedAt = supervisors.startedAt(c.host(), c.at());
    if (common.json) {
      List<Object> samples = new ArrayList<>();
      for (JournalSnapshot s : c.lastSamples()) {
        samples.add(Json.obj().put("at", s.at().toString()).put("state", s.state()).put("cpuPercent", s.cpuPercent())
            .put("memoryBytes", s.memoryBytes()).put("error", s.error()));
      }
      out.print(Json.write(Json.obj().put("host", c.host()).put("process", c.process()).put("at", c.at().toString()).put("run", c.run())
          .put("supervisorStartedAt", supervisorStartedAt == null ? null : supervisorStartedAt.toString()).put("pid", c.pid())
          .put("exitCause", c.exitCause()).put("termination", c.termination()).put("signal", c.signalName()).put("signalNumber", c.signal())
          .put("signalMeaning", c.signalMeaning()).put("coreDumped", c.coreDumped()).put("coreLocation", c.coreLocation())
          .put("coreFileExists", c.coreFileExists()).put("exitCode", c.exitCode()).put("uptimeMs", c.uptime() == null ? null : c.uptime().toMillis())
          .put("memoryBytes", c.memoryBytes()).put("memoryLimitBytes", c.memoryLimitBytes())
          .put("recoveryMs", c.recovery() == null ? null : c.recovery().toMillis()).put("lastSamples", samples).put("stderrTail", c.stderrTail())
          .put("suggestions", new ArrayList<Object>(c.suggestions()))));
      return VigilCli.OK;
    }
    Style style = common.style();
    int width = common.width();
    StringBuilder b = new StringBuilder();
    b.append(Table.title("Last crash of " + c.process() + " on " + c.host(), ": " + common.time(c.at()) + " (" + common.zone().getId() + ")",
        style, width)).append('\n');
    Table t = new Table("", "");
    // where several supervisors on its host registered the process, "run 1" is one of several: which JVM's, as history says
    String whose = !supervisors.several(c.host()) ? ""
        : supervisorStartedAt != null ? " (supervisor started " + supervisors.time(common, supervisorStartedAt) + ")" : " (its supervisor's start not in the journal)";
    t.row("run", c.run() + whose + (c.pid() != null ? ", pid " + c.pid() : ""));
    // a failed start's termination names the program, whose path may hold a newline: one line of the cell
    t.row("ended", style.red(c.exitCause()) + (c.termination() != null ? " (" + HumanFormat.commandLine(c.termination()) + ")" : ""));
    if (c.signal() != null) {
      t.row("signal", c.signalName() + " (" + c.signal() + "): " + c.signalMeaning());
      t.row("core dump", c.coreDumped() == null ? "not known (the signal was inferred from the exit status)"
          : !c.coreDumped() ? "none written"
          : (c.coreLocation() != null ? c.coreLocation() : "written, location unknown")
              + (Boolean.TRUE.equals(c.coreFileExists()) ? " (present)" : Boolean.FALSE.equals(c.coreFileExists()) ? " (gone)" : ""));
    }
    if (c.exitCode() != null) {
      t.row("exit code", Integer.toString(c.exitCode()));
    }
    t.row("uptime", c.uptime() == null ? "-" : HumanFormat.duration(c.uptime()));
    if (c.memoryBytes() != null) {
      t.row("memory at death", HumanFormat.bytes(c.memoryBytes()) + (c.memoryLimitBytes() != null ? " (limit " + HumanFormat.bytes(c.memoryLimitBytes()) + ")" : ""));
    }
    t.row("running again", c.recovery() == null ? "not since" : "after " + HumanFormat.duration(c.recovery()));
    // the plain two-column table without its empty header row
    String rendered = t.render(style.plain(), width);
    String[] lines = rendered.split("\n");
    StringBuilder kv = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i == 1 || i == 2) {
        continue;
      }
      kv.append(i == 0 ? lines[i].replace('┬', '┬') : lines[i]).append('\n');
    }
    b.append(kv);
    if (!c.lastSamples().isEmpty()) {
      b.append('\n').append(style.bold("Last samples before it")).append('\n');
      Table s = new Table("TIME", "STATE", "CPU", "MEMORY").alignRight(2, 3);
      for (JournalSnapshot x : c.lastSamples()) {
        s.row(common.time(x.at()), x.state(), x.cpuPercent() == null ? "-" : HumanFormat.number(x.cpuPercent()) + "%",
            x.memoryBytes() == null ? "-" : HumanFormat.bytes(x.memoryBytes()));
      }
      b.append(s.render(style, width));
    }
    if (c.stderrTail() != null && !c.stderrTail().isBlank()) {
      b.append('\n').append(style.bold("Standard error (last lines)")).append('\n');
      for (String line : c.stderrTail().split("\n")) {
        b.append(Table.paragraph(line, width, "  ", UnaryOperator.identity()));
      }
    }
    if (!c.suggestions().isEmpty()) {
      b.append('\n').append(style.bold("Suggestions")).append('\n');
      int k = 0;
      for (String s : c.suggestions()) {
        // a program's path in it: escaped, not a line of its own; wrapped under its number
        b.append(Table.paragraph(HumanFormat.commandLine(s), width, "  " + ++k + ". ", UnaryOperator.identity()));
      }
    }
    out.print(b);
    return VigilCli.OK;
  }
}
