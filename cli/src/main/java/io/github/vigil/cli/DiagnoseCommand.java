package io.github.vigil.cli;

import io.github.vigil.journal.JournalDiagnosis;
import io.github.vigil.journal.JournalReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil diagnose NAME}: the last diagnoses the journal recorded for a process (made when a run
 * could not start, died within its startup grace, or on demand): the most likely cause and its fix,
 * then every finding with its evidence.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true, description = "Why a process would not start and what to do: the last "
    + "recorded diagnosis, most likely cause first; exit 3 when none was recorded")
final class DiagnoseCommand implements Callable<Integer> {
  @Mixin
  VigilCli.Common common = new VigilCli.Common();

  @Parameters(paramLabel = "NAME", description = "The process")
  String name = "";

  @Option(names = "--count", paramLabel = "N", description = "How many of the latest diagnoses to show (default 1)")
  int count = 1;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (count < 1) {
      throw new IllegalArgumentException("--count must be at least 1: " + count);
    }
    List<JournalDiagnosis> found;
    Supervisors supervisors;
    try (JournalReader reader = common.open()) {
      found = reader.diagnoses(name, count);
      // up to the newest diagnosis shown (newest first), which its supervisor made after registering the process
      supervisors = Supervisors.of(reader, name, found.isEmpty() ? common.now() : found.get(0).at().plusMillis(1));
    }
    var out = spec.commandLine().getOut();
    if (found.isEmpty()) {
      if (common.json) {
        out.print(Json.write(Json.obj().put("process", name).put("diagnoses", new ArrayList<Object>())));
      } else {
        spec.commandLine().getErr().println("vigil: the journal has no diagnosis of '" + name + "'");
      }
      return VigilCli.NOTHING;
    }
    if (common.json) {
      List<Object> all = new ArrayList<>();
      for (JournalDiagnosis d : found) {
        java.time.Instant sv = supervisors.startedAt(d.host(), d.at());
        all.add(Json.obj().put("at", d.at().toString()).put("host", d.host()).put("run", d.run())
            .put("supervisorStartedAt", sv == null ? null : sv.toString()).put("trigger", d.trigger())
            .put("cause", d.causeCheck()).put("headline", d.headline()).put("text", d.text()));
      }
      out.print(Json.write(Json.obj().put("process", name).put("diagnoses", all)));
      return VigilCli.OK;
    }
    Style style = common.style();
    StringBuilder b = new StringBuilder();
    for (JournalDiagnosis d : found) {
      b.append(style.bold("Diagnosis of " + d.process())).append(": ").append(common.time(d.at())).append(" (").append(common.zone().getId())
          .append("), ").append(d.trigger().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
          .append(d.run() != null ? ", run " + d.run() + whose(supervisors, d) : "").append('\n');
      // one line: a program's path in it may hold a newline
      b.append(d.cause().isPresent() ? style.red("cause: ") : "cause: ").append(io.github.vigil.HumanFormat.commandLine(d.headline())).append("\n\n");
      String text = d.text();
      int firstLine = text.indexOf('\n'); // the rendered text's own title line is said above
      b.append(findings(firstLine >= 0 ? text.substring(firstLine + 1) : "")).append('\n');
    }
    out.print(b);
    return VigilCli.OK;
  }

  /**
   * The findings of a recorded diagnosis, each of its lines escaped as {@link io.github.vigil.HumanFormat#commandLine}
   * does: a program's path or an output line in it may hold a terminal's escape. Every line {@code Diagnosis.render()}
   * writes after its title is indented by two spaces; one that is not is the rest of a value with a newline in it (a
   * path, as journals written before render() escaped its values hold it), and goes back onto its line as {@code \n}.
   */
  static String findings(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    String[] lines = text.split("\n", -1);
    int end = lines.length;
    if (end > 0 && lines[end - 1].isEmpty()) {
      end--; // the text's own last newline
    }
    for (int i = 0; i < end; i++) {
      String line = io.github.vigil.HumanFormat.commandLine(lines[i]);
      if (i > 0 && !lines[i].startsWith("  ")) {
        b.append("\\n").append(line);
      } else {
        b.append(i > 0 ? "\n" : "").append(line);
      }
    }
    return end > 0 ? b.append('\n').toString() : "";
  }

  /** Which supervisor's run, where several on its host registered the process (each numbers its runs from 1); else "". */
  private String whose(Supervisors supervisors, JournalDiagnosis d) {
    if (!supervisors.several(d.host())) {
      return "";
    }
    java.time.Instant sv = supervisors.startedAt(d.host(), d.at());
    return sv != null ? " (supervisor started " + supervisors.time(common, sv) + ")" : " (its supervisor's start not in the journal)";
  }
}
