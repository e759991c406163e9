package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
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
 * The shell wrapper between {@code setpriv} and the program: it runs the program only while its parent
 * is the JVM that spawned it (the death-signal race), refuses to run it outside its cgroup, and gives it back the
 * {@code LC_ALL} setpriv ran without.
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

  private record Result(int code, String out) {}

  private static Result run(String parent, List<String> cgroups, String... command) throws Exception {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", LinuxProcessBackend.WRAPPER_SCRIPT, "vigil-run", parent));
    argv.addAll(cgroups);
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
