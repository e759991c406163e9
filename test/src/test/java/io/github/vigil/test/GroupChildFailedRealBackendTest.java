package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Backoff;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.linux.LinuxBackendProvider;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real child that its own restart policy gives up on ({@code sh -c 'exit 3'}, a start limit of 0) is
 * its group's failure on both real backends: the group starts it again (counted), and past its intensity
 * the top group is FAILED with a {@code GroupFailed} naming the child, its sibling stopped. Before, the
 * group stayed RUNNING beside the FAILED child and no {@code GroupFailed} came.
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class GroupChildFailedRealBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = "vigil-gcf-" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "linux"})
  void aChildFailedByItsStartLimitFailsItsTopGroupNamingIt(String backend) throws Exception {
    if (backend.equals("linux")) {
      assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available here");
    }
    EventRecorder rec = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name("gcf-" + backend).backend(backend).closeTimeout(Duration.ofSeconds(20)).build()) {
      sup.subscribe(rec);
      sup.register(ProcessSpec.builder("link").command("sh", "-c", "exit 3", marker).startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100))).withStartLimit(0, Duration.ofHours(1)))
          .build());
      sup.register(ProcessSpec.builder("gw").command("sh", "-c", "sleep 60", marker).startupGrace(Duration.ZERO).build());
      GroupController desk = sup.registerGroup(GroupSpec.builder("desk").intensity(1, Duration.ofMinutes(1)).children("gw", "link").build());
      desk.start();

      SupervisorEvent.GroupFailed failed = rec.await(SupervisorEvent.GroupFailed.class, e -> e.process().equals("desk"), 1, WAIT).get(0);
      assertThat(failed.child()).isEqualTo("link");
      assertThat(failed.toParent()).isNull();
      assertThat(failed.reason()).contains("start limit reached");
      rec.await(SupervisorEvent.GroupStateChanged.class, e -> e.process().equals("desk") && e.to() == GroupState.FAILED, 1, WAIT);
      rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT);
      assertThat(desk.state()).isEqualTo(GroupState.FAILED);
      // its policy gave up twice: the group started it again once (its one restart within the intensity), then escalated
      assertThat(rec.of(SupervisorEvent.Failed.class, "link")).hasSize(2);
      assertThat(rec.of(SupervisorEvent.GroupRestart.class, "desk")).singleElement()
          .satisfies(r -> assertThat(r.child()).isEqualTo("link"));
      assertThat(rec.of(SupervisorEvent.Exited.class, "link")).hasSize(2)
          .allSatisfy(x -> assertThat(x.exit().termination()).isEqualTo(new io.github.vigil.Termination.Exited(3)));
    }
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty())).isTrue();
  }
}
