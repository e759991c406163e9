package io.github.vigil.internal;

import io.github.vigil.OutputSpec;
import io.github.vigil.StdStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes what a child writes and keeps it where the spec says: the last lines in memory, a rotated
 * file, SLF4J. Never blocks on the child's behalf beyond a file write. One instance per process,
 * kept across runs, so the output of a crashed run is still there after the restart.
 *
 * <p>Once closed (the process removed, its spec's output changed, or the supervisor closed) it writes no file again: a
 * run's output is read until its whole tree is gone, so a descendant left running can still write after the close,
 * and such output opened the log file anew (a descriptor left open for good, a file written after the removal). It
 * still goes to the tail and to SLF4J; that it missed the file is said once per stream, at WARN.
 */
final class OutputCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutputCollector.class);
  /**
   * The one logger every child's lines go to, with the process name as the key {@code process}: a
   * logger per name would stay in the logging framework's registry after {@code remove()}, about 1 KB
   * for each distinct name, without bound for applications that run jobs under unique names.
   */
  static final String OUTPUT_LOGGER = "vigil.output";
  private static final Logger outputLog = LoggerFactory.getLogger(OUTPUT_LOGGER);

  private final String process;
  private final OutputSpec spec;
  private final @Nullable Path stateDirectory;
  private final StreamState out;
  private final StreamState err;

  OutputCollector(String process, OutputSpec spec, @Nullable Path stateDirectory) {
    this.process = process;
    this.spec = spec;
    this.stateDirectory = stateDirectory;
    this.out = new StreamState(StdStream.STDOUT, spec.stdoutFile());
    this.err = new StreamState(StdStream.STDERR, spec.stderrFile());
  }

  /** Opened on the first output, so registering a process that never runs creates no file. */
  private @Nullable RotatingFile open(Path configured) {
    Path p = configured.isAbsolute() || stateDirectory == null ? configured : stateDirectory.resolve("logs").resolve(configured);
    if (!configured.isAbsolute() && stateDirectory == null) {
      log.atWarn().addKeyValue("process", process).log("Log file {} of process {} is relative and the supervisor has no state directory: "
          + "it is written to {}, under the JVM's working directory", configured, process, p.toAbsolutePath());
    }
    try {
      return new RotatingFile(p, spec.maxFileBytes(), spec.backups());
    } catch (IOException e) {
      log.atWarn().addKeyValue("process", process).setCause(e).log("Cannot open log file {} of process {}; output goes to memory only", p, process);
      return null;
    }
  }

  /** What run {@code run} wrote; a line it left unfinished ends when another run writes. */
  void accept(int run, StdStream stream, byte[] buffer, int offset, int length) {
    (stream == StdStream.STDOUT ? out : err).accept(run, buffer, offset, length);
  }

  /** Ends a run: a last line without a newline is kept too. */
  void flush() {
    out.flushPartial();
    err.flushPartial();
  }

  List<String> tail(StdStream stream) {
    return (stream == StdStream.STDOUT ? out : err).tail();
  }

  /** The lines of run {@code run} still kept, oldest first, with a last line it left without a newline. */
  List<String> tail(StdStream stream, int run) {
    return (stream == StdStream.STDOUT ? out : err).tail(run);
  }

  @Override
  public void close() {
    flush();
    out.close();
    err.close();
  }

  private static final byte[] NO_BYTES = {};
  private static final int FIRST_PARTIAL = 256;

  /** A kept line and the run that wrote it. */
  private record Line(int run, String text) {}

  private final class StreamState {
    private final StdStream stream;
    private final @Nullable Path filePath;
    private @Nullable RotatingFile file;
    private final ArrayDeque<Line> tail = new ArrayDeque<>();
    // grown as lines need it, up to MAX_LINE_CHARS: allocated whole, two per process cost 1.6 MB of heap at 100
    // processes that never wrote a line (issue 18, target 4)
    private byte[] partial = NO_BYTES;
    private int partialLength;
    private int partialRun; // the run whose bytes are in partial
    private boolean fileFailed;
    private boolean closed; // no file is opened or written from here on
    private boolean saidDropped; // output after the close missed the file: said once

    StreamState(StdStream stream, @Nullable Path filePath) {
      this.stream = stream;
      this.filePath = filePath;
    }

    synchronized void accept(int run, byte[] buffer, int offset, int length) {
      if (partialLength > 0 && partialRun != run) {
        emitLine(); // the earlier run's unfinished last line is a line of its own, not the start of this run's
      }
      partialRun = run;
      if (closed) {
        droppedAfterClose();
      } else if (filePath != null && file == null && !fileFailed) {
        file = open(filePath);
        fileFailed = file == null;
      }
      if (file != null && !fileFailed && !closed) {
        try {
          file.write(buffer, offset, length);
        } catch (IOException e) {
          fileFailed = true;
          log.atWarn().addKeyValue("process", process).setCause(e).log("Writing the {} log of process {} failed; file output stops", stream, process);
        }
      }
      if (spec.tailLines() == 0 && !spec.logToSlf4j()) {
        return;
      }
      int end = offset + length;
      int start = offset;
      for (int i = offset; i < end; i++) {
        if (buffer[i] == '\n') {
          appendPartial(buffer, start, i - start);
          emitLine();
          start = i + 1;
        }
      }
      appendPartial(buffer, start, end - start);
    }

    private void appendPartial(byte[] buffer, int from, int length) {
      if (length > 0 && partialLength + length > partial.length && partial.length < OutputSpec.MAX_LINE_CHARS) {
        int want = Math.max(FIRST_PARTIAL, Math.max(partial.length * 2, partialLength + length));
        partial = java.util.Arrays.copyOf(partial, Math.min(OutputSpec.MAX_LINE_CHARS, want));
      }
      while (length > 0) {
        int n = Math.min(length, partial.length - partialLength);
        System.arraycopy(buffer, from, partial, partialLength, n);
        partialLength += n;
        from += n;
        length -= n;
        if (partialLength == OutputSpec.MAX_LINE_CHARS) {
          emitLine(); // an over-long line is split rather than grown without bound
        }
      }
    }

    private void emitLine() {
      int len = partialLength;
      if (len > 0 && partial[len - 1] == '\r') {
        len--;
      }
      String line = new String(partial, 0, len, StandardCharsets.UTF_8);
      partialLength = 0;
      if (spec.tailLines() > 0) {
        if (tail.size() == spec.tailLines()) {
          tail.removeFirst();
        }
        tail.addLast(new Line(partialRun, line));
      }
      if (spec.logToSlf4j()) {
        if (stream == StdStream.STDOUT) {
          outputLog.atInfo().addKeyValue("process", process).addKeyValue("stream", "stdout").log("{}", line); // never the format string
        } else {
          outputLog.atWarn().addKeyValue("process", process).addKeyValue("stream", "stderr").log("{}", line);
        }
      }
    }

    synchronized void flushPartial() {
      if (partialLength > 0) {
        emitLine();
      }
    }

    /** Every run's kept lines, the unfinished one last (a prompt, or a crash's last words not yet ended by a flush). */
    synchronized List<String> tail() {
      return lines(-1);
    }

    synchronized List<String> tail(int run) {
      return lines(run);
    }

    /**
     * The kept lines of {@code run} (every run's where -1), oldest first, then the line not yet ended by a newline:
     * at most {@code tailLines}, as the oldest kept line gives way to it as it would when it ends.
     */
    private List<String> lines(int run) {
      boolean unfinished = partialLength > 0 && spec.tailLines() > 0;
      List<String> lines = new java.util.ArrayList<>(tail.size() + 1);
      boolean skipOldest = unfinished && tail.size() == spec.tailLines();
      for (Line l : tail) {
        if (skipOldest) {
          skipOldest = false;
          continue;
        }
        if (run < 0 || l.run() == run) {
          lines.add(l.text());
        }
      }
      if (unfinished && (run < 0 || partialRun == run)) {
        int len = partial[partialLength - 1] == '\r' ? partialLength - 1 : partialLength;
        lines.add(new String(partial, 0, len, StandardCharsets.UTF_8));
      }
      return List.copyOf(lines);
    }

    /** Output that came after the close: its file is not opened again; said once, when the stream has a file. */
    private void droppedAfterClose() {
      if (filePath == null || fileFailed || saidDropped) {
        return;
      }
      saidDropped = true;
      log.atWarn().addKeyValue("process", process).log("Process {} wrote to its {} after its log file {} was closed (the process was "
          + "removed, its output spec changed or its supervisor closed, and something it started still writes): that output "
          + "is not written to the file, nor is what follows", process, stream, filePath);
    }

    synchronized void close() {
      closed = true;
      if (file != null) {
        try {
          file.close();
        } catch (IOException e) {
          log.debug("Closing log file of {} failed", process, e);
        }
        file = null;
      }
    }
  }
}
