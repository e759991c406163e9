package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.AttachSpec;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.UpdateMode;
import io.github.vigil.linux.LinuxBackendProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code update(spec, RESTART_NOW)} and attach/detach as audited commands, with real processes on both real backends. */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class UpdateRealBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = "vigil-upd-" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "linux"})
  void restartNowRunsTheNewCommandAndKeepsTheHistory(String backend) throws Exception {
    if (backend.equals("linux")) {
      assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available here");
    }
    EventRecorder rec = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name("upd-" + backend).backend(backend).closeTimeout(Duration.ofSeconds(20)).build()) {
      sup.subscribe(rec);
      ProcessController c = sup.register(ProcessSpec.builder("svc").command("sh", "-c", "exec sleep 300", marker + "-v1")
          .startupGrace(Duration.ZERO).build());
      long firstPid = c.start(WAIT).pid();
      ProcessStatus s = c.update(c.spec().toBuilder().command("sh", "-c", "sleep 300", marker + "-v2").build(), UpdateMode.RESTART_NOW, "v2")
          .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(s.state()).isEqualTo(ProcessState.RUNNING);
      assertThat(s.pid()).isNotEqualTo(firstPid);
      assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).as("the old run is gone").isFalse();
      Path cmdline = Path.of("/proc", Long.toString(s.pid()), "cmdline"); // empty until the new run's exec is done
      assertThat(io.github.vigil.testing.Processes.eventually(WAIT, () -> {
        try {
          return Files.readString(cmdline, StandardCharsets.UTF_8).contains(marker + "-v2");
        } catch (java.io.IOException e) {
          return false;
        }
      })).as("the new run's command line names v2").isTrue();
      assertThat(c.history()).hasSize(2);
      assertThat(c.history().get(0).pid()).isEqualTo(firstPid);
      assertThat(c.statistics().starts()).isEqualTo(2);
      SupervisorEvent.SpecUpdated e = rec.await(SupervisorEvent.SpecUpdated.class, x -> true, 1, WAIT).get(0);
      assertThat(e.actor()).isEqualTo(Thread.currentThread().getName());
      assertThat(e.origin()).isEqualTo(Origin.API);

      // attaching and detaching are audited like the other commands (the attachment matches nothing and signals nothing)
      sup.attach(AttachSpec.builder("me").processName("vigil-matches-nothing").build(), "watch the test JVM");
      assertThat(sup.detach("me", "done watching")).isTrue();
      SupervisorEvent.Attached at = rec.await(SupervisorEvent.Attached.class, x -> true, 1, WAIT).get(0);
      SupervisorEvent.Detached de = rec.await(SupervisorEvent.Detached.class, x -> true, 1, WAIT).get(0);
      assertThat(at.origin()).isEqualTo(Origin.API);
      assertThat(at.actor()).isEqualTo(Thread.currentThread().getName());
      assertThat(at.reason()).isEqualTo("watch the test JVM");
      assertThat(de.origin()).isEqualTo(Origin.API);
      assertThat(de.reason()).isEqualTo("done watching");
    }
  }
}
