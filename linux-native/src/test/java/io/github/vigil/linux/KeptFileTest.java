package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A file kept open is read whole and afresh on every read: longer than its buffer, rewritten, and from /proc. */
@EnabledOnOs(OS.LINUX)
class KeptFileTest {

  @Test
  void readsTheWholeFileAsItIsNowEvenPastItsBuffer(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("list"), "1 2 3 ".repeat(400)); // 2,400 bytes into a 16-byte buffer
    try (KeptFile kept = KeptFile.open(f, 16)) {
      assertThat(kept.read()).isEqualTo("1 2 3 ".repeat(400));
      Files.writeString(f, "42 "); // shorter now: nothing of the old text is left over
      assertThat(kept.read()).isEqualTo("42 ");
      Files.writeString(f, "");
      assertThat(kept.read()).isEmpty();
    }
  }

  @Test
  void aProcFileIsGeneratedAfreshOnEachRead() throws Exception {
    Path children = Path.of("/proc/self/task/" + ProcessHandle.current().pid() + "/children");
    try (KeptFile stat = KeptFile.open(Path.of("/proc/self/stat"), 64); KeptFile list = KeptFile.open(children, 8)) {
      String first = stat.read();
      assertThat(first).startsWith(ProcessHandle.current().pid() + " (").endsWith("\n");
      assertThat(stat.read()).startsWith(ProcessHandle.current().pid() + " (");
      assertThat(list.read()).isEqualTo(Files.readString(children));
    }
  }

  @Test
  void aFileOfExactlyTheBufferIsReadWholeAndAClosedOneSaysWhich(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("sixteen"), "0123456789abcdef");
    KeptFile kept = KeptFile.open(f, 16);
    assertThat(kept.read()).isEqualTo("0123456789abcdef");
    Files.writeString(f, "0123456789abcdef!"); // past the first buffer: read again whole into a grown one
    assertThat(kept.read()).isEqualTo("0123456789abcdef!");
    kept.close();
    kept.close(); // a second close does not close a descriptor number another file may have now
    assertThatThrownBy(kept::read).isInstanceOf(IOException.class).hasMessageContaining(f.toString());
  }

  @Test
  void aFileThatCannotBeOpenedIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("gone");
    assertThatThrownBy(() -> KeptFile.open(missing, 64)).isInstanceOf(IOException.class).hasMessageContaining(missing.toString());
    assertThat(KeptFile.openOrNull(missing, 64)).isNull();
  }
}
