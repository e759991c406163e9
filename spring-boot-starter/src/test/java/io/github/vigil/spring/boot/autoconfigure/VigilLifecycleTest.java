package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.RunRecord;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spring.boot.testing.Children;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Real processes follow the application context: they start in dependency order when it starts,
 * stop dependents first when it closes, and none of them, nor any descendant, outlives it.
 */
@Timeout(60)
@EnabledOnOs(OS.LINUX) // the process tree is found through /proc; sleep and sh are POSIX
class VigilLifecycleTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** A number no other test uses, so `sleep <marker>` finds this test's processes only. */
  private final String marker = Long.toString(7_000_000 + ProcessHandle.current().pid() % 1_000_000);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class));

  @AfterEach
  void nothingLeft() throws Exception {
    assertThat(Children.eventually(WAIT, () -> sleepers().isEmpty()))
        .as("sleepers left behind").isTrue();
  }

  @Test
  void startsInDependencyOrderStopsInReverseAndLeavesNoChild() throws Exception {
    List<String> stopped = Collections.synchronizedList(new ArrayList<>());
    List<Long> pids = new ArrayList<>();
    runner.withPropertyValues(
        "vigil.defaults.startup-grace=200ms",
        "vigil.defaults.stop.timeout=5s",
        // declared in reverse, so the order below comes from the dependencies
        "vigil.processes.orders.command=sh,-c,sleep " + marker + " & sleep " + marker,
        "vigil.processes.orders.depends-on.risk=started",
        "vigil.processes.risk.command=sleep," + marker,
        "vigil.processes.risk.depends-on.quotes=started",
        "vigil.processes.quotes.command=sleep," + marker).run(context -> {
          Supervisor supervisor = context.getBean(Supervisor.class);
          // the context start waited for all three to be running
          for (String name : List.of("quotes", "risk", "orders")) {
            assertThat(supervisor.controller(name).orElseThrow().status().state()).as(name).isEqualTo(ProcessState.RUNNING);
          }
          Instant quotes = firstStart(supervisor, "quotes");
          Instant risk = firstStart(supervisor, "risk");
          Instant orders = firstStart(supervisor, "orders");
          // each starts only once the one it depends on has been up for its 200 ms startup grace
          assertThat(Duration.between(quotes, risk)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
          assertThat(Duration.between(risk, orders)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
          assertThat(Children.eventually(WAIT, () -> sleepers().size() == 4)).isTrue();
          supervisor.controllers().forEach(c -> pids.add(c.status().pid()));

          supervisor.subscribe(e -> {
            if (e instanceof SupervisorEvent.StateChanged s && s.to() == ProcessState.STOPPED) {
              stopped.add(s.process());
            }
          });
          context.close();
          assertThat(stopped).containsExactly("orders", "risk", "quotes");
        });
    assertThat(pids).hasSize(3).allSatisfy(pid -> assertThat(pid).isPositive())
        .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
    assertThat(sleepers()).isEmpty();
  }

  @Test
  void closingTheContextKillsAProcessThatIgnoresItsStopSignal() throws Exception {
    runner.withPropertyValues(
        "vigil.processes.stubborn.command=sh,-c,trap '' TERM; sleep " + marker + "; sleep " + marker,
        "vigil.processes.stubborn.startup-grace=0s",
        "vigil.processes.stubborn.stop.timeout=300ms").run(context -> {
          ProcessController c = context.getBean(Supervisor.class).controller("stubborn").orElseThrow();
          assertThat(Children.eventually(WAIT, () -> sleepers().size() == 1)).isTrue();
          long pid = c.status().pid();
          context.close();
          assertThat(pid).isPositive();
          assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        });
  }

  private List<ProcessHandle> sleepers() {
    return Children.sleepers(marker);
  }

  private static Instant firstStart(Supervisor supervisor, String name) {
    List<RunRecord> history = supervisor.controller(name).orElseThrow().history();
    assertThat(history).as(name).isNotEmpty();
    return history.get(0).startedAt();
  }
}
