package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.linux.LinuxBackendProvider;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.JdkProcessBackendProvider;
import io.github.vigil.spi.ProcessBackendProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where an exit is decided. The backend's thread that saw the exit decides on it at once when no other
 * thread is deciding and no task waits for the supervision thread: no hand-over between the exit and
 * its event, or its restart. Otherwise the exit is handed to the supervision thread {@code vigil-<name>}
 * and decided in order behind what it is doing. The decision is seen where it asks the supervisor's
 * random source for the backoff's jitter: that call is made by the thread deciding.
 */
@Timeout(120)
class ExitDecidedAtOnceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RestartPolicy JITTERED = RestartPolicy.onFailure()
      .withBackoff(Backoff.fixed(Duration.ofMillis(200)).withJitter(0.5)).withStartLimit(100, Duration.ofHours(1));

  /** A random source that notes the thread of each call. */
  private static final class Recording implements RandomGenerator {
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public long nextLong() {
      threads.add(Thread.currentThread().getName());
      return ThreadLocalRandom.current().nextLong();
    }
  }

  @Test
  void anExitIsDecidedOnTheBackendsThreadWhenNothingElseIsDeciding() throws Exception {
    Recording random = new Recording();
    try (SupervisorTestKit kit = SupervisorTestKit.create(b -> b.random(random))) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(JITTERED).build());
      feed.start();
      kit.awaitIdle();
      kit.backend().last("feed").exit(1);
      kit.awaitIdle();
      assertThat(random.threads).as("the threads that decided on the exit").containsExactly("vigil-fake-backend");
      assertThat(kit.events().of(SupervisorEvent.class, "feed")).extracting(e -> e.getClass().getSimpleName())
          .containsSubsequence("Started", "Exited", "StateChanged", "RestartScheduled");
      assertThat(feed.status().state()).isEqualTo(ProcessState.BACKOFF);
    }
  }

  @Test
  void anExitWhileTheSupervisionThreadIsBusyIsHandedToItAndDecidedAfter() throws Exception {
    Recording random = new Recording();
    Gate gate = new Gate("vigil-test");
    try (SupervisorTestKit kit = SupervisorTestKit.create(b -> b.random(random).ticker(gate))) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(JITTERED).build());
      ProcessController other = kit.supervisor().register(ProcessSpec.builder("other").command("other").startupGrace(Duration.ZERO)
          .build());
      feed.start();
      kit.awaitIdle();
      gate.close();
      other.start(); // the supervision thread takes it and waits in the gate, deciding
      assertThat(gate.entered.await(10, TimeUnit.SECONDS)).as("the supervision thread reached the gate").isTrue();
      kit.backend().last("feed").exit(1);
      assertThat(kit.backend().awaitReported(Duration.ofSeconds(10))).isTrue(); // the report was made while the supervision thread decided: handed over
      assertThat(random.threads).as("nobody decided on the exit yet").isEmpty();
      gate.open();
      kit.awaitIdle();
      assertThat(random.threads).as("the threads that decided on the exit").containsExactly("vigil-test");
      assertThat(feed.status().state()).isEqualTo(ProcessState.BACKOFF);
      assertThat(other.status().state()).isEqualTo(ProcessState.RUNNING);
    }
  }

  /** A ticker that holds the one thread named {@code holds} while closed, and lets every other through. */
  private static final class Gate implements io.github.vigil.Ticker {
    final String holds;
    final CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch closed = new CountDownLatch(0);

    Gate(String holds) {
      this.holds = holds;
    }

    void close() {
      closed = new CountDownLatch(1);
    }

    void open() {
      closed.countDown();
    }

    @Override
    public long read() {
      if (Thread.currentThread().getName().equals(holds) && closed.getCount() > 0) {
        entered.countDown();
        try {
          closed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return System.nanoTime();
    }
  }

  /**
   * Both real backends, real processes: a {@code sleep} killed from outside is decided on by the thread
   * that saw it die (the Linux backend's event loop; on the JDK backend the JDK's thread that completes
   * {@code Process.onExit()}, or its output thread when output was left to read), and restarted.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "linux"})
  @EnabledOnOs(OS.LINUX)
  void onBothRealBackendsTheThreadThatSawTheExitDecides(String backendName) throws Exception {
    ProcessBackendProvider provider = backendName.equals("linux") ? new LinuxBackendProvider() : new JdkProcessBackendProvider();
    assumeTrue(provider.isAvailable(), "the " + backendName + " backend is not available here");
    String supName = "at-once-" + backendName;
    Recording random = new Recording();
    EventRecorder rec = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name(supName).backend(provider.create(new BackendContext(supName, null)))
        .random(random).closeTimeout(Duration.ofSeconds(20)).build()) {
      sup.subscribe(rec);
      ProcessController sleeper = sup.register(ProcessSpec.builder("sleeper").command("sleep", "300").startupGrace(Duration.ZERO)
          .restartPolicy(JITTERED).build());
      long pid = sleeper.start(WAIT).pid();
      assertThat(sup.awaitIdle(WAIT)).isTrue();
      assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL, from outside the supervisor
      rec.await(SupervisorEvent.Started.class, e -> e.process().equals("sleeper"), 2, WAIT);
      if (backendName.equals("linux")) {
        assertThat(random.threads).as("the threads that decided on the exit").containsExactly("vigil-" + supName + "-linux");
      } else {
        // the JDK backend reports an exit with nothing left in its pipes from the JDK's thread that completes
        // Process.onExit() (its name is the JDK's), one with output left from its output thread: either way not the
        // supervision thread, and one thread
        assertThat(random.threads).as("the threads that decided on the exit").singleElement()
            .isNotEqualTo("vigil-" + supName).asString().doesNotStartWith("vigil-" + supName + "-io");
      }
      assertThat(sleeper.status().state()).isIn(ProcessState.STARTING, ProcessState.RUNNING);
      assertThat(sleeper.status().pid()).isNotEqualTo(pid);
    }
  }
}
