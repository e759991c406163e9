package io.github.vigil.linux;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks once, at start, that a child can move itself into a cgroup directory, the way every run's
 * wrapper does: spawns {@code sh -c 'echo 0 > DIR/cgroup.procs'}, reaps it by pidfd, and reports.
 *
 * <p>Thread-safe: stateless.
 */
final class JoinProbe {
  private JoinProbe() {}

  /** Null if the join worked, else what went wrong. */
  static @Nullable String run(String shell, Path dir) {
    int[] out = Fds.pipe();
    int pid;
    try {
      pid = Spawner.spawn(shell, List.of(shell, "-c", "echo 0 > \"$1/cgroup.procs\"", "vigil-probe", dir.toString()), List.of(), null,
          out[1], out[1]);
    } catch (RuntimeException e) {
      Fds.close(out[0]);
      Fds.close(out[1]);
      return e.getMessage();
    }
    Fds.close(out[1]);
    try (Pidfd fd = Pidfd.open(pid).orElseThrow(() -> new IllegalStateException("probe " + pid + " vanished unreaped"))) {
      Poller poller = new Poller();
      poller.add(fd.fd(), Poller.IN);
      Optional<WaitStatus> status = Optional.empty();
      for (int i = 0; i < 50 && status.isEmpty(); i++) { // 5 s at most
        poller.poll(100);
        status = fd.reap();
      }
      if (status.isEmpty()) {
        fd.sendSignal(9);
        poller.poll(1000);
        fd.reap();
        return "the probe did not finish within 5 s";
      }
      if (status.get().exited() && status.get().status() == 0) {
        return null;
      }
      Fds.setNonBlocking(out[0]);
      Memory buffer = new Memory(4096);
      int n = Fds.read(out[0], buffer);
      String said = n > 0 ? new String(buffer.getByteArray(0, n), StandardCharsets.UTF_8).trim() : "";
      return said.isEmpty() ? "exit status " + status.get() : said;
    } finally {
      Fds.close(out[0]);
    }
  }
}
