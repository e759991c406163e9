package io.github.vigil.diagnosis;

import static java.util.Objects.requireNonNull;

import io.github.vigil.ExitInfo;
import io.github.vigil.HumanFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Why a process would not start or died early, and what to do about it: the findings of every check,
 * the most likely cause first (problems by {@link Finding.Certainty}, then what could not be told,
 * then what is fine).
 *
 * <p>Made when a run could not start ({@link Trigger#START_FAILED}), when a run died within its
 * startup grace ({@link Trigger#EARLY_EXIT}), when the restart policy gave up after a run none of those explained
 * ({@link Trigger#GAVE_UP}), and on demand ({@link Trigger#ON_DEMAND}, through
 * {@link io.github.vigil.ProcessController#diagnose()}), always off the supervision thread.
 *
 * <p>Immutable and thread-safe.
 *
 * @param process the process's name
 * @param run the run it is about (its number, 1-based); 0 when the process never ran
 * @param trigger why it was made
 * @param at when it was finished
 * @param took how long the checks took
 * @param exit how the run ended, when it is about an ended run
 * @param findings every finding, ordered: the most likely cause first
 */
public record Diagnosis(String process, int run, Trigger trigger, Instant at, Duration took, @Nullable ExitInfo exit,
    List<Finding> findings) {

  /** Why a diagnosis was made. */
  public enum Trigger {
    /** The run could not be started (cause {@code START_FAILED}). */
    START_FAILED,
    /** The run died within its startup grace. */
    EARLY_EXIT,
    /**
     * The restart policy gave up (the process is {@code FAILED} at its start limit) after a run that was not diagnosed:
     * its runs outlived their startup grace, then failed (a slow crash loop). Once per {@code FAILED}; about the last run.
     */
    GAVE_UP,
    /** Someone asked ({@link io.github.vigil.ProcessController#diagnose()}). */
    ON_DEMAND
  }

  /** The order of findings: problems by certainty, then unknowns, then OKs; stable otherwise. */
  public static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::status).thenComparing(f -> f.isProblem() ? f.certainty().ordinal() : 0);

  public Diagnosis {
    requireNonNull(process, "process");
    requireNonNull(trigger, "trigger");
    requireNonNull(at, "at");
    requireNonNull(took, "took");
    findings = findings.stream().sorted(ORDER).toList();
  }

  /** The most likely cause: the first problem, if any check found one. */
  public Optional<Finding> cause() {
    return findings.isEmpty() || !findings.get(0).isProblem() ? Optional.empty() : Optional.of(findings.get(0));
  }

  /** The problems, most likely first. */
  public List<Finding> problems() {
    return findings.stream().filter(Finding::isProblem).toList();
  }

  /** The exit of the run it is about, if it is about an ended run. */
  public Optional<ExitInfo> exitInfo() {
    return Optional.ofNullable(exit);
  }

  /**
   * The cause and its fix in one line, as the failure's log line says it: {@code "port 9000 is held by
   * pid 2891 (`/usr/sbin/apache2 -k start`, since 09:15:30): stop it or change the port"}; or that no
   * check found a problem.
   */
  public String headline() {
    // one line: a program's path or an output line in the finding may hold a newline or a terminal's escape
    return HumanFormat.commandLine(rawHeadline());
  }

  /**
   * The {@link #headline()} before it is escaped: the cause's summary and fix with a program's path or an output line in
   * them as they are (a newline, a terminal's escape), for a store or a format that escapes for itself (a journal, JSON),
   * where the escaped form would be escaped twice. Print it on a terminal or in a log only through
   * {@link HumanFormat#commandLine}, as {@link #headline()} does.
   *
   * @return the cause and its fix, or that no check found a problem
   */
  public String rawHeadline() {
    return cause().map(f -> f.summary() + (f.fix().isEmpty() ? "" : ": " + f.fix()))
        .orElse("no check found a problem (" + findings.size() + " checked)");
  }

  /**
   * Every finding, one per block, with its evidence indented: for a terminal or a log. Each summary, evidence item and
   * fix is one line, its control characters escaped as {@link HumanFormat#commandLine} does (a program's path with a
   * newline in it does not start a line of its own).
   */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("Diagnosis of ").append(process).append(run > 0 ? " run " + run : "").append(" (")
        .append(trigger.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).append(", ").append(at)
        .append(", took ").append(HumanFormat.duration(took)).append(")\n");
    if (exit != null) {
      sb.append("  ended: ").append(HumanFormat.commandLine(exit.toString())).append('\n');
    }
    for (Finding f : findings) {
      sb.append("  ").append(f.status() == Finding.Status.PROBLEM ? "PROBLEM" : f.status() == Finding.Status.OK ? "ok     " : "unknown")
          .append(' ').append(f.check().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).append(": ").append(HumanFormat.commandLine(f.summary()));
      if (f.isProblem()) {
        sb.append(" [").append(f.certainty().name().toLowerCase(java.util.Locale.ROOT)).append(']');
      }
      sb.append('\n');
      for (String e : f.evidence()) {
        sb.append("      | ").append(HumanFormat.commandLine(e)).append('\n');
      }
      if (!f.fix().isEmpty()) {
        sb.append("      fix: ").append(HumanFormat.commandLine(f.fix())).append('\n');
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Diagnosis{" + process + " run " + run + ", " + trigger + ": " + headline() + "}";
  }
}
