package io.github.vigil.linux;

import com.sun.jna.Memory;
import io.github.vigil.linux.jna.Fds;
import io.github.vigil.linux.jna.NativeCallException;
import io.github.vigil.linux.proc.OomKillRecord;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Looks up OOM kills in the kernel log ({@code /dev/kmsg}, readable by root when
 * {@code kernel.dmesg_restrict} is 1): the fallback where no memory cgroup counts them.
 *
 * <p>Thread-safe: each lookup opens its own descriptor.
 */
final class KernelLog {
  private static final int EPIPE = 32;
  private static final int EPERM = 1;
  private static final int EACCES = 13;

  private volatile boolean unreadable;

  /** Whether {@code /dev/kmsg} could be opened so far. */
  boolean readable() {
    if (unreadable) {
      return false;
    }
    try {
      Fds.close(Fds.openReadOnly("/dev/kmsg", true));
      return true;
    } catch (NativeCallException e) {
      unreadable = true;
      return false;
    }
  }

  /**
   * The latest OOM kill of {@code pid} logged at or after {@code notBeforeMicros} (microseconds since
   * boot, the kernel log's clock).
   */
  Optional<OomKillRecord> findOomKill(int pid, long notBeforeMicros) {
    if (unreadable) {
      return Optional.empty();
    }
    int fd;
    try {
      fd = Fds.openReadOnly("/dev/kmsg", true);
    } catch (NativeCallException e) {
      if (e.errno() == EPERM || e.errno() == EACCES) {
        unreadable = true;
      }
      return Optional.empty();
    }
    OomKillRecord found = null;
    try (Memory buffer = new Memory(16 * 1024)) {
      while (true) {
        int n;
        try {
          n = Fds.read(fd, buffer);
        } catch (NativeCallException e) {
          if (e.errno() == EPIPE) {
            continue; // the record we were about to read was overwritten: go on with the next
          }
          break;
        }
        if (n <= 0) {
          break;
        }
        String record = new String(buffer.getByteArray(0, n), StandardCharsets.UTF_8);
        if (!record.contains("Killed process " + pid + " ")) {
          continue;
        }
        if (micros(record) < notBeforeMicros) {
          continue; // an earlier process with the same pid
        }
        Optional<OomKillRecord> r = OomKillRecord.parse(record);
        if (r.isPresent() && r.get().pid() == pid) {
          found = r.get();
        }
      }
    } finally {
      Fds.close(fd);
    }
    return Optional.ofNullable(found);
  }

  /** The time stamp of a {@code /dev/kmsg} record ({@code "prio,seq,micros,flags;text"}), or -1. */
  static long micros(String record) {
    int semi = record.indexOf(';');
    String[] head = (semi < 0 ? record : record.substring(0, semi)).split(",");
    if (head.length < 3) {
      return -1;
    }
    try {
      return Long.parseLong(head[2]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
