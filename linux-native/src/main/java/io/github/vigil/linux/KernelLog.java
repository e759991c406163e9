package io.github.vigil.linux;

import com.sun.jna.Memory;
import io.github.vigil.linux.proc.OomKillRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * OOM kills from the kernel log ({@code /dev/kmsg}, readable by root when {@code kernel.dmesg_restrict}
 * is 1): the fallback where no memory cgroup counts them, and the source of the memory at death.
 * It reads only what is logged after it was opened, incrementally, and keeps the recent OOM kills by
 * pid; {@link #forget} at each spawn drops a record of an earlier process with the same pid.
 *
 * <p>Not thread-safe: used by the event loop only.
 */
final class KernelLog implements AutoCloseable {
  private static final int EPIPE = 32;
  private static final int KEEP = 256;

  private int fd = -1;
  private final String unavailable;
  private final Memory buffer = new Memory(16 * 1024);
  // the one descriptor, looked at before reading: a read that finds nothing costs a JNA exception (EAGAIN), and
  // this runs at every spawn and every SIGKILL death
  private final Poller pending = new Poller();
  private final Map<Integer, OomKillRecord> kills = new LinkedHashMap<>() {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, OomKillRecord> eldest) {
      return size() > KEEP;
    }
  };

  /**
   * The link {@code /proc/self/ns/pid} reads in the host's (initial) pid namespace: its inode is fixed by the kernel
   * ({@code PROC_PID_INIT_INO}).
   */
  static final String INITIAL_PID_NAMESPACE = "pid:[4026531836]";

  KernelLog() {
    this(pidNamespace());
  }

  /** @param pidNamespace what {@code /proc/self/ns/pid} links to, or null where it cannot be read */
  KernelLog(@Nullable String pidNamespace) {
    String why = pidsNotOurs(pidNamespace).orElse("");
    if (!why.isEmpty()) {
      unavailable = why;
      return;
    }
    try {
      fd = Fds.openReadOnly("/dev/kmsg", true);
      Fds.seekToEnd(fd);
      pending.add(fd, Poller.IN);
    } catch (NativeCallException e) {
      if (fd >= 0) {
        Fds.close(fd);
        fd = -1;
      }
      why = e.getMessage();
    }
    unavailable = why;
  }

  /**
   * Why the kernel log's pids cannot be this JVM's, if so: in a pid namespace of its own (a container) the kernel logs
   * an OOM kill with the host's pid of the victim, which here is another number, or another process's. Unknown (null):
   * taken for the host's, as before there were pid namespaces.
   */
  static Optional<String> pidsNotOurs(@Nullable String pidNamespace) {
    if (pidNamespace == null || pidNamespace.equals(INITIAL_PID_NAMESPACE)) {
      return Optional.empty();
    }
    return Optional.of("this JVM runs in a pid namespace of its own (" + pidNamespace
        + "), and the kernel log names processes by the host's pids");
  }

  private static @Nullable String pidNamespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether the kernel log can be read; else why not. */
  Optional<String> unavailable() {
    return fd >= 0 ? Optional.empty() : Optional.of(unavailable);
  }

  /** Drops what is known about {@code pid}: a new process has it now. */
  void forget(int pid) {
    drain();
    kills.remove(pid);
  }

  /** The OOM kill of {@code pid} logged since it was spawned, if any. */
  Optional<OomKillRecord> takeOomKill(int pid) {
    drain();
    return Optional.ofNullable(kills.remove(pid));
  }

  private void drain() {
    if (fd < 0 || pending.poll(0) == 0) {
      return; // nothing logged since the last read
    }
    while (true) {
      int n;
      try {
        n = Fds.read(fd, buffer);
      } catch (NativeCallException e) {
        if (e.errno() == EPIPE) {
          continue; // records were overwritten before we read them: go on with the oldest still there
        }
        return;
      }
      if (n <= 0) {
        return;
      }
      String record = new String(buffer.getByteArray(0, n), StandardCharsets.UTF_8);
      if (record.contains("Killed process ")) {
        OomKillRecord.parse(record).ifPresent(r -> kills.put(r.pid(), r));
      }
    }
  }

  @Override
  public void close() {
    if (fd >= 0) {
      Fds.close(fd);
      fd = -1;
    }
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
