package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /proc/PID/stat} parsing: fixtures from a real kernel 6.18, and seeded hostile command names. */
class ProcStatTest {
  // a real line (kernel 6.18, 52 fields): sleep in its own session
  static final String SLEEP = "31392 (sleep) S 1 31390 31390 0 -1 4194560 97 0 0 0 0 0 0 0 20 0 1 0 148012 2330624 224 "
      + "18446744073709551615 94371617185792 94371617200273 140724386155648 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94371617212304 "
      + "94371617213536 94371650191360 140724386160345 140724386160366 140724386160366 140724386164715 0";

  @Test
  void parsesARealLine() {
    ProcStat s = ProcStat.parse(SLEEP);
    assertEquals(new ProcStat(31392, "sleep", 'S', 1, 31390, 31390, 148012), s);
    assertThat(s.zombie()).isFalse();
  }

  @Test
  void zombieState() {
    assertThat(ProcStat.parse(SLEEP.replace(") S ", ") Z ")).zombie()).isTrue();
    assertThat(ProcStat.parse(SLEEP.replace(") S ", ") Z ")).ended()).isTrue();
    assertThat(ProcStat.parse(SLEEP).ended()).isFalse();
  }

  /** A dead process ({@code X}, or {@code x} on Linux 2.6.33 to 3.13) has ended, and is no zombie: nobody reaps it. */
  @Test
  void deadState() {
    for (String dead : new String[] {") X ", ") x "}) {
      ProcStat s = ProcStat.parse(SLEEP.replace(") S ", dead));
      assertThat(s.ended()).as(dead).isTrue();
      assertThat(s.zombie()).as(dead).isFalse();
    }
  }

  /** A dead process runs no more; a zombie leader runs while another of its threads does. */
  @Test
  void aDeadProcessIsNotRunning(@org.junit.jupiter.api.io.TempDir java.nio.file.Path proc) throws java.io.IOException {
    ProcFs fs = new ProcFs(proc);
    java.nio.file.Files.createDirectories(proc.resolve("31392/task/31392"));
    java.nio.file.Files.createDirectories(proc.resolve("31392/task/31393"));
    assertThat(fs.running(ProcStat.parse(SLEEP))).isTrue();
    assertThat(fs.running(ProcStat.parse(SLEEP.replace(") S ", ") Z ")))).as("a zombie leader with a live thread").isTrue();
    assertThat(fs.running(ProcStat.parse(SLEEP.replace(") S ", ") X ")))).as("dead").isFalse();
    assertThat(fs.running(ProcStat.parse(SLEEP.replace(") S ", ") x ")))).as("dead").isFalse();
  }

  @Test
  void malformedLinesThrowNamingTheLine() {
    assertThatThrownBy(() -> ProcStat.parse("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed");
    assertThatThrownBy(() -> ProcStat.parse("12 (x) S 1 2")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12 (x) S 1 2");
    assertThatThrownBy(() -> ProcStat.parse(SLEEP.replace(" 31390 31390 ", " x 31390 "))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcStat.parse("31392 sleep S 1")).isInstanceOf(IllegalArgumentException.class);
  }

  static LongStream seeds() {
    return LongStream.range(0, 500);
  }

  /** Any comm of up to 15 bytes, including ") ", "(" and spaces, parses back with every field intact. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void hostileCommandNamesParse(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String alphabet = "ab) (Z S1\t-";
    StringBuilder comm = new StringBuilder();
    for (int i = 0, n = r.nextInt(16); i < n; i++) {
      comm.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    int pid = 1 + r.nextInt(4_194_304);
    int ppid = r.nextInt(4_194_304);
    int pgrp = r.nextInt(4_194_304);
    int session = r.nextInt(4_194_304);
    long start = r.nextLong(Long.MAX_VALUE);
    char state = "RSDZTtXIP".charAt(r.nextInt(9));
    String line = SLEEP.replace("31392 (sleep) S 1 31390 31390", pid + " (" + comm + ") " + state + " " + ppid + " " + pgrp + " " + session)
        .replace(" 148012 ", " " + start + " ");
    ProcStat s = ProcStat.parse(line);
    assertEquals(new ProcStat(pid, comm.toString(), state, ppid, pgrp, session, start), s, () -> "seed " + seed + ": " + line);
  }
}
