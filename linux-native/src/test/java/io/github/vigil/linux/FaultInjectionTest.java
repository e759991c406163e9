package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real processes end in every way the issue lists; the Linux backend must classify each exactly. */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class FaultInjectionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Supervisor supervisor;
  private static EventRecorder events;

  @BeforeAll
  static void start() {
    supervisor = Supervisor.builder().name("faults").backend("linux").build();
    events = new EventRecorder();
    supervisor.subscribe(events);
  }

  @AfterAll
  static void stop() {
    supervisor.close();
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("exit-0", "exit 0", new Termination.Exited(0), ExitCause.NORMAL),
        Arguments.of("exit-3", "exit 3", new Termination.Exited(3), ExitCause.ERROR_EXIT),
        Arguments.of("sigterm", "kill -TERM $$; sleep 10", Termination.Signaled.of(15, false), ExitCause.SIGNALED),
        // the soft core limit is 0 here: SIGABRT kills without a core
        Arguments.of("sigabrt", "ulimit -S -c 0; kill -ABRT $$; sleep 10", Termination.Signaled.of(6, false), ExitCause.SIGNALED),
        Arguments.of("sigkill", "kill -KILL $$; sleep 10", Termination.Signaled.of(9, false), ExitCause.SIGNALED),
        // exit(137) is not SIGKILL: the JDK backend cannot tell them apart, this one must
        Arguments.of("exit-137", "exit 137", new Termination.Exited(137), ExitCause.ERROR_EXIT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void classifiesEachEnding(String name, String script, Termination expected, ExitCause cause) throws Exception {
    ExitInfo exit = runToEnd(name, script, null);
    assertEquals(expected, exit.termination(), name);
    assertEquals(cause, exit.cause(), name);
    assertThat(exit.memoryAtDeath()).as(name).isEmpty();
    if (expected instanceof Termination.Signaled s) {
      assertThat(exit.termination().toString()).contains(s.name()).doesNotContain("inferred");
    }
  }

  @Test
  void sigsegvWithCoreDumpsAllowedIsReportedAsCoreDumped(@TempDir Path cwd) throws Exception {
    String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).trim();
    assumeTrue(!pattern.startsWith("|"), "core_pattern pipes cores to a program (" + pattern + "); this test expects a core file");
    // raise the soft core limit in the child only; core_pattern 'core' writes the file into the child's working directory
    ExitInfo exit = runToEnd("sigsegv", "ulimit -S -c unlimited; kill -SEGV $$; sleep 10", cwd);
    assertEquals(Termination.Signaled.of(11, true), exit.termination());
    assertEquals(ExitCause.SIGNALED, exit.cause());
    assertThat(exit.coreDumped()).isTrue();
    assertThat(exit.termination().toString()).contains("SIGSEGV (core dumped)");
    if (pattern.equals("core")) {
      assertThat(cwd.resolve("core")).exists();
    }
  }

  @Test
  void sigsegvWithoutCoreLimitIsNotCoreDumped(@TempDir Path cwd) throws Exception {
    ExitInfo exit = runToEnd("sigsegv-nocore", "ulimit -S -c 0; kill -SEGV $$; sleep 10", cwd);
    assertEquals(Termination.Signaled.of(11, false), exit.termination());
  }

  private static ExitInfo runToEnd(String name, String script, Path cwd) throws Exception {
    ProcessSpec.Builder b = ProcessSpec.builder(name).command("/bin/sh", "-c", script).restartPolicy(RestartPolicy.never())
        .startupGrace(Duration.ZERO);
    if (cwd != null) {
      b.workingDirectory(cwd);
    }
    var controller = supervisor.register(b.build());
    controller.start();
    ExitInfo exit = events.await(SupervisorEvent.Exited.class, e -> e.process().equals(name), 1, WAIT).get(0).exit();
    supervisor.remove(name).toCompletableFuture().get();
    return exit;
  }
}
