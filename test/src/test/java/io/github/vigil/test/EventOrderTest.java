package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HealthCheck;
import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** "What was seen" 8: Registered first, Exited before the health change it causes, supervision changes as events. */
@Timeout(60)
class EventOrderTest {

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 100);
  }

  /** A start from another thread the moment the process is visible: Registered is still its first event. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void registeredIsAlwaysTheFirstEventOfAProcess(long seed) throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      CompletableFuture<Void> started = new CompletableFuture<>();
      Thread eager = new Thread(() -> {
        Optional<ProcessController> c;
        while ((c = sup.controller("p" + seed)).isEmpty()) {
          Thread.onSpinWait();
        }
        c.get().start();
        started.complete(null);
      });
      eager.start();
      sup.register(ProcessSpec.builder("p" + seed).command("p").startupGrace(Duration.ZERO).build());
      started.get();
      kit.awaitIdle();
      List<SupervisorEvent> events = kit.events().events("p" + seed);
      assertThat(events.get(0)).as("seed %d: %s", seed, events).isInstanceOf(SupervisorEvent.Registered.class);
    }
  }

  @Test
  void exitedComesBeforeTheHealthChangeItCauses() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.never())
          .healthCheck(HealthCheck.custom("ok", pid -> HealthCheck.Outcome.healthy("fine")).interval(Duration.ofSeconds(1)).build())
          .build());
      p.start();
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(1));
      kit.events().await(SupervisorEvent.HealthChanged.class, h -> h.to() == HealthState.HEALTHY, 1, Duration.ofSeconds(10));
      kit.backend().last("feed").exit(3);
      kit.events().await(SupervisorEvent.HealthChanged.class, h -> h.from() == HealthState.HEALTHY, 1, Duration.ofSeconds(10));
      List<SupervisorEvent> events = kit.events().events("feed");
      int exited = indexOf(events, e -> e instanceof SupervisorEvent.Exited);
      int healthLost = indexOf(events, e -> e instanceof SupervisorEvent.HealthChanged h && h.from() == HealthState.HEALTHY);
      assertThat(exited).as("%s", events).isNotNegative().isLessThan(healthLost);
    }
  }

  private static int indexOf(List<SupervisorEvent> events, java.util.function.Predicate<SupervisorEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void turningSupervisionOffAndOnIsInTheAuditTrail() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always()).build());
      p.start();
      kit.awaitIdle();
      p.setSupervised(false, "maintenance window");
      kit.backend().last("feed").exit(1);
      kit.awaitIdle();
      assertThat(p.status().state()).isEqualTo(ProcessState.CRASHED); // not restarted while off
      p.setSupervised(true);
      kit.awaitIdle();
      List<SupervisorEvent.SupervisionChanged> changes = kit.events().of(SupervisorEvent.SupervisionChanged.class, "feed");
      assertThat(changes).hasSize(2);
      assertThat(changes.get(0).supervised()).isFalse();
      assertThat(changes.get(0).reason()).isEqualTo("maintenance window");
      assertThat(changes.get(0).origin()).isEqualTo(Origin.API);
      assertThat(changes.get(0).actor()).isEqualTo(Thread.currentThread().getName());
      assertThat(changes.get(1).supervised()).isTrue();
      assertThat(changes.get(1).reason()).isEqualTo("supervision turned on");
      // in order with the rest: off, then the exit
      List<SupervisorEvent> events = kit.events().events("feed");
      assertThat(events.indexOf(changes.get(0))).isLessThan(indexOf(events, e -> e instanceof SupervisorEvent.Exited));
    }
  }

  /** A call that changes nothing (on when on, off when off) publishes nothing: each event is a change. */
  @Test
  void aCallThatChangesNoSupervisionPublishesNothing() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always()).build());
      p.start();
      kit.awaitIdle();
      p.setSupervised(true, "already on");
      p.setSupervised(false, "maintenance window");
      p.setSupervised(false, "still maintenance");
      p.setSupervised(true, "maintenance over");
      kit.awaitIdle();
      // the last call's change heard: the calls before it were decided before it, in order
      kit.events().await(SupervisorEvent.SupervisionChanged.class, c -> c.reason().equals("maintenance over"), 1, Duration.ofSeconds(10));
      assertThat(kit.events().of(SupervisorEvent.SupervisionChanged.class, "feed"))
          .extracting(c -> c.supervised() + " " + c.reason())
          .containsExactly("false maintenance window", "true maintenance over");
      assertThat(p.status().supervised()).isTrue();
    }
  }
}
