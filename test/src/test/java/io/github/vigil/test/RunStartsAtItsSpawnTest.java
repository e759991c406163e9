package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Backoff;
import io.github.vigil.Signal;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A run starts when its spawn begins, not when it was asked for: what waits before the fork (an I/O thread's turn,
 * the look for what the last run left) is no part of it. Its {@code Started} time, its status's {@code startedAt}
 * and uptime, and its end's run duration count from the spawn. They counted the wait too: a black-box run's program
 * that died at once read "exit 1 after 862 ms" on its first run, queued behind other starts, and 24 to 84 ms later.
 */
@Timeout(60)
class RunStartsAtItsSpawnTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The fake backend, whose first run's look for what it left waits for {@link #release} once {@link #hold} is set. */
  private static final class SlowLook implements ProcessBackend {
    final FakeBackend fake = new FakeBackend();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean hold;

    @Override
    public String name() {
      return fake.name();
    }

    @Override
    public boolean hostStartChecks() {
      return fake.hostStartChecks();
    }

    @Override
    public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
      RunningProcess p = fake.spawn(request, listener);
      return new RunningProcess() {
        @Override
        public long pid() {
          return p.pid();
        }

        @Override
        public boolean signal(Signal signal) {
          return p.signal(signal);
        }

        @Override
        public boolean signalTree(Signal signal) {
          return p.signalTree(signal);
        }

        @Override
        public boolean isTreeAlive() {
          if (hold) {
            hold = false;
            entered.countDown();
            try {
              release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return p.isTreeAlive();
        }
      };
    }

    @Override
    public void close() {
      fake.close();
    }
  }

  @Test
  void aRestartWhoseSpawnWaitedStartsWhenItsSpawnBegins() throws Exception {
    SlowLook backend = new SlowLook();
    try (SupervisorTestKit kit = SupervisorTestKit.create(backend.fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.none())).build());
      feed.start();
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(5));

      backend.hold = true; // the restart's look at what run 1 left: before its spawn, held 2 s of the virtual clock
      kit.backend().last("feed").exit(1);
      assertThat(backend.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the look before the restart's spawn").isTrue();
      kit.clock().advance(Duration.ofSeconds(2)); // not kit.advance: that waits for the look
      backend.release.countDown();
      kit.events().awaitState("feed", ProcessState.RUNNING, 2, WAIT);
      kit.awaitIdle();

      SupervisorEvent.Started second = kit.events().of(SupervisorEvent.Started.class, "feed").get(1);
      assertThat(second.at()).as("run 2 started at its spawn, after the look")
          .isEqualTo(SupervisorTestKit.WALL_ORIGIN.plusSeconds(7));
      assertThat(feed.status().startedAt()).isEqualTo(SupervisorTestKit.WALL_ORIGIN.plusSeconds(7));

      kit.advance(Duration.ofSeconds(3));
      assertThat(feed.status().uptime()).as("run 2's uptime, from its spawn").isEqualTo(Duration.ofSeconds(3));
      kit.backend().last("feed").exit(1);
      kit.awaitIdle();
      SupervisorEvent.Exited end = kit.events().of(SupervisorEvent.Exited.class, "feed").get(1);
      assertThat(end.exit().runDuration()).as("run 2's duration, from its spawn").isEqualTo(Duration.ofSeconds(3));
    }
  }
}
