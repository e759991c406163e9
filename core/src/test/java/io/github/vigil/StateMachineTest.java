package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Commands arriving in every state, on real processes, with time under the test's control. */
@Timeout(60)
class StateMachineTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final String marker = (70000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  // the stop timeout runs on fake time too, so close() must not wait for it long
  private final Supervisor sup = Supervisor.builder().backend("jdk").ticker(ticker).scheduler(scheduler)
      .closeTimeout(Duration.ofSeconds(2)).build();
  private final EventRecorder rec = new EventRecorder();

  StateMachineTest() {
    sup.subscribe(rec);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    sup.close();
    assertThat(Processes.eventually(Duration.ofSeconds(5), () -> Processes.withMarker(marker).isEmpty())).isTrue();
  }

  private void awaitTimers(int n) throws InterruptedException {
    assertThat(Processes.eventually(WAIT, () -> scheduler.pending().size() >= n)).as("timers %s", scheduler.pending()).isTrue();
  }

  @Test
  void startingUntilTheGraceElapsesThenRunning() throws Exception {
    ProcessController c = sup.register(ProcessSpec.builder("p").command("sleep", marker).startupGrace(Duration.ofSeconds(3)).build());
    CompletableFuture<ProcessStatus> started = c.start().toCompletableFuture();
    awaitTimers(1);
    scheduler.advance(Duration.ofMillis(2999));
    assertThat(c.status().state()).isEqualTo(ProcessState.STARTING);
    assertThat(started).isNotDone();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(started.get().state()).isEqualTo(ProcessState.RUNNING);
    assertThat(c.status().uptime()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void stopDuringStartupFailsThePendingStartAndStops() throws Exception {
    ProcessController c = sup.register(ProcessSpec.builder("p").command("sleep", marker).startupGrace(Duration.ofSeconds(3)).build());
    CompletableFuture<ProcessStatus> started = c.start().toCompletableFuture();
    rec.awaitState("p", ProcessState.STARTING, 1, WAIT);
    ProcessStatus stopped = c.stop(WAIT);
    assertThat(stopped.state()).isEqualTo(ProcessState.STOPPED);
    assertThatThrownBy(started::get).isInstanceOf(ExecutionException.class).hasMessageContaining("stopped before it was running");
  }

  @Test
  void stopDuringBackoffCancelsTheRestart() throws Exception {
    ProcessController c = sup.register(ProcessSpec.builder("p").command("sh", "-c", "exit 1").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofSeconds(10)))).build());
    c.start();
    rec.awaitState("p", ProcessState.BACKOFF, 1, WAIT);
    assertThat(c.stop(WAIT).state()).isEqualTo(ProcessState.STOPPED);
    scheduler.advance(Duration.ofSeconds(30));
    Thread.sleep(100);
    assertThat(c.status().state()).isEqualTo(ProcessState.STOPPED);
    assertThat(rec.of(SupervisorEvent.Started.class)).hasSize(1);
  }

  @Test
  void startDuringBackoffStartsAtOnce() throws Exception {
    ProcessController c = sup.register(ProcessSpec.builder("p").command("sh", "-c", "sleep 0.2; exit 1").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofHours(1)))).build());
    c.start();
    rec.awaitState("p", ProcessState.BACKOFF, 1, WAIT);
    assertThat(c.start(WAIT).state()).isEqualTo(ProcessState.RUNNING);
    assertThat(rec.await(SupervisorEvent.Started.class, e -> true, 2, WAIT)).hasSize(2);
  }

  @Test
  void startWhileStoppingStartsAgainOnceStopped() throws Exception {
    ProcessController c = sup.register(ProcessSpec.builder("p").command("sh", "-c", "trap '' TERM; echo ready; exec sleep " + marker)
        .startupGrace(Duration.ZERO).stopTimeout(Duration.ofSeconds(5)).build());
    c.start(WAIT);
    assertThat(Processes.eventually(WAIT, () -> c.outputTail(StdStream.STDOUT).contains("ready"))).isTrue();
    CompletableFuture<ProcessStatus> stopped = c.stop().toCompletableFuture();
    awaitTimers(1); // the stop timeout
    CompletableFuture<ProcessStatus> started = c.start().toCompletableFuture();
    Thread.sleep(100);
    assertThat(started).isNotDone();
    scheduler.advance(Duration.ofSeconds(5)); // the stop timeout: SIGKILL
    assertThat(stopped.get().state()).isEqualTo(ProcessState.STOPPED);
    assertThat(started.get().state()).isEqualTo(ProcessState.RUNNING);
    assertThat(c.history()).hasSize(2);
  }

  @Test
  void failedLeavesOnlyThroughStart() throws Exception {
    ProcessController c = sup.register(ProcessSpec.builder("p").command("sh", "-c", "exit 2").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.always().withStartLimit(0, Duration.ofHours(1))).build());
    c.start();
    rec.awaitState("p", ProcessState.FAILED, 1, WAIT);
    scheduler.advance(Duration.ofHours(2));
    assertThat(c.status().state()).isEqualTo(ProcessState.FAILED);
    assertThat(c.status().detail()).contains("start limit");
    c.stop(WAIT);
    assertThat(c.status().state()).isEqualTo(ProcessState.STOPPED);
  }

  @Test
  void commandsFromManyThreadsAreSerializedAndEndConsistent() throws Exception {
    ProcessController c = sup.register(ProcessSpec.builder("p").command("sleep", marker).startupGrace(Duration.ZERO).build());
    List<Thread> threads = new ArrayList<>();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 20; i++) {
          CompletableFuture<?> f = switch ((id + i) % 3) {
            case 0 -> c.start().toCompletableFuture();
            case 1 -> c.stop().toCompletableFuture();
            default -> c.restart().toCompletableFuture();
          };
          synchronized (all) {
            all.add(f);
          }
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    ProcessStatus last = c.stop(WAIT);
    for (CompletableFuture<?> f : all) {
      f.handle((v, e) -> null).get(); // every command completes, one way or the other
    }
    assertThat(last.state()).isEqualTo(ProcessState.STOPPED);
    // transitions form a valid chain: each StateChanged starts where the previous one ended
    rec.await(SupervisorEvent.CommandIssued.class, e -> true, 161, WAIT);
    Thread.sleep(200);
    ProcessState at = ProcessState.STOPPED;
    for (SupervisorEvent.StateChanged s : rec.of(SupervisorEvent.StateChanged.class)) {
      assertThat(s.from()).isEqualTo(at);
      at = s.to();
    }
    assertThat(Processes.withMarker(marker)).isEmpty();
  }
}
