package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.diagnosis.Diagnosis;
import io.github.vigil.diagnosis.DiagnosisSpec;
import io.github.vigil.diagnosis.Finding;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.ProcessSampler;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
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

  /**
   * A crash loop whose runs each outlive their startup grace (up 2 s of a 1 s grace, then "bind: Address already in
   * use") reaches FAILED at its start limit: none of its runs died early, so none was diagnosed, and FAILED came with no
   * {@code Diagnosed} (found by a black-box run). It is diagnosed once per FAILED, about the last run, after the
   * {@code Failed}; started again and failing again, once more.
   */
  @Test
  void aSlowCrashLoopIsDiagnosedOncePerFailed() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("quotes").command("quotes").startupGrace(Duration.ofSeconds(1))
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1))).withStartLimit(2, Duration.ofHours(1)))
          .build());
      for (int cycle = 1; cycle <= 2; cycle++) {
        p.start();
        kit.awaitIdle();
        for (int i = 0; i < 3; i++) { // the first run and two restarts: the start limit of 2 gives up after the third
          kit.advance(Duration.ofSeconds(2)); // up past its grace: RUNNING
          FakeProcess run = kit.backend().current("quotes").orElseThrow();
          run.print(io.github.vigil.StdStream.STDERR, "bind: Address already in use");
          run.exit(1);
          kit.awaitIdle();
          kit.advance(Duration.ofSeconds(1)); // the backoff
          kit.awaitIdle();
        }
        kit.events().awaitState("quotes", ProcessState.FAILED, cycle, Duration.ofSeconds(20));
        int lastRun = 3 * cycle;
        Diagnosis d = kit.events().await(SupervisorEvent.Diagnosed.class, e -> e.process().equals("quotes") && e.run() == lastRun, 1,
            Duration.ofSeconds(20)).get(0).diagnosis();
        assertThat(d.trigger()).as(d.render()).isEqualTo(Diagnosis.Trigger.GAVE_UP);
        assertThat(d.cause().orElseThrow().summary()).as(d.render()).contains("bind: Address already in use");
        java.util.List<SupervisorEvent> seen = kit.events().events("quotes");
        assertThat(seen.stream().filter(e -> e instanceof SupervisorEvent.Failed).count()).isEqualTo(cycle);
        assertThat(seen.indexOf(kit.events().of(SupervisorEvent.Failed.class, "quotes").get(cycle - 1)))
            .as("the Failed comes before the diagnosis of the run it gave up after").isLessThan(seen.indexOf(
                kit.events().of(SupervisorEvent.Diagnosed.class, "quotes").stream().filter(e -> e.run() == lastRun).findFirst().orElseThrow()));
        assertThat(kit.events().of(SupervisorEvent.Diagnosed.class, "quotes")).as("one per FAILED").extracting(SupervisorEvent.Diagnosed::run)
            .containsExactlyElementsOf(cycle == 1 ? java.util.List.of(3) : java.util.List.of(3, 6));
      }
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

  @Test
  void aSamplerThatFailsStillLetsAnOnDemandDiagnosisComplete() throws Exception {
    FakeBackend fake = new FakeBackend();
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    ProcessSampler failing = new ProcessSampler() {
      @Override
      public java.util.Set<ProcessSample.Field> supportedFields() {
        return java.util.EnumSet.of(ProcessSample.Field.ZOMBIE_CHILDREN);
      }

      @Override
      public ProcessSample sample(long pid, java.util.Set<ProcessSample.Field> fields, ProcessSample previous) {
        asked.incrementAndGet();
        throw new IllegalStateException("sampler broken");
      }

      @Override
      public ProcessSample sampleTree(long pid, java.util.Set<ProcessSample.Field> fields, ProcessSample previous) {
        asked.incrementAndGet();
        throw new IllegalStateException("sampler broken");
      }

      @Override
      public ProcessSample sampleGroup(long[] pids, java.util.Set<ProcessSample.Field> fields, ProcessSample previous) {
        asked.incrementAndGet();
        throw new IllegalStateException("sampler broken");
      }
    };
    ProcessBackend withFailingSampler = new ProcessBackend() { // the fake, with a sampler that throws
      @Override
      public String name() {
        return fake.name();
      }

      @Override
      public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
        return fake.spawn(request, listener);
      }

      @Override
      public boolean hostStartChecks() {
        return fake.hostStartChecks();
      }

      @Override
      public java.util.Optional<ProcessSampler> sampler() {
        return java.util.Optional.of(failing);
      }

      @Override
      public void close() {
        fake.close();
      }
    };
    try (SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(withFailingSampler))) {
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO).build());
      p.start();
      kit.awaitIdle();
      Diagnosis d = p.diagnose().get(20, TimeUnit.SECONDS); // never completed before: the sampler's exception was lost
      assertThat(asked).as("the zombie look was tried").hasPositiveValue();
      assertThat(d.trigger()).isEqualTo(Diagnosis.Trigger.ON_DEMAND);
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.Diagnosed.class)).singleElement().matches(e -> e.diagnosis().equals(d));
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
