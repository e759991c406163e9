package io.github.vigil.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log file that is rotated by size: {@code f} is renamed {@code f.1}, {@code f.1} becomes {@code f.2}, … and the
 * oldest beyond {@code backups} is deleted. Vigil writes the file itself, so rotation loses nothing. It rotates between
 * lines: a write that would pass the size goes up to its last line end that fits, and a line that starts the write and
 * fits in a file of its own starts the next file; only a line longer than a whole file, a line written in pieces across
 * writes, or output without line ends is cut at the size. Once closed, a write fails: it neither rotates nor opens the
 * file again. Not thread-safe: one writer per stream.
 */
final class RotatingFile implements AutoCloseable {
  private final Path path;
  private final long maxBytes;
  private final int backups;
  private FileChannel channel;
  private long size;
  private boolean closed;
  /** Whether what was written ends a line (or nothing was): a line that starts here may move to the next file. */
  private boolean atLineStart = true;

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
    atLineStart = true; // an existing file's last line is taken as ended
  }

  void write(byte[] buffer, int offset, int length) throws IOException {
    if (closed) {
      throw new java.nio.channels.ClosedChannelException(); // a rotation would open it again, and nothing would close it
    }
    while (length > 0) {
      if (size >= maxBytes) {
        rotate();
      }
      int room = (int) Math.min(length, maxBytes - size);
      int n = room;
      if (length > room) { // it passes the size: end this file at a line end
        int end = lastLineEnd(buffer, offset, room);
        if (end >= 0) {
          n = end - offset + 1;
        } else if (atLineStart && size > 0 && lastLineEnd(buffer, offset, (int) Math.min(length, maxBytes)) >= 0) {
          rotate(); // its first line fits in a file of its own
          continue;
        }
      }
      ByteBuffer b = ByteBuffer.wrap(buffer, offset, n);
      while (b.hasRemaining()) {
        size += channel.write(b);
      }
      atLineStart = buffer[offset + n - 1] == '\n';
      offset += n;
      length -= n;
      if (length > 0 && n < room) {
        rotate(); // ended at a line end short of the size: what follows starts the next file
      }
    }
  }

  /** The index of the last {@code '\n'} in {@code buffer[offset, offset + length)}, or -1. */
  private static int lastLineEnd(byte[] buffer, int offset, int length) {
    for (int i = offset + length - 1; i >= offset; i--) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
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
