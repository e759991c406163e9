package io.github.vigil.linux.proc;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads small {@code /proc} files whole into one reused buffer, and names what went wrong:
 * {@link Outcome#GONE} when the file or its process is not there (any more), {@link Outcome#DENIED}
 * when the kernel refuses it. Not thread-safe: one per sampling thread.
 */
final class ProcReader {
  enum Outcome { OK, GONE, DENIED, FAILED }

  private static final int MAX = 64 << 20;

  private byte[] buf;
  private ByteBuffer view;
  int length;
  Outcome outcome = Outcome.OK;
  String error = "";

  ProcReader(int initialCapacity) {
    buf = new byte[initialCapacity];
    view = ByteBuffer.wrap(buf);
  }

  byte[] bytes() {
    return buf;
  }

  /**
   * Reads the file at {@code path} with {@link RandomAccessFile}, the lightest way the JDK opens a
   * file. A failure is classified by looking at the file system, never by parsing the (localized)
   * message: a missing file or directory is {@link Outcome#GONE}; a file that is there but cannot
   * be read (e.g. {@code io} of another user's process, refused when read, not when opened) is
   * {@link Outcome#DENIED}.
   */
  Outcome read(String path) {
    return read(path, false);
  }

  /**
   * As {@link #read(String)}; {@code oneRecord} says the file is generated whole on open (stat,
   * status, io, limits, smaps_rollup: {@code single_open} seq files), so a read shorter than the
   * buffer is the end and the extra read that would return 0 is skipped.
   */
  Outcome read(String path, boolean oneRecord) {
    length = 0;
    try (RandomAccessFile file = new RandomAccessFile(path, "r")) {
      return fill(file, null, path, oneRecord);
    } catch (IOException e) {
      File f = new File(path);
      if (!f.exists()) {
        return fail(Outcome.GONE, path + ": no such file");
      }
      return fail(Outcome.DENIED, path + ": " + e.getMessage());
    }
  }

  /**
   * Reads a file generated whole on open (a {@code single_open} seq file) again through a channel
   * kept open, from offset 0: one {@code pread}, which makes the kernel generate it afresh, instead
   * of open, read and close. Any failure is {@link Outcome#FAILED}: the process is gone (ESRCH), its
   * pid was reused, or the channel was closed by an interrupt; the caller reads by path to tell which.
   */
  Outcome read(FileChannel channel, String path) {
    length = 0;
    try {
      return fill(null, channel, path, true);
    } catch (IOException e) {
      return fail(Outcome.FAILED, path + ": " + e);
    }
  }

  /** Reads {@code file} from where it is, or {@code channel} from offset 0, into the buffer, growing it as needed. */
  private Outcome fill(@Nullable RandomAccessFile file, @Nullable FileChannel channel, String path, boolean oneRecord)
      throws IOException {
    int pos = 0;
    while (true) {
      int n = channel != null ? channel.read(view.clear().position(pos), pos) : requireNonNull(file).read(buf, pos, buf.length - pos);
      if (n < 0) {
        break;
      }
      pos += n;
      if (oneRecord && pos < buf.length) {
        break;
      }
      if (pos == buf.length) {
        if (buf.length >= MAX) {
          return fail(Outcome.FAILED, path + ": larger than " + MAX + " bytes");
        }
        grow();
      }
    }
    length = pos;
    outcome = Outcome.OK;
    return outcome;
  }

  private void grow() {
    buf = Arrays.copyOf(buf, buf.length * 2);
    view = ByteBuffer.wrap(buf);
  }

  private Outcome fail(Outcome o, String why) {
    outcome = o;
    error = why;
    length = 0;
    return o;
  }
}
