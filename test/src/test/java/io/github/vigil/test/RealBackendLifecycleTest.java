package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Backoff;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.linux.LinuxBackendProvider;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** "What was seen" 3 and 6 on both real backends, with real processes and real time. */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class RealBackendLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = "vigil-lc-" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);

  private static Supervisor supervisor(String backend) {
    if (backend.equals("linux")) {
      assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available here");
    }
    return Supervisor.builder().name("lc-" + backend).backend(backend).closeTimeout(Duration.ofSeconds(20)).build();
  }

  /**
   * Seen 3: close() while the feed crash-loops and its dependent takes 1.5 s to stop: before, the feed
   * was spawned again during the close and SIGTERMed 0.45 s later.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "linux"})
  void closeSpawnsNothingWhileDependentsStop(String backend) throws Exception {
    EventRecorder rec = new EventRecorder();
    Supervisor sup = supervisor(backend);
    try {
      sup.subscribe(rec);
      sup.register(ProcessSpec.builder("feed").command("sh", "-c", "sleep 0.2; exit 1", marker).startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofMillis(100))).withStartLimit(1000, Duration.ofHours(1)))
          .build());
      sup.register(ProcessSpec.builder("gateway").command("sh", "-c", "trap '' TERM; sleep 60 & wait; sleep 60", marker)
          .startupGrace(Duration.ZERO).stopTimeout(Duration.ofMillis(1500)).dependsOn("feed").build());
      sup.startAll().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      rec.await(SupervisorEvent.Started.class, e -> e.process().equals("feed"), 3, WAIT); // crash-looping
    } finally {
      sup.close();
    }
    List<SupervisorEvent> events = rec.events();
    int closing = -1;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof SupervisorEvent.CommandIssued c && c.origin() == Origin.SHUTDOWN) {
        closing = i;
        break;
      }
    }
    assertThat(closing).as("a shutdown command was issued").isNotNegative();
    assertThat(events.subList(closing, events.size())).as("events after close began")
        .noneMatch(e -> e instanceof SupervisorEvent.Started);
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty())).isTrue();
  }

  /** Seen 6: start() racing remove() never leaves a process alive once both have completed (JDK backend: it did). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "linux"})
  void startRacingRemoveLeavesNoProcess(String backend) throws Exception {
    try (Supervisor sup = supervisor(backend)) {
      for (int i = 0; i < 30; i++) {
        String name = "p" + i;
        String mark = marker + "-" + i + "-";
        ProcessController p = sup.register(ProcessSpec.builder(name).command("sh", "-c", "sleep 60; true", mark).startupGrace(Duration.ZERO).build());
        int spins = ThreadLocalRandom.current().nextInt(2000);
        CompletableFuture<CompletionStage<?>> start = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
          for (int s = 0; s < spins; s++) {
            Thread.onSpinWait();
          }
          start.complete(p.start());
        });
        starter.start();
        CompletableFuture<Void> removed = sup.remove(name).toCompletableFuture();
        starter.join();
        removed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        try {
          start.get().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException refusedOrStopped) {
          // either refused (removed) or overtaken by the removal's stop
        }
        assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(mark).isEmpty()))
            .as("round %d: a process outlived its removal", i).isTrue();
      }
    }
    assertThat(Processes.withMarker(marker)).isEmpty();
  }
}
