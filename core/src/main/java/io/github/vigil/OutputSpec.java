package io.github.vigil;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What happens to a supervised process's standard output and error.
 *
 * <p>Both are always drained, so a child never blocks on a full pipe. By default the last {@code tailLines} lines of
 * each stream are kept in memory for diagnosis. Optionally each stream also goes to a log file, rotated by size
 * ({@code app.out}, {@code app.out.1}, … up to {@code backups}) between lines (a line is cut at the size only where it
 * is longer than a whole file, reaches the file in pieces, or the output has no line ends), and line by line to SLF4J
 * under the one logger {@code vigil.output}, with the process name as the key {@code process} and the stream as
 * {@code stream} (the line is the message, never a format string).
 * A log file is opened at the stream's first output and closed when the process is removed or its supervisor closes;
 * what a descendant left running writes after that is not written to it (the file is neither opened nor rotated
 * again), which is said once per stream at WARN.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tailLines lines of each stream kept in memory; 0 keeps none
 * @param stdoutFile where standard output is appended, or {@code null}; a relative path is resolved
 *     against the {@code logs} folder of the supervisor's state directory, or, without one, against the
 *     JVM's working directory (with a warning when the file is opened)
 * @param stderrFile where standard error is appended, or {@code null}; the same file as
 *     {@code stdoutFile} interleaves the two streams as they are read, not as they were written
 * @param maxFileBytes size at which a log file is rotated
 * @param backups rotated files kept per stream
 * @param logToSlf4j whether each line is also logged through SLF4J (stdout at INFO, stderr at WARN)
 */
public record OutputSpec(int tailLines, @Nullable Path stdoutFile, @Nullable Path stderrFile, long maxFileBytes, int backups, boolean logToSlf4j) {

  /** Longest line kept in the tail or logged; longer lines are split. */
  public static final int MAX_LINE_CHARS = 8192;

  public OutputSpec {
    if (tailLines < 0 || tailLines > 100_000) {
      throw new IllegalArgumentException("output.tailLines must be in [0, 100000]: " + tailLines);
    }
    if (maxFileBytes < 1024) {
      throw new IllegalArgumentException("output.maxFileBytes must be at least 1024: " + maxFileBytes);
    }
    if (backups < 0 || backups > 1000) {
      throw new IllegalArgumentException("output.backups must be in [0, 1000]: " + backups);
    }
  }

  /** Keep the last 200 lines of each stream in memory; no files, no logging. */
  public static OutputSpec defaults() {
    return new OutputSpec(200, null, null, 10L * 1024 * 1024, 5, false);
  }

  public OutputSpec withTailLines(int lines) {
    return new OutputSpec(lines, stdoutFile, stderrFile, maxFileBytes, backups, logToSlf4j);
  }

  /** Append standard output and error to these files (either may be {@code null}). */
  public OutputSpec withFiles(@Nullable Path stdout, @Nullable Path stderr) {
    return new OutputSpec(tailLines, stdout, stderr, maxFileBytes, backups, logToSlf4j);
  }

  /** Rotate each file when it reaches {@code maxBytes}, keeping {@code keep} old ones. */
  public OutputSpec withRotation(long maxBytes, int keep) {
    return new OutputSpec(tailLines, stdoutFile, stderrFile, maxBytes, keep, logToSlf4j);
  }

  public OutputSpec withSlf4j(boolean enabled) {
    return new OutputSpec(tailLines, stdoutFile, stderrFile, maxFileBytes, backups, enabled);
  }

  public Optional<Path> stdout() {
    return Optional.ofNullable(stdoutFile);
  }

  public Optional<Path> stderr() {
    return Optional.ofNullable(stderrFile);
  }

  static OutputSpec requireValid(OutputSpec spec) {
    return requireNonNull(spec, "output");
  }
}
