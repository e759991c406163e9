package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell wrapper in front of the program, spawned as the backend spawns it (its start's pipe as descriptor 3): it
 * runs the program only while the JVM still holds the other end of that pipe, checked after its cgroup joins (the
 * death-signal race, and the guardian's), refuses to run it outside its cgroup, gives it back the {@code LC_ALL}
 * setpriv ran without, and leaves the rest of its environment alone.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class WrapperScriptTest {
  private static final int SIGPIPE = 13;

  @Test
  void runsTheProgramWhileTheJvmHoldsTheStartsPipe() throws Exception {
    Result r = run(true, List.of("jvm=3"), "/bin/echo", "hello", "two words");
    assertEquals(new WaitStatus(r.status.pid(), 1, 0), r.status);
    assertEquals("hello two words\n", r.out);
    assertEquals("\n", r.startPipe, "the check's newline, then end of file at the exec");
  }

  @Test
  void refusesWhenTheJvmHasClosedTheStartsPipe() throws Exception {
    // as if the JVM had died before setpriv set the death signal: a dying process closes its descriptors first
    Result r = run(false, List.of("jvm=3"), "/bin/echo", "must not run");
    assertThat(r.status.signaled()).as("%s", r.status).isTrue();
    assertEquals(SIGPIPE, r.status.status());
    assertThat(r.out).doesNotContain("must not run");
  }

  @Test
  void withoutADeathSignalThereIsNothingToCheck() throws Exception {
    Result r = run(true, List.of(), "/bin/echo", "ok");
    assertEquals("ok\n", r.out);
    assertEquals("", r.startPipe, "no check, nothing written before the exec");
  }

  @Test
  void refusesToRunOutsideItsCgroup(@TempDir Path notACgroup) throws Exception {
    Result r = run(true, List.of(notACgroup.resolve("missing").toString(), "jvm=3"), "/bin/echo", "must not run");
    assertEquals(new WaitStatus(r.status.pid(), 1, 125), r.status);
    assertThat(r.out).doesNotContain("must not run").contains("vigil: cannot join cgroup");
    assertEquals("", r.startPipe, "the check comes after the joins");
  }

  /** setpriv runs with {@code LC_ALL=C}; the wrapper gives the program the {@code LC_ALL} it was asked for, or none. */
  @Test
  void givesTheProgramItsOwnLcAll() throws Exception {
    assertThat(run(true, List.of("lc_all=de_DE.UTF-8 $x"), "/usr/bin/env").out.lines())
        .contains("LC_ALL=de_DE.UTF-8 $x", "LANG=C.UTF-8").doesNotContain("LC_ALL=C");
    assertThat(run(true, List.of("lc_all="), "/usr/bin/env").out.lines()).contains("LC_ALL=").doesNotContain("LC_ALL=C");
    assertThat(run(true, List.of("lc_all-"), "/usr/bin/env").out.lines()).contains("LANG=C.UTF-8")
        .noneMatch(line -> line.startsWith("LC_ALL="));
    assertThat(run(true, List.of(), "/usr/bin/env").out.lines()).as("without the word, as it came").contains("LC_ALL=C");
  }

  /**
   * The JVM is checked after the cgroup joins: the {@link Guardian} kills what is in the cgroups once the JVM has left
   * its children, so a wrapper whose JVM died while it joined must not start the program. Two FIFOs stand in for the
   * {@code cgroup.procs} files, so the joins block; the JVM's end of the start's pipe is closed between them.
   */
  @Test
  void checksTheJvmAfterTheJoins(@TempDir Path dir) throws Exception {
    Result r = runBetweenJoins(dir, true);
    assertEquals(new WaitStatus(r.status.pid(), 1, 0), r.status);
    assertEquals("ran\n", r.out);
    Result gone = runBetweenJoins(dir.resolve("again"), false);
    assertThat(gone.status.signaled()).as("%s", gone.status).isTrue();
    assertEquals(SIGPIPE, gone.status.status());
    assertThat(gone.out).doesNotContain("ran");
  }

  private static Result runBetweenJoins(Path dir, boolean jvmLives) throws Exception {
    Files.createDirectories(dir);
    Path first = fifoCgroup(dir.resolve("first"));
    Path second = fifoCgroup(dir.resolve("second"));
    try (Spawned w = Spawned.of(List.of(first.toString(), second.toString(), "jvm=3"), System.getenv(), "/bin/echo", "ran")) {
      assertThat(drain(first)).isEqualTo("0\n"); // the wrapper has joined the first; it waits in its second join
      if (!jvmLives) {
        w.closeJvmEnd();
      }
      assertThat(drain(second)).isEqualTo("0\n");
      return w.await();
    }
  }

  /** A directory whose {@code cgroup.procs} is a FIFO: a join's write blocks until {@link #drain} reads it. */
  private static Path fifoCgroup(Path dir) throws Exception {
    Files.createDirectory(dir);
    assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("cgroup.procs").toString()).start().waitFor());
    return dir;
  }

  private static String drain(Path cgroup) throws java.io.IOException {
    try (java.io.InputStream in = Files.newInputStream(cgroup.resolve("cgroup.procs"))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The wrapper sets no shell variable of its own, so a program's {@code d}, {@code s} or {@code jvm} reach it as they were. */
  @Test
  void leavesTheProgramsEnvironmentAsItWas() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("d", "one");
    env.put("s", "two");
    env.put("jvm", "three");
    Result r;
    try (Spawned w = Spawned.of(List.of("nofile=512", "jvm=3"), env, "/usr/bin/env")) {
      r = w.await();
    }
    assertEquals(new WaitStatus(r.status.pid(), 1, 0), r.status, r.out);
    assertThat(r.out.lines()).contains("d=one", "s=two", "jvm=three");
  }

  private record Result(WaitStatus status, String out, String startPipe) {}

  private static Result run(boolean jvmHoldsItsEnd, List<String> words, String... command) throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("LC_ALL", "C"); // as the backend starts setpriv and the wrapper
    env.put("LANG", "C.UTF-8");
    // closed before the spawn, not after it: the check may run before spawn() returns (it did on JDK 25 in CI)
    try (Spawned w = new Spawned(words, env, jvmHoldsItsEnd, command)) {
      return w.await();
    }
  }

  /**
   * The wrapper spawned as the backend spawns it, through {@link Spawner}: output and error into one pipe, the start's
   * pipe as descriptor 3, this JVM holding its read end. Closed, it kills a wrapper a failed assertion left blocked.
   */
  private static final class Spawned implements AutoCloseable {
    private final int[] out = Fds.pipe();
    private final int[] start = Fds.pipe();
    private final Pidfd pidfd;
    private boolean reaped;

    private Spawned(List<String> words, Map<String, String> env, boolean jvmHoldsItsEnd, String... command) {
      List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", LinuxProcessBackend.WRAPPER_SCRIPT, "vigil-run"));
      argv.addAll(words);
      argv.add("--");
      argv.addAll(List.of(command));
      List<String> envp = new ArrayList<>();
      env.forEach((k, v) -> envp.add(k + "=" + v));
      if (!jvmHoldsItsEnd) {
        closeJvmEnd();
      }
      int pid = Spawner.spawn("/bin/sh", argv, envp, null, out[1], out[1], start[1]);
      pidfd = Pidfd.open(pid).orElseThrow();
      out[1] = close(out[1]);
      start[1] = close(start[1]);
    }

    static Spawned of(List<String> words, Map<String, String> env, String... command) {
      return new Spawned(words, env, true, command);
    }

    void closeJvmEnd() {
      start[0] = close(start[0]);
    }

    Result await() {
      Poller poller = new Poller();
      poller.add(pidfd.fd(), Poller.IN);
      assertThat(poller.poll(20_000)).as("the wrapper ended within 20 s").isEqualTo(1);
      WaitStatus status = pidfd.reap().orElseThrow();
      reaped = true;
      return new Result(status, PipeText.readToEnd(out[0]), start[0] < 0 ? "" : PipeText.readToEnd(start[0]));
    }

    private static int close(int fd) {
      if (fd >= 0) {
        Fds.close(fd);
      }
      return -1;
    }

    @Override
    public void close() {
      if (!reaped) {
        pidfd.sendSignal(9);
        Poller poller = new Poller();
        poller.add(pidfd.fd(), Poller.IN);
        poller.poll(5_000);
        pidfd.reap();
      }
      pidfd.close();
      for (int i = 0; i < 2; i++) {
        out[i] = close(out[i]);
        start[i] = close(start[i]);
      }
    }
  }
}
