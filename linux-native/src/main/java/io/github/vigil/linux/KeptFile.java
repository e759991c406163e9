package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A small file of {@code /proc} or of a cgroup, kept open and read afresh from offset 0 with one {@code pread}
 * (the kernel generates such a file anew on every read from its start). For files read over and over on the
 * event loop, where opening and closing would cost most of the read: code that runs once a second stays
 * interpreted, and there {@code Files.readString} took about 150 µs a file. The read is a direct-mapped
 * {@code pread} into a byte array of the file's own ({@link DirectLibC}): a {@code FileChannel}'s positional read
 * runs a few hundred lines of the JDK (its blocking bookkeeping, a temporary direct buffer, a copy), also
 * interpreted there. Not thread-safe.
 */
final class KeptFile implements Closeable {
  private final Path path;
  private final int fd;
  private byte[] bytes;
  private boolean closed;

  private KeptFile(Path path, int fd, int capacity) {
    this.path = path;
    this.fd = fd;
    this.bytes = new byte[capacity];
  }

  /** Opens {@code path} to keep; a file longer than {@code capacity} bytes grows the buffer when read. */
  static KeptFile open(Path path, int capacity) throws IOException {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1 byte, was " + capacity);
    }
    try {
      return new KeptFile(path, Fds.openReadOnly(path.toString(), false), capacity);
    } catch (NativeCallException e) {
      throw new IOException("Cannot open " + path + ": " + e.getMessage(), e);
    }
  }

  /** Opens {@code path} to keep, or null where it cannot be (read it by path then). */
  static @Nullable KeptFile openOrNull(Path path, int capacity) {
    try {
      return open(path, capacity);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The whole text of a small file read once: open, {@code pread}, close, each a direct call. For the cgroup files
   * read on the exit path (whether a dead run's tree is empty, its OOM count), where {@code Files.readString} runs
   * interpreted through a channel and a stream.
   */
  static String readOnce(Path path) throws IOException {
    return readOnce(Native.toByteArray(path.toString()), path);
  }

  /** As {@link #readOnce(Path)}, the path also given as NUL-terminated bytes made once ({@link Native#toByteArray(String)}). */
  static String readOnce(byte[] cPath, Path path) throws IOException {
    int fd;
    try {
      fd = Fds.openReadOnly(cPath, path, false);
    } catch (NativeCallException e) {
      throw new IOException("Cannot open " + path + ": " + e.getMessage(), e);
    }
    try (KeptFile f = new KeptFile(path, fd, 512)) {
      return f.read();
    }
  }

  /** The file's text as it is now (ISO-8859-1: these files are ASCII). */
  String read() throws IOException {
    if (closed) {
      throw new IOException(path + " was closed");
    }
    int length = 0;
    while (true) {
      long n;
      try {
        n = DirectLibC.pread(fd, bytes, bytes.length, 0);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LinuxLibC.EINTR) {
          continue;
        }
        throw new IOException("Cannot read " + path + ": " + new NativeCallException("pread", e.getErrorCode()).getMessage(), e);
      }
      length = (int) n;
      if (length < bytes.length) {
        break; // a short read: the whole file
      }
      bytes = new byte[bytes.length * 2]; // read it again whole: a generated file is only consistent within one read
    }
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Fds.close(fd);
    }
  }

  @Override
  public String toString() {
    return "KeptFile{" + path + "}";
  }
}
