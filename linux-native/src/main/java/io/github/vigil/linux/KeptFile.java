package io.github.vigil.linux;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A small file of {@code /proc} or of a cgroup, kept open and read afresh from offset 0 with one {@code pread}
 * (the kernel generates such a file anew on every read from its start). For files read over and over on the
 * event loop, where opening and closing would cost most of the read: code that runs once a second stays
 * interpreted, and there {@code Files.readString} took about 150 µs a file. Not thread-safe.
 */
final class KeptFile implements Closeable {
  private final Path path;
  private final FileChannel channel;
  private byte[] bytes;
  private ByteBuffer buffer;

  private KeptFile(Path path, FileChannel channel, int capacity) {
    this.path = path;
    this.channel = channel;
    this.bytes = new byte[capacity];
    this.buffer = ByteBuffer.wrap(bytes);
  }

  /** Opens {@code path} to keep; a file longer than {@code capacity} bytes grows the buffer when read. */
  static KeptFile open(Path path, int capacity) throws IOException {
    return new KeptFile(path, FileChannel.open(path, StandardOpenOption.READ), capacity);
  }

  /** Opens {@code path} to keep, or null where it cannot be (read it by path then). */
  static @Nullable KeptFile openOrNull(Path path, int capacity) {
    try {
      return open(path, capacity);
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** The file's text as it is now (ISO-8859-1: these files are ASCII). */
  String read() throws IOException {
    buffer.clear();
    int length = 0;
    while (true) {
      int n = channel.read(buffer, length);
      if (n <= 0) {
        break;
      }
      length += n;
      if (buffer.hasRemaining()) {
        break; // a short read: the whole file
      }
      bytes = Arrays.copyOf(bytes, bytes.length * 2);
      buffer = ByteBuffer.wrap(bytes);
      buffer.position(length);
    }
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "KeptFile{" + path + "}";
  }
}
