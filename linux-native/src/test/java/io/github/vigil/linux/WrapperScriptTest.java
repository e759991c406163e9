package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell wrapper in front of the program: it runs the program only while its parent is still the JVM that spawned
 * it, checked after its cgroup joins (the death-signal race, and the guardian's), refuses to run it outside its
 * cgroup, gives it back the {@code LC_ALL} setpriv ran without, and leaves the rest of its environment alone.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class WrapperScriptTest {

  @Test
  void runsTheProgramWhenTheParentIsTheJvm() throws Exception {
    Result r = run(Long.toString(ProcessHandle.current().pid()), List.of(), "/bin/echo", "hello", "two words");
    assertEquals(0, r.code);
    assertEquals("hello two words\n", r.out);
  }

  @Test
  void refusesWhenTheParentIsNoLongerTheJvm() throws Exception {
    // as if the JVM had died before setpriv set the death signal: the parent is someone else now
    Result r = run("1", List.of(), "/bin/echo", "must not run");
    assertEquals(125, r.code);
    assertThat(r.out).doesNotContain("must not run").contains("vigil: the supervising JVM (pid 1) is gone; not starting");
  }

  @Test
  void withoutADeathSignalThereIsNothingToCheck() throws Exception {
    assertEquals("ok\n", run("-", List.of(), "/bin/echo", "ok").out);
  }

  @Test
  void refusesToRunOutsideItsCgroup(@TempDir Path notACgroup) throws Exception {
    Result r = run("-", List.of(notACgroup.resolve("missing").toString()), "/bin/echo", "must not run");
    assertEquals(125, r.code);
    assertThat(r.out).doesNotContain("must not run").contains("vigil: cannot join cgroup");
  }

  /** setpriv runs with {@code LC_ALL=C}; the wrapper gives the program the {@code LC_ALL} it was asked for, or none. */
  @Test
  void givesTheProgramItsOwnLcAll() throws Exception {
    assertThat(run("-", List.of("lc_all=de_DE.UTF-8 $x"), "/usr/bin/env").out.lines())
        .contains("LC_ALL=de_DE.UTF-8 $x", "LANG=C.UTF-8").doesNotContain("LC_ALL=C");
    assertThat(run("-", List.of("lc_all="), "/usr/bin/env").out.lines()).contains("LC_ALL=").doesNotContain("LC_ALL=C");
    assertThat(run("-", List.of("lc_all-"), "/usr/bin/env").out.lines()).contains("LANG=C.UTF-8")
        .noneMatch(line -> line.startsWith("LC_ALL="));
    assertThat(run("-", List.of(), "/usr/bin/env").out.lines()).as("without the word, as it came").contains("LC_ALL=C");
  }

  /**
   * The parent is checked after the cgroup joins, and read then: the {@link Guardian} kills what is in the cgroups once
   * the JVM has left its children, so a wrapper whose JVM died while it joined must not start the program. Two FIFOs
   * stand in for the {@code cgroup.procs} files, so the joins block: the wrapper's parent, a shell, exits between them.
   * The wrapper's {@code $PPID}, read at its start, still names it.
   */
  @Test
  void readsTheParentAfterTheJoins(@TempDir Path dir) throws Exception {
    Path first = fifoCgroup(dir.resolve("first"));
    Path second = fifoCgroup(dir.resolve("second"));
    Path log = dir.resolve("out");
    Path pid = dir.resolve("wrapper.pid");
    // the outer shell starts the wrapper in the background with itself as the JVM, then waits for its input to end
    Process outer = new ProcessBuilder("/bin/sh", "-c",
        "/bin/sh -c \"$1\" vigil-run \"$2\" \"$3\" parent=$$ -- /bin/echo must-not-run & echo $! > \"$4\"; read x; exit 0",
        "outer", LinuxProcessBackend.WRAPPER_SCRIPT, first.toString(), second.toString(), pid.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(drain(first)).isEqualTo("0\n"); // the wrapper has started (its $PPID the outer shell) and joined the first
      outer.getOutputStream().close();
      assertEquals(0, outer.waitFor()); // the parent is gone; the wrapper waits in its second join
      assertThat(drain(second)).isEqualTo("0\n");
      assertThat(io.github.vigil.testing.Processes.eventually(java.time.Duration.ofSeconds(10),
          () -> read(log).contains("must-not-run") || read(log).contains("not starting"))).isTrue();
      assertThat(read(log)).doesNotContain("must-not-run").contains("is gone; not starting");
    } finally {
      outer.destroyForcibly();
      // a wrapper a failed assertion left blocked in a join (a FIFO no one reads) is killed, not left behind
      String wrapper = read(pid).strip();
      if (!wrapper.isEmpty()) {
        ProcessHandle.of(Long.parseLong(wrapper)).filter(h -> h.info().commandLine().orElse("").contains("vigil-run"))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
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
  void leavesTheProgramsEnvironmentAsItWas(@TempDir Path dir) throws Exception {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", LinuxProcessBackend.WRAPPER_SCRIPT, "vigil-run", "nofile=512",
        "parent=" + ProcessHandle.current().pid(), "--", "/usr/bin/env"));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().put("d", "one");
    pb.environment().put("s", "two");
    pb.environment().put("jvm", "three");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertEquals(0, p.exitValue(), out);
    assertThat(out.lines()).contains("d=one", "s=two", "jvm=three");
  }

  private record Result(int code, String out) {}

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static Result run(String parent, List<String> cgroups, String... command) throws Exception {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", LinuxProcessBackend.WRAPPER_SCRIPT, "vigil-run"));
    argv.addAll(cgroups);
    if (!parent.equals("-")) {
      argv.add("parent=" + parent); // after the joins, as the backend gives it
    }
    argv.add("--");
    argv.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C"); // as the backend starts setpriv and the wrapper
    pb.environment().put("LANG", "C.UTF-8");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
