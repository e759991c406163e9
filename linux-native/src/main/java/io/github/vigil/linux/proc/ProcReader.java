package io.github.vigil.linux.proc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads small {@code /proc} files whole into one reused buffer, and names what went wrong:
 * {@link Outcome#GONE} when the file or its process is not there (any more), {@link Outcome#DENIED}
 * when the kernel refuses it. Not thread-safe: one per sampling thread.
 */
final class ProcReader {
  enum Outcome { OK, GONE, DENIED, FAILED }

  private static final int MAX = 64 << 20;

  private byte[] buf;
  private ByteBuffer bb;
  int length;
  Outcome outcome = Outcome.OK;
  String error = "";

  ProcReader(int initialCapacity) {
    buf = new byte[initialCapacity];
    bb = ByteBuffer.wrap(buf);
  }

  byte[] bytes() {
    return buf;
  }

  /**
   * Reads {@code file}; on success {@link #bytes()} holds {@link #length} bytes and the result is
   * {@link Outcome#OK}; otherwise {@link #error} says why.
   */
  Outcome read(Path file) {
    length = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      bb.clear();
      while (true) {
        int n = ch.read(bb);
        if (n < 0) {
          break;
        }
        if (!bb.hasRemaining()) {
          if (buf.length >= MAX) {
            return fail(Outcome.FAILED, file + ": larger than " + MAX + " bytes");
          }
          int pos = bb.position();
          buf = Arrays.copyOf(buf, buf.length * 2);
          bb = ByteBuffer.wrap(buf);
          bb.position(pos);
        }
      }
      length = bb.position();
      outcome = Outcome.OK;
      return outcome;
    } catch (NoSuchFileException e) {
      return fail(Outcome.GONE, file + ": no such file");
    } catch (AccessDeniedException e) {
      return fail(Outcome.DENIED, file + ": permission denied");
    } catch (IOException e) {
      // reading an opened file of a process that has just died gives ESRCH ("No such process")
      String m = String.valueOf(e.getMessage());
      if (m.contains("No such process")) {
        return fail(Outcome.GONE, file + ": " + m);
      }
      if (m.contains("Permission denied") || m.contains("Operation not permitted")) {
        return fail(Outcome.DENIED, file + ": " + m);
      }
      return fail(Outcome.FAILED, file + ": " + e);
    }
  }

  private Outcome fail(Outcome o, String why) {
    outcome = o;
    error = why;
    length = 0;
    return o;
  }
}
