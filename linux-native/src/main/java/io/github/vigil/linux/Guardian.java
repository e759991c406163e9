package io.github.vigil.linux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The process that kills a backend's runs when the JVM dies: a shell in a session of its own, outside the runs'
 * cgroups, waiting on a pipe that only this JVM holds open. However the JVM ends, {@code SIGKILL} included, the kernel
 * closes the pipe and the guardian reads end of file. It then waits until the JVM has left its children (a zombie, or
 * gone), kills everything in the backend's cgroups ({@code cgroup.kill} where the kernel has it, then each member
 * still listed, round after round until none is) and removes the emptied cgroups. A close tells it to exit first
 * ({@link #dismiss}).
 *
 * <p>It stands in for a death signal on each child ({@code setpriv --pdeathsig}), which costs an exec in front of
 * every start, and it reaches what a death signal does not: the runs' descendants. Why the wait: the kernel closes a
 * dying process's descriptors before it hands its children to their new parent, and a wrapper joins its cgroups and
 * then writes to its start's pipe, whose other end only this JVM holds ({@link LinuxProcessBackend#WRAPPER_SCRIPT}).
 * Once the JVM has left its children, a wrapper whose write went through has joined its cgroups, and one whose write
 * failed ends without starting its program.
 *
 * <p>Not thread-safe: the backend's constructor makes it and its event loop owns it.
 */
final class Guardian {
  /**
   * {@code $1} the JVM's pid, {@code $2} its start time in clock ticks (a reused pid is not the JVM), then the base
   * directories. Descriptor 3 is the pipe: a line {@code bye} means the backend closed and there is nothing to do. It
   * names itself {@code vigil-guardian} ({@code /proc/PID/comm}), as {@code ps} and {@code top} show it.
   */
  static final String SCRIPT = "exec >/dev/null 2>&1; printf %s vigil-guardian > /proc/self/comm; trap '' HUP INT QUIT TERM PIPE;"
      + " read -r word <&3; [ \"$word\" = bye ] && exit 0;"
      + " jvm=$1 ticks=$2; shift 2;"
      // the JVM is gone once its stat is unreadable, says Z or X, or names a later process
      + " live() { set -- $1; case $1 in Z|X) return 1;; esac; [ \"${20}\" = \"$ticks\" ]; };"
      // every 5 ms for a second, then every second: a JVM that lives on after the pipe closed (a stray close() of its
      // descriptor) costs a fork a second, not two hundred, and is still swept once it dies
      + " w=0; while read -r s < /proc/$jvm/stat && live \"${s##*) }\"; do"
      + " if [ $w -lt 200 ]; then w=$((w + 1)); sleep 0.005 || :; else sleep 1 || :; fi; done;"
      + " for b; do [ -e \"$b/cgroup.kill\" ] && echo 1 > \"$b/cgroup.kill\"; done;"
      + " n=0; while [ $n -lt 200 ]; do left=;"
      + " for b; do for f in \"$b\"/*/cgroup.procs; do [ -r \"$f\" ] || continue;"
      + " while read -r p; do kill -9 \"$p\" && left=1; done < \"$f\"; done; done;"
      + " [ -z \"$left\" ] && break; n=$((n + 1)); sleep 0.01 || :; done;"
      + " for b; do for d in \"$b\"/*/; do rmdir \"$d\"; done; rmdir \"$b\"; done; exit 0";

  private static final long DISMISS_WAIT_MILLIS = 2_000;

  final int pid;
  final Pidfd pidfd;
  private int pipe; // the write end; -1 once dismissed

  private Guardian(int pid, Pidfd pidfd, int pipe) {
    this.pid = pid;
    this.pidfd = pidfd;
    this.pipe = pipe;
  }

  /**
   * Starts a guardian of {@code bases} for this JVM.
   *
   * @param shell the shell that runs {@link #SCRIPT}
   * @param jvm this JVM's pid
   * @param jvmStartTicks this JVM's start time in clock ticks, as {@code /proc/PID/stat} says it
   * @param env its environment: the backend's marker (a cleanup after a crash finds a guardian still at work), a {@code PATH}
   * @throws NativeCallException when it cannot be started or watched (nothing is left running then)
   */
  static Guardian start(String shell, int jvm, long jvmStartTicks, List<Path> bases, List<String> env) {
    List<String> argv = new ArrayList<>(List.of(shell, "-c", SCRIPT, "vigil-guardian", Integer.toString(jvm), Long.toString(jvmStartTicks)));
    bases.forEach(b -> argv.add(b.toString()));
    int[] pipe = Fds.pipe();
    int devNull = -1;
    int pid;
    try {
      devNull = Fds.openReadOnly("/dev/null", false); // replaced by the script's first words; writes before them fail harmlessly
      pid = Spawner.spawn(shell, argv, env, "/", devNull, devNull, pipe[0]);
    } catch (NativeCallException e) {
      Fds.close(pipe[1]);
      throw e;
    } finally {
      Fds.close(pipe[0]);
      if (devNull >= 0) {
        Fds.close(devNull);
      }
    }
    Optional<Pidfd> pidfd;
    try {
      pidfd = Pidfd.open(pid);
    } catch (NativeCallException e) {
      pidfd = Optional.empty();
    }
    if (pidfd.isEmpty()) {
      Fds.close(pipe[1]); // it reads end of file and sweeps cgroups that hold nothing yet
      Kernel.killAndReapChild(pid);
      throw new NativeCallException("pidfd_open(" + pid + ") of the guardian", LinuxLibC.ESRCH);
    }
    return new Guardian(pid, pidfd.get(), pipe[1]);
  }

  /** Reaps the guardian if it has ended (it should not while the backend is open); empty while it runs. */
  Optional<WaitStatus> reapIfEnded() {
    try {
      return pidfd.reap();
    } catch (NativeCallException e) {
      return Optional.of(new WaitStatus(pid, 0, -1)); // reaped by someone else: ended all the same
    }
  }

  /**
   * Tells the guardian the backend closed, so that it exits without sweeping, and reaps it: waits up to 2 s, then
   * kills it. Called once the runs are stopped and the cgroups removed.
   */
  void dismiss() {
    if (pipe >= 0) {
      byte[] bye = "bye\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      com.sun.jna.Memory m = new com.sun.jna.Memory(bye.length);
      m.write(0, bye, 0, bye.length);
      Fds.writeAll(pipe, m, bye.length);
      Fds.close(pipe);
      pipe = -1;
    }
    if (pidfd.fd() < 0) {
      return; // dismissed already
    }
    long deadline = System.nanoTime() + DISMISS_WAIT_MILLIS * 1_000_000;
    while (reapIfEnded().isEmpty()) {
      if (System.nanoTime() - deadline > 0) {
        pidfd.sendSignal(9);
        Kernel.killAndReapChild(pid);
        break;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pidfd.sendSignal(9);
        Kernel.killAndReapChild(pid);
        break;
      }
    }
    pidfd.close();
  }

  /** Closes the pipe without a word, as the JVM's death does; the guardian then waits for {@code jvm} to go. For tests. */
  void closeWithoutBye() {
    if (pipe >= 0) {
      Fds.close(pipe);
      pipe = -1;
    }
  }
}
