package io.github.vigil.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log file that is rotated by size: {@code f} is renamed {@code f.1}, {@code f.1} becomes
 * {@code f.2}, … and the oldest beyond {@code backups} is deleted. Vigil writes the file itself, so
 * rotation loses nothing. Once closed, a write fails: it neither rotates nor opens the file again. Not thread-safe: one
 * writer per stream.
 */
final class RotatingFile implements AutoCloseable {
  private final Path path;
  private final long maxBytes;
  private final int backups;
  private FileChannel channel;
  private long size;
  private boolean closed;

  RotatingFile(Path path, long maxBytes, int backups) throws IOException {
    this.path = path;
    this.maxBytes = maxBytes;
    this.backups = backups;
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    open();
  }

  private void open() throws IOException {
    channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = channel.size();
  }

  void write(byte[] buffer, int offset, int length) throws IOException {
    if (closed) {
      throw new java.nio.channels.ClosedChannelException(); // a rotation would open it again, and nothing would close it
    }
    while (length > 0) {
      if (size >= maxBytes) {
        rotate();
      }
      int n = (int) Math.min(length, maxBytes - size);
      ByteBuffer b = ByteBuffer.wrap(buffer, offset, n);
      while (b.hasRemaining()) {
        size += channel.write(b);
      }
      offset += n;
      length -= n;
    }
  }

  private void rotate() throws IOException {
    channel.close();
    if (backups == 0) {
      Files.deleteIfExists(path);
    } else {
      Files.deleteIfExists(backup(backups));
      for (int i = backups - 1; i >= 1; i--) {
        Path from = backup(i);
        if (Files.exists(from)) {
          Files.move(from, backup(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(path, backup(1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
  }

  private Path backup(int i) {
    return path.resolveSibling(path.getFileName() + "." + i);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    channel.close();
  }
}
