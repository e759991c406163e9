package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Outsider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attaching on the JDK backend, which cannot be told of a foreign process's exit: the supervisor
 * polls pid and start time every {@link AttachSpec#exitPollInterval()} on its own thread (no thread
 * per process). Real processes that are not children of this JVM.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(120)
class AttachJdkBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void exitIsSeenByPollingAndTheReplacementIsPickedUp() throws Exception {
    String token = "jdkattach" + Long.toHexString(System.nanoTime());
    Path program = Outsider.sleepAs(dir, token + "/sleeper");
    EventRecorder events = new EventRecorder();
    try (Supervisor supervisor = Supervisor.builder().name("attach-jdk").backend("jdk").build();
        Outsider first = Outsider.start(program)) {
      assertEquals("jdk", supervisor.backendName());
      supervisor.subscribe(events);
      AttachedProcess p = supervisor.attach(AttachSpec.builder("sleeper").commandLine(token + "/sleeper 1000")
          .exitPollInterval(Duration.ofMillis(50)).rescanInterval(Duration.ofMinutes(10)).build());
      events.awaitAttach("sleeper", AttachState.RUNNING, 1, WAIT);
      assertThat(p.status().pids()).containsExactly(first.pid());
      assertThat(p.sample()).hasValueSatisfying(s -> assertThat(s.memberPids()).containsExactly(first.pid()));

      long killed = System.nanoTime();
      first.kill();
      events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == first.pid(), 1, WAIT);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      assertThat(ms).as("kill to AttachedLost by polling every 50 ms, in ms").isLessThan(WAIT.toMillis());
      events.awaitAttach("sleeper", AttachState.STOPPED, 1, WAIT);
      try (Outsider second = Outsider.start(program)) {
        events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == second.pid(), 1, WAIT);
        events.awaitAttach("sleeper", AttachState.RUNNING, 2, WAIT);
      }
      try {
        p.signal(Signal.SIGTERM);
      } catch (IllegalStateException expected) {
        assertThat(expected).hasMessageContaining("allowSignals");
      }
    }
    assertThat(events.of(SupervisorEvent.Detached.class, "sleeper")).as("close detaches").hasSize(1);
  }

  @Test
  void signalsNeedAPidfdBackend() throws Exception {
    Path program = Outsider.sleepAs(dir, "jdksig" + Long.toHexString(System.nanoTime()));
    try (Supervisor supervisor = Supervisor.builder().name("attach-jdk-sig").backend("jdk").build();
        Outsider o = Outsider.start(program)) {
      AttachedProcess p = supervisor.attach(AttachSpec.builder("s").pid(o.pid()).allowSignals().build());
      assertEquals(AttachState.RUNNING, p.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS).state());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.signal(Signal.SIGTERM))
          .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("backend jdk");
      assertThat(ProcessHandle.of(o.pid()).map(ProcessHandle::isAlive)).hasValue(true);
    }
  }
}
