package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.diagnosis.Diagnosis;
import io.github.vigil.diagnosis.DiagnosisSpec;
import io.github.vigil.diagnosis.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the fake backend and the virtual clock: a declared configuration check that hangs (a real
 * {@code sleep}) never holds up the engine (failed starts, backoffs on virtual time, the give-up,
 * {@code awaitIdle} all go on while the check hangs), and a backend that spawns elsewhere gets no checks
 * of this machine's files.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(60)
class DiagnosisOnFakeBackendTest {

  @Test
  void aHangingCheckNeverHoldsUpTheEngine(@TempDir Path dir) throws Exception {
    Path started = dir.resolve("check-started");
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("feed").command("feed")
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5))).withStartLimit(2, Duration.ofHours(1)))
          .diagnosis(DiagnosisSpec.builder().configCheck(Duration.ofMinutes(5), "/bin/sh", "-c", "echo $$ > " + started + "; exec sleep 600")
              .build()).build());
      for (int i = 0; i < 3; i++) {
        kit.backend().failNextSpawn("feed", "no such image: feed:1.2");
      }
      p.start();
      kit.awaitIdle();
      awaitFile(started); // the first failure's diagnosis is now in its hanging check
      kit.advance(Duration.ofSeconds(5));
      kit.advance(Duration.ofSeconds(5));
      kit.events().awaitState("feed", ProcessState.FAILED, 1, Duration.ofSeconds(20));
      assertThat(kit.backend().spawnAttempts("feed")).isEqualTo(3);
      assertThat(kit.events().of(SupervisorEvent.Diagnosed.class)).as("still in the check").isEmpty();
      // a second process goes through its whole life meanwhile
      ProcessController other = kit.supervisor().register(ProcessSpec.builder("other").command("other").startupGrace(Duration.ZERO).build());
      CompletableFuture<io.github.vigil.ProcessStatus> up = other.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(up).isCompletedWithValueMatching(s -> s.state() == ProcessState.RUNNING);
      long check = Long.parseLong(Files.readString(started, StandardCharsets.UTF_8).trim());
      kit.close();
      // closing killed the hanging check
      assertThat(ProcessHandle.of(check).map(h -> h.onExit().orTimeout(15, TimeUnit.SECONDS).join()).map(h -> h.isAlive()).orElse(false))
          .isFalse();
    }
  }

  @Test
  void aBackendThatSpawnsElsewhereGetsNoChecksOfThisMachine() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("remote").command("/opt/not/here").restartPolicy(RestartPolicy.never())
          .workingDirectory(Path.of("/nonexistent/dir")).build());
      kit.backend().failNextSpawn("remote", "image pull failed");
      p.start();
      kit.awaitIdle();
      Diagnosis d = kit.events().await(SupervisorEvent.Diagnosed.class, e -> e.process().equals("remote"), 1, Duration.ofSeconds(20))
          .get(0).diagnosis();
      assertThat(d.findings()).noneMatch(f -> f.check() == Finding.Check.WORKING_DIRECTORY || f.check() == Finding.Check.DISK);
      assertThat(d.findings()).filteredOn(f -> f.check() == Finding.Check.PROGRAM).singleElement()
          .matches(f -> f.status() == Finding.Status.UNKNOWN && f.summary().contains("starts runs elsewhere"));
      assertThat(d.cause().orElseThrow().summary()).contains("image pull failed");
      assertThat(d.trigger()).isEqualTo(Diagnosis.Trigger.START_FAILED);
    }
  }

  private static void awaitFile(Path f) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(f) || Files.size(f) == 0) {
      assertThat(System.nanoTime()).as(f + " written within 20 s").isLessThan(deadline);
      Thread.sleep(10); // polling the file the real check writes
    }
  }
}
