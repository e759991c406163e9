package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileTest {

  @Test
  void rotatesBySizeKeepingTheNewestBackupsAndLosingNothingInBetween(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("feed.out");
    byte[] chunk = "0123456789".getBytes(StandardCharsets.US_ASCII);
    try (RotatingFile f = new RotatingFile(log, 1024, 2)) {
      for (int i = 0; i < 400; i++) { // 4000 bytes: the newest 1024 + 2 x 1024 kept, the oldest dropped
        f.write(chunk, 0, chunk.length);
      }
    }
    assertThat(Files.size(log)).isEqualTo(4000 - 3 * 1024);
    assertThat(Files.size(dir.resolve("feed.out.1"))).isEqualTo(1024);
    assertThat(Files.size(dir.resolve("feed.out.2"))).isEqualTo(1024);
    assertThat(dir.resolve("feed.out.3")).doesNotExist();
    // concatenated oldest to newest, the kept files are one unbroken tail of what was written
    String all = Files.readString(dir.resolve("feed.out.2")) + Files.readString(dir.resolve("feed.out.1")) + Files.readString(log);
    String written = "0123456789".repeat(400);
    assertThat(written).endsWith(all);
  }

  @Test
  void appendsToAnExistingFileAcrossReopens(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("x.log");
    Files.writeString(log, "before\n");
    try (RotatingFile f = new RotatingFile(log, 1 << 20, 1)) {
      byte[] b = "after\n".getBytes(StandardCharsets.US_ASCII);
      f.write(b, 0, b.length);
    }
    assertThat(Files.readString(log)).isEqualTo("before\nafter\n");
  }

  @Test
  void withoutBackupsTheFileStartsOver(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("y.log");
    try (RotatingFile f = new RotatingFile(log, 1024, 0)) {
      byte[] b = new byte[1500];
      f.write(b, 0, b.length);
    }
    assertThat(Files.size(log)).isEqualTo(1500 - 1024);
    assertThat(dir.resolve("y.log.1")).doesNotExist();
  }
}
