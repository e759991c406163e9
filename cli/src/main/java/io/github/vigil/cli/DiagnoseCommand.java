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
@Command(name = "diagnose", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
    description = "Why a process would not start and what to do: the last "
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
    List<String> names;
    try (JournalReader reader = common.open()) {
      names = reader.processes();
      found = reader.diagnoses(name, count);
      // up to the newest diagnosis shown (newest first), which its supervisor made after registering the process
      supervisors = Supervisors.of(reader, name, found.isEmpty() ? common.now() : found.get(0).at().plusMillis(1));
    }
    var out = spec.commandLine().getOut();
    if (found.isEmpty()) {
      if (common.json) {
        out.print(Json.write(Json.obj().put("process", name).put("diagnoses", new ArrayList<Object>())));
      } else {
        spec.commandLine().getErr().println("vigil: " + (names.contains(name) ? "the journal has no diagnosis of process '" + name + "'"
            : VigilCli.unknownProcess(name, names)));
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
   * does: a program's path or an output line in it may hold a terminal's escape.
   *
   * <p>A journal written before {@code Diagnosis.render()} escaped its values holds a value with a newline in it (a
   * program's path) over two lines; the rest goes back onto its line as {@code \n}. {@code render()} writes, after its
   * title, only lines of four forms, each in its place: {@code "  ended: "} first, a finding ({@code "  PROBLEM "},
   * {@code "  ok      "} or {@code "  unknown "}, a check's name and {@code ": "}), its evidence ({@code "      | "}),
   * then its fix ({@code "      fix: "}), and a problem's line ends with its certainty ({@code " [confirmed]"}). A line
   * of none of these forms, or of one out of its place (evidence after a fix, a second {@code ended}), or any line
   * while a problem's line has not reached its certainty, is the rest of the line before it. Only "starts with two
   * spaces" was asked before, which took a path's rest that starts with two spaces ({@code "/opt/a\n  b"}) for a line
   * of its own. A value's rest that is itself a whole line of a form allowed there (a path holding
   * {@code "\n      | x"} in a finding's summary, of certainty past the problem's end) cannot be told from one: it is
   * read as that line, and nothing is lost either way (every character is shown, in order; only its newline shows as a
   * line break, not as {@code \n}).
   */
  static String findings(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    String[] lines = text.split("\n", -1);
    int end = lines.length;
    if (end > 0 && lines[end - 1].isEmpty()) {
      end--; // the text's own last newline
    }
    Form last = Form.START;
    StringBuilder logical = new StringBuilder(); // the line so far, with its continuations: whether a problem's is complete
    for (int i = 0; i < end; i++) {
      Form form = i == 0 ? Form.of(lines[i]) : last.problemOpen(logical) ? null : Form.of(lines[i]);
      boolean continuation = i > 0 && (form == null || !last.allows(form));
      String line = io.github.vigil.HumanFormat.commandLine(lines[i]);
      if (continuation) {
        b.append("\\n").append(line);
        logical.append('\n').append(lines[i]);
      } else {
        b.append(i > 0 ? "\n" : "").append(line);
        last = form != null ? form : Form.START;
        logical.setLength(0);
        logical.append(lines[i]);
      }
    }
    return end > 0 ? b.append('\n').toString() : "";
  }

  /** The forms of line {@code Diagnosis.render()} writes after its title, and which may follow which. */
  private enum Form {
    START, ENDED, PROBLEM, FINDING, EVIDENCE, FIX;

    private static final java.util.regex.Pattern FINDING_LINE = java.util.regex.Pattern.compile("  (PROBLEM|ok     |unknown) ("
        + java.util.Arrays.stream(io.github.vigil.diagnosis.Finding.Check.values())
            .map(c -> c.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).collect(java.util.stream.Collectors.joining("|"))
        + "): .*", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern CERTAINTY = java.util.regex.Pattern.compile(".* \\[("
        + java.util.Arrays.stream(io.github.vigil.diagnosis.Finding.Certainty.values())
            .map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.joining("|"))
        + ")]", java.util.regex.Pattern.DOTALL);

    /** The form of a line, or null for none (the rest of a value). */
    static @org.jspecify.annotations.Nullable Form of(String line) {
      java.util.regex.Matcher finding = FINDING_LINE.matcher(line);
      if (finding.matches()) {
        return finding.group(1).equals("PROBLEM") ? PROBLEM : FINDING;
      }
      return line.startsWith("  ended: ") ? ENDED : line.startsWith("      | ") ? EVIDENCE : line.startsWith("      fix: ") ? FIX : null;
    }

    /** Whether a line of {@code next}'s form may follow one of this form. */
    boolean allows(Form next) {
      return switch (this) {
        case START -> next == ENDED || next == PROBLEM || next == FINDING;
        case ENDED, FIX -> next == PROBLEM || next == FINDING;
        case PROBLEM, FINDING, EVIDENCE -> next == PROBLEM || next == FINDING || next == EVIDENCE || next == FIX;
      };
    }

    /** Whether {@code line}, of this form, is a problem's that has not reached its certainty yet: the next line goes on with it. */
    boolean problemOpen(CharSequence line) {
      return this == PROBLEM && !CERTAINTY.matcher(line).matches();
    }
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
