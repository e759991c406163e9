package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProcReader} reads a file whole, by path or again and again through a channel kept open, growing its
 * buffer as needed: the bytes are the file's, whatever the buffer's size, and a re-read from offset 0 sees the
 * file afresh.
 */
@EnabledOnOs(OS.LINUX)
class ProcReaderTest {
  private final RealProcs procs = new RealProcs();

  @AfterEach
  void cleanUp() throws Exception {
    procs.close();
  }

  @Test
  void aKeptOpenChannelReadsTheWholeFileThroughAGrowingBuffer(@TempDir Path dir) throws Exception {
    SplittableRandom random = new SplittableRandom(18);
    for (int size : new int[] {0, 1, 7, 8, 9, 100, 4096, 70_000}) {
      byte[] content = new byte[size];
      for (int i = 0; i < size; i++) {
        content[i] = (byte) ('a' + random.nextInt(26));
      }
      Path file = dir.resolve("f" + size);
      Files.write(file, content);
      ProcReader reader = new ProcReader(8); // grows past 8 bytes as the file needs
      try (FileChannel channel = FileChannel.open(file)) {
        for (int round = 0; round < 2; round++) { // the second read is in place, from offset 0
          assertThat(reader.read(channel, file.toString())).isEqualTo(ProcReader.Outcome.OK);
          assertThat(Arrays.copyOf(reader.bytes(), reader.length)).as("%d bytes, read %d", size, round + 1).isEqualTo(content);
        }
      }
      assertThat(reader.read(file.toString(), true)).isEqualTo(ProcReader.Outcome.OK);
      assertThat(Arrays.copyOf(reader.bytes(), reader.length)).as("%d bytes by path", size).isEqualTo(content);
    }
  }

  @Test
  void aProcFileReReadThroughItsChannelIsGeneratedAfresh() throws Exception {
    long pid = procs.start("sleep", "600").pid();
    RealProcs.freeze(pid); // its stat holds still but for the state letter, which the stop just set
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    ProcReader reader = new ProcReader(16);
    try (FileChannel channel = FileChannel.open(stat)) {
      assertThat(reader.read(channel, stat.toString())).isEqualTo(ProcReader.Outcome.OK);
      String first = new String(reader.bytes(), 0, reader.length, StandardCharsets.US_ASCII);
      assertThat(first).isEqualTo(Files.readString(stat, StandardCharsets.US_ASCII)).contains(") T ");
      RealProcs.signal(pid, "CONT");
      assertThat(RealProcs.eventually(java.time.Duration.ofSeconds(10), () -> {
        reader.read(channel, stat.toString());
        return new String(reader.bytes(), 0, reader.length, StandardCharsets.US_ASCII).contains(") S ");
      })).as("the same descriptor shows the process sleeping again").isTrue();
    }
  }
}
