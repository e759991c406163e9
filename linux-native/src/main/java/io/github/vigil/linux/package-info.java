/**
 * The Linux process backend: exact, race-free process control for Vigil on Linux through JNA.
 * Put {@code vigil-linux-native} on the class path and {@link io.github.vigil.Supervisor#builder()}
 * picks it (provider {@code "linux"}, priority 10); {@code Supervisor.builder().backend("linux")}
 * insists on it. At start it logs one INFO line saying what it found: kernel, pidfd support, the
 * death-signal mechanism, whether the JVM is a child subreaper, and the cgroup layout; where a
 * mechanism is missing it says so and uses the next one.
 *
 * <h2>What it guarantees</h2>
 * <ul>
 *   <li><b>Own spawn, own reaping.</b> Each run is started with {@code posix_spawn} in a new session
 *     (its process group and session id are its pid), standard input from {@code /dev/null}, output
 *     and error into pipes, all other descriptors closed, signal dispositions and mask reset. The
 *     backend reaps only its own children, through their pidfds ({@code waitid(P_PIDFD)}), never
 *     with {@code waitpid(-1)} and without a {@code SIGCHLD} handler: a {@code ProcessBuilder} child
 *     of the host application keeps its exit status. It reports the exact termination: exit code, or
 *     the signal with its name and whether a core was dumped.</li>
 *   <li><b>One thread.</b> One event-loop thread, {@code vigil-<supervisor>-linux}, spawns every run,
 *     polls every run's pidfd and both output pipes (non-blocking), and delivers output and exits;
 *     the number of threads does not grow with the number of processes. A run's exit is reported
 *     after the output it wrote before exiting. Finished runs' cgroups are removed, and the sampler's
 *     files of ended processes closed, on a second thread, {@code vigil-<supervisor>-cleanup}, made on
 *     first use and gone after 10 s without work: an {@code rmdir} there can take milliseconds, which
 *     the loop would otherwise add to the next exit.</li>
 *   <li><b>Signals never misfire.</b> A signal to the process goes through its pidfd, so after the
 *     run has been reaped it reaches nobody, even if the pid is reused. A stop of the tree goes to the
 *     process group (only while the leader is unreaped, so the group id cannot have been reused),
 *     and to the run's cgroup ({@code cgroup.kill} for SIGKILL in cgroup v2), which also holds
 *     descendants that left the group with {@code setsid}. After the leader has exited, the rest of
 *     its tree stays reachable through the cgroup or, without one, through its session and group,
 *     each member signalled through a pidfd opened and checked first. A stop's (catchable) signal is
 *     remembered with who got it: after the leader's exit, each look at the tree sends it to a member
 *     forked after it (a trap's {@code sleep &}), and again to one that got it before its exec.</li>
 *   <li><b>Children and their descendants die with the JVM.</b> Where runs have cgroups, the backend starts one
 *     guardian ({@code vigil-guardian}), a shell in a session of its own and outside the runs' cgroups, waiting on a
 *     pipe only the JVM holds open. However the JVM dies, by {@code SIGKILL} too, the pipe reads end of file; the
 *     guardian waits until the JVM has left its children, kills everything in the backend's cgroups and removes them.
 *     A close tells it to go first; killed while the JVM lives, it is started again. Every run is started as
 *     {@code /bin/sh -c <wrapper> ... <program>}: the wrapper joins the run's cgroups, checks that its parent is still
 *     this JVM (read then: one whose JVM died meanwhile never starts its program, and one that found it is in the
 *     cgroups the guardian sweeps) and executes the program, all under the same pid, closing a pipe as it does so: a
 *     start returns once the program itself runs, in its cgroups and under its limits (as
 *     {@code ProcessBuilder.start()} returns after the exec), so a signal sent right after it reaches the program.
 *     Without cgroups (or with {@code -Dvigil.linux.guardian=false}) every run is started behind
 *     {@code setpriv --pdeathsig KILL --} (util-linux), which sets {@code PR_SET_PDEATHSIG}; the wrapper's parent
 *     check closes the race of a JVM that died before the signal was set. The death signal follows the thread that
 *     spawned the child, so all runs are spawned by the long-lived event-loop thread: when the JVM dies every direct
 *     child is killed by the kernel. Grandchildren do not inherit the death signal. While the JVM lives, stops reach
 *     descendants through the group and the cgroup, and the JVM is a child subreaper ({@code PR_SET_CHILD_SUBREAPER})
 *     so orphans stay its children and are reaped by pid: at once those of the backend's own sessions and cgroups,
 *     and those of a session that is neither the JVM's nor their own (no child the JVM made is; exec health checks
 *     run under {@code setsid}); any other once it has stayed a zombie for a second. After a crash, the next
 *     supervisor started with the same state directory kills what is left <i>before it starts anything</i>: every
 *     process in the earlier backend's cgroups, the sessions of the runs in its state file (checked by start time),
 *     and every process whose environment carries the marker {@code VIGIL_SUPERVISOR_ID=<id>} (the id derives from
 *     the state directory). Limits: without a state directory there is no cleanup across restarts; a grandchild that
 *     escapes its cgroup (needs privileges), clears its environment and leaves the session is not found; without a
 *     guardian and without {@code setpriv} children outlive a crashed JVM until the next start.</li>
 *   <li><b>Exit causes.</b> A death by SIGKILL is checked against the run's memory cgroup
 *     ({@code memory.oom_control}'s {@code oom_kill} on v1, {@code memory.events} on v2: a count of 0
 *     settles it, as the kernel counts every OOM kill there before the signal) and then the kernel log ({@code /dev/kmsg}: "Killed process PID"), and reported as an OOM
 *     kill with the resident memory at the kill where known.</li>
 *   <li><b>Resource limits.</b> Memory and process-count limits per process, asked for with the
 *     {@link io.github.vigil.linux.LinuxLimits} labels and enforced by a cgroup per run.</li>
 * </ul>
 *
 * <p>The JNA bindings to the C library are kept in one place here, package-private: the {@code LinuxLibC}
 * interface (and {@code DirectLibC}, direct-mapped, for the calls on the path from a death to its
 * event) and small facades ({@code Pidfd}, {@code Spawner}, {@code Epoll} (the event loop's), {@code Poller}, {@code Fds}, {@code Kernel},
 * {@code UnixDatagram}) that never hand out a {@code Pointer} and turn errno into a {@code NativeCallException}
 * naming the call. Linux constants only; x86-64 and aarch64. A backend author uses the SPI
 * ({@code io.github.vigil.spi}), not these.
 *
 * <p>Every run's environment gets {@code VIGIL_SUPERVISOR_ID} and {@code VIGIL_PROCESS_NAME}. On JDK
 * 24 and later, run with {@code --enable-native-access=ALL-UNNAMED} to silence JNA's native-access
 * warning.
 */
@NullMarked
package io.github.vigil.linux;

import org.jspecify.annotations.NullMarked;
