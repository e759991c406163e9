package io.github.vigil.linux;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;

/** Tests' reader of a raw pipe descriptor: what a child wrote, read to the pipe's end. */
final class PipeText {
  private PipeText() {}

  /** Reads {@code fd} until end of file (every writer closed its end) and decodes it as UTF-8; does not close it. */
  static String readToEnd(int fd) {
    Memory buffer = new Memory(65_536);
    StringBuilder text = new StringBuilder();
    for (int got; (got = Fds.read(fd, buffer)) > 0; ) {
      text.append(new String(buffer.getByteArray(0, got), StandardCharsets.UTF_8));
    }
    return text.toString();
  }
}
