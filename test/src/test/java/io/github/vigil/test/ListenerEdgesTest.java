package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Subscriptions, listeners and the waiting commands at their edges (found by a black-box run): a closed
 * subscription hears nothing more, a slow listener is named in the log, and bad arguments are refused
 * before anything happens, naming the field.
 */
@Timeout(30)
class ListenerEdgesTest {

  private static ProcessSpec spec(String name) {
    return ProcessSpec.builder(name).command(name).startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.never()).build();
  }

  private static void awaitState(ProcessController p, ProcessState s) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (p.status().state() != s && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(p.status().state()).isEqualTo(s);
  }

  /** Deliveries already queued when the handle is closed are not made: 3 more events came after close(). */
  @Test
  void aClosedSubscriptionHearsNothingMoreNotEvenWhatWasQueuedForIt() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      List<SupervisorEvent> heard = new CopyOnWriteArrayList<>();
      AutoCloseable handle = kit.supervisor().subscribe(e -> {
        heard.add(e);
        if (heard.size() == 1) {
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        }
      });
      ProcessController p = kit.supervisor().register(spec("feed")); // its Registered holds the listener
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      p.start(); // STARTING, Started, RUNNING: published, queued behind the held delivery
      awaitState(p, ProcessState.RUNNING);
      handle.close();
      release.countDown();
      kit.awaitIdle();
      assertThat(heard).singleElement().isInstanceOf(SupervisorEvent.Registered.class);
      assertThat(kit.events().of(SupervisorEvent.Started.class, "feed")).hasSize(1); // the others heard them
    }
  }

  @Test
  void aListenerThatUnsubscribesItselfHearsNoFurtherEvent() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      List<SupervisorEvent> heard = new CopyOnWriteArrayList<>();
      AutoCloseable[] handle = new AutoCloseable[1];
      CountDownLatch subscribed = new CountDownLatch(1);
      handle[0] = kit.supervisor().subscribe(e -> {
        try {
          subscribed.await();
          heard.add(e);
          handle[0].close();
        } catch (Exception x) {
          throw new IllegalStateException(x);
        }
      });
      subscribed.countDown();
      kit.supervisor().register(spec("feed")).start();
      kit.awaitIdle();
      assertThat(heard).hasSize(1);
      assertThat(kit.events().events().size()).isGreaterThan(1);
    }
  }

  /** A listener that takes a second or more is named at WARN once, with what it holds up. */
  @Test
  void aSlowListenerIsNamedOnceInTheLog() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      kit.supervisor().subscribe(new io.github.vigil.SupervisorListener() {
        private int n;

        @Override
        public void onEvent(SupervisorEvent e) {
          if (n++ < 2) {
            try {
              Thread.sleep(1_100);
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
          }
        }

        @Override
        public String toString() {
          return "slow-audit-listener";
        }
      });
      kit.supervisor().register(spec("feed")).start();
      kit.awaitIdle();
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("Listener slow-audit-listener took 1.").contains("it holds up the other listeners and the results of commands");
    assertThat(log.split("Listener slow-audit-listener took", -1)).as("said once").hasSize(2);
  }

  /** A bad timeout is refused before the command: start(-1 s) started the process, then threw. */
  @Test
  void aBadTimeoutIsRefusedBeforeTheCommandRuns() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController p = kit.supervisor().register(spec("feed"));
      assertThatThrownBy(() -> p.start(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("timeout must not be negative: -1.00 s");
      assertThatThrownBy(() -> p.start(null)).isInstanceOf(NullPointerException.class).hasMessage("timeout");
      assertThatThrownBy(() -> p.restart(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class);
      kit.awaitIdle();
      assertThat(p.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.backend().runs("feed")).isEmpty();
      assertThat(kit.events().of(SupervisorEvent.CommandIssued.class, "feed")).isEmpty();
      p.start(Duration.ofSeconds(5));
      assertThatThrownBy(() -> p.stop(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
      kit.awaitIdle();
      assertThat(p.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(p.stop(Duration.ofDays(365 * 1000)).state()).as("a timeout past Long nanos saturates").isEqualTo(ProcessState.STOPPED);
    }
  }

  @Test
  void subscribingNullOrToAClosedSupervisorIsRefused() {
    SupervisorTestKit kit = SupervisorTestKit.create();
    Supervisor sup = kit.supervisor();
    assertThatThrownBy(() -> sup.subscribe(null)).isInstanceOf(NullPointerException.class).hasMessage("listener");
    kit.close();
    assertThatThrownBy(() -> sup.subscribe(e -> { })).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("subscribe() refused").hasMessageContaining("is closed");
  }

  @Test
  void nullsAndImpossibleExitCodesAreNamed() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      assertThatThrownBy(() -> sup.register(null)).isInstanceOf(NullPointerException.class).hasMessage("spec");
      assertThatThrownBy(() -> sup.registerAll(null)).isInstanceOf(NullPointerException.class).hasMessage("specs");
      assertThatThrownBy(() -> sup.registerAll(Arrays.asList(spec("a"), null))).isInstanceOf(NullPointerException.class)
          .hasMessage("specs[1] is null");
      assertThat(sup.controller("a")).as("nothing registered").isEmpty();
      assertThatThrownBy(() -> GroupSpec.builder("desk").children("a", null)).isInstanceOf(NullPointerException.class)
          .hasMessage("children[1] of group 'desk' is null");
      assertThatThrownBy(() -> RestartPolicy.onFailure().withSuccessExitCodes(Set.of(0, 256))).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("restart.successExitCodes must be exit codes from 0 to 255: 256");
      assertThatThrownBy(() -> RestartPolicy.onFailure().withSuccessExitCodes(Set.of(-1))).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("restart.successExitCodes must be exit codes from 0 to 255: -1");
    }
  }

  /** A listener executor that runs tasks in place puts listeners on the supervision thread: said at WARN (it was silent). */
  @Test
  void aListenerExecutorThatRunsInPlaceIsNamed() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    List<String> threads = new CopyOnWriteArrayList<>();
    try (SupervisorTestKit kit = SupervisorTestKit.create(b -> b.listenerExecutor(Runnable::run))) {
      kit.supervisor().subscribe(e -> threads.add(Thread.currentThread().getName()));
      kit.supervisor().register(spec("feed")).start();
      kit.awaitIdle();
    } finally {
      System.setErr(original);
    }
    assertThat(threads).isNotEmpty();
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("Listeners run on the supervision thread");
  }
}
