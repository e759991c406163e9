package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.OutputSpec;
import io.github.vigil.StdStream;
import io.github.vigil.testing.Gen;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OutputCollectorTest {

  static LongStream seeds() {
    return Gen.seeds(200);
  }

  /** However the bytes are cut into chunks, the tail holds the same last lines. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void tailIsTheLastLinesWhateverTheChunking(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int tailLines = 1 + r.nextInt(20);
    List<String> lines = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int n = r.nextInt(100);
    for (int i = 0; i < n; i++) {
      String line = "line " + i + " " + "é".repeat(r.nextInt(5)) + "x".repeat(r.nextInt(40));
      lines.add(line);
      text.append(line).append(r.nextInt(4) == 0 ? "\r\n" : "\n");
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    OutputCollector c = new OutputCollector("p", OutputSpec.defaults().withTailLines(tailLines), null);
    int at = 0;
    while (at < bytes.length) {
      int len = Math.min(bytes.length - at, 1 + r.nextInt(64));
      byte[] copy = new byte[len + 8];
      System.arraycopy(bytes, at, copy, 3, len); // at an offset, as a reused buffer would be
      c.accept(1, StdStream.STDOUT, copy, 3, len);
      at += len;
    }
    List<String> expected = lines.subList(Math.max(0, lines.size() - tailLines), lines.size());
    assertThat(c.tail(StdStream.STDOUT)).as("seed %d", seed).isEqualTo(expected);
    assertThat(c.tail(StdStream.STDERR)).isEmpty();
  }

  /**
   * Lines of any length up to three times the longest kept, cut into chunks of any size: each comes out whole, or an
   * over-long one in pieces of {@link OutputSpec#MAX_LINE_CHARS} (the line buffer grows with the lines, issue 18).
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void linesOfAnyLengthComeOutWholeOrSplitAtTheLimit(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int max = OutputSpec.MAX_LINE_CHARS;
    List<String> expected = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int n = 1 + r.nextInt(12);
    for (int i = 0; i < n; i++) {
      int length = switch (r.nextInt(4)) {
        case 0 -> r.nextInt(300);
        case 1 -> 200 + r.nextInt(max);
        case 2 -> max * (1 + r.nextInt(2)) + r.nextInt(3) - 1; // around the limit and twice it
        default -> r.nextInt(3 * max);
      };
      String line = Character.toString('a' + i % 26).repeat(length);
      text.append(line).append('\n');
      int at = 0;
      while (length - at >= max) {
        expected.add(line.substring(at, at + max));
        at += max;
      }
      if (at < length || length % max == 0) {
        expected.add(line.substring(at)); // a line of exactly k times the limit ends with an empty piece at its newline
      }
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
    OutputCollector c = new OutputCollector("p", OutputSpec.defaults().withTailLines(1000), null);
    int at = 0;
    while (at < bytes.length) {
      int len = Math.min(bytes.length - at, 1 + r.nextInt(r.nextBoolean() ? 64 : 20_000));
      c.accept(1, StdStream.STDOUT, java.util.Arrays.copyOfRange(bytes, at, at + len), 0, len);
      at += len;
    }
    assertThat(c.tail(StdStream.STDOUT)).as("seed %d", seed).isEqualTo(expected);
  }

  @Test
  void aLastLineWithoutNewlineIsKeptOnFlushAndOverlongLinesAreSplit() {
    OutputCollector c = new OutputCollector("p", OutputSpec.defaults().withTailLines(10), null);
    byte[] longLine = "a".repeat(OutputSpec.MAX_LINE_CHARS + 10).getBytes(StandardCharsets.US_ASCII);
    c.accept(1, StdStream.STDERR, longLine, 0, longLine.length);
    byte[] partial = "no newline".getBytes(StandardCharsets.US_ASCII);
    c.accept(1, StdStream.STDERR, partial, 0, partial.length);
    c.flush();
    assertThat(c.tail(StdStream.STDERR)).containsExactly("a".repeat(OutputSpec.MAX_LINE_CHARS), "a".repeat(10) + "no newline");
  }

  /** Seeded random runs, each writing lines cut into random chunks: each run's tail is its own lines, in order. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void eachRunsTailIsItsOwnLines(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    OutputCollector c = new OutputCollector("p", OutputSpec.defaults().withTailLines(1000), null);
    int runs = 1 + r.nextInt(5);
    List<List<String>> written = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      List<String> lines = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      int n = r.nextInt(6);
      for (int i = 0; i < n; i++) {
        lines.add("run " + run + " line " + i);
        text.append("run ").append(run).append(" line ").append(i).append('\n');
      }
      if (r.nextBoolean()) { // an unfinished last line: its own line of this run, not the start of the next run's
        lines.add("run " + run + " unfinished");
        text.append("run ").append(run).append(" unfinished");
      }
      written.add(lines);
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      for (int at = 0; at < bytes.length; ) {
        int len = Math.min(bytes.length - at, 1 + r.nextInt(16));
        c.accept(run, StdStream.STDERR, bytes, at, len);
        at += len;
      }
    }
    for (int run = 1; run <= runs; run++) {
      assertThat(c.tail(StdStream.STDERR, run)).as("seed %d run %d", seed, run).isEqualTo(written.get(run - 1));
    }
    assertThat(c.tail(StdStream.STDERR, runs + 1)).isEmpty();
    assertThat(c.tail(StdStream.STDOUT, 1)).isEmpty();
  }

  /**
   * Output that comes after the close (a descendant still writing after its process was removed) opens no log file
   * again: not one never opened before (it was opened and left open for good), not one due for rotation (the rotation
   * opened it anew). It still reaches the tail.
   */
  @Test
  @EnabledOnOs(OS.LINUX) // reads /proc/self/fd
  void outputAfterTheCloseOpensNoFileAgain(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out.log");
    Path err = dir.resolve("err.log");
    OutputCollector c = new OutputCollector("p", OutputSpec.defaults().withTailLines(10).withFiles(out, err).withRotation(1024, 2), null);
    byte[] full = "x".repeat(1023).concat("\n").getBytes(StandardCharsets.US_ASCII); // out.log at its rotation size
    c.accept(1, StdStream.STDOUT, full, 0, full.length);
    assertThat(openOn(dir)).as("out.log open while the collector is").hasSize(1);
    c.close();
    assertThat(openOn(dir)).as("closed").isEmpty();

    byte[] late = "late\n".getBytes(StandardCharsets.US_ASCII);
    c.accept(1, StdStream.STDOUT, late, 0, late.length);
    c.accept(1, StdStream.STDERR, late, 0, late.length);
    c.flush();

    assertThat(openOn(dir)).as("descriptors on the log files after output that came after the close").isEmpty();
    assertThat(Files.readAllBytes(out)).as("out.log").isEqualTo(full);
    assertThat(dir.resolve("out.log.1")).as("out.log rotated after the close").doesNotExist();
    assertThat(err).as("err.log, never written before the close").doesNotExist();
    assertThat(c.tail(StdStream.STDOUT)).last().isEqualTo("late");
    assertThat(c.tail(StdStream.STDERR)).containsExactly("late");
  }

  /** This JVM's descriptors open on files under {@code dir} (their targets). */
  static List<String> openOn(Path dir) throws IOException {
    List<String> open = new ArrayList<>();
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith(dir.toString() + "/")) {
            open.add(target);
          }
        } catch (IOException e) {
          // closed since the listing (the listing's own descriptor among them)
        }
      }
    }
    return open;
  }
}
