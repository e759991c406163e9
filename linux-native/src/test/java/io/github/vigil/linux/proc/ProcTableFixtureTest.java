package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.spi.ProcessEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process table on a directory of fixtures instead of /proc: runs on every operating system. */
class ProcTableFixtureTest {
  @TempDir
  Path proc;

  private void process(long pid, char state) throws IOException {
    long[] f = new long[53];
    f[4] = 1;
    f[22] = 1000;
    Path d = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(d.resolve("stat"), ProcGen.statLine(pid, "sleep", state, f));
    Files.writeString(d.resolve("cmdline"), "sleep\u000030\u0000");
  }

  /** Only processes that have not ended are listed: not a zombie ({@code Z}), nor a dead one ({@code X}, {@code x}). */
  @Test
  void listsNoEndedProcess() throws IOException {
    Files.writeString(proc.resolve("stat"), "cpu  1 2 3\nbtime 1700000000\n");
    process(100, 'S');
    process(101, 'Z');
    process(102, 'X');
    process(103, 'x');
    process(104, 'D');
    ProcTable table = new ProcTable(proc, 100);

    assertThat(table.list()).extracting(ProcessEntry::pid).containsExactlyInAnyOrder(100L, 104L);
    assertThat(table.get(100)).isPresent();
    assertThat(table.get(101)).isEmpty();
    assertThat(table.get(102)).isEmpty();
    assertThat(table.get(103)).isEmpty();
  }
}
