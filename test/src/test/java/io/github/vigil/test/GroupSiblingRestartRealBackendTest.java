package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Backoff;
import io.github.vigil.ExitCause;
import io.github.vigil.GroupSpec;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.linux.LinuxBackendProvider;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A sibling that its group stops and starts again, because another member was killed with a real SIGKILL, is
 * reported as stopped and started by the group (origin {@code POLICY}, the reason naming the group), its run's end as
 * {@code KILLED_BY_SUPERVISOR}: never {@code CRASHED}, never {@code FAILED}, no {@code Failed} event, even with a start
 * limit of 0 (the first failure of its own would be a give-up). Alerts turn {@code Failed} into a critical alert.
 * Three {@code sleep}s under {@code ONE_FOR_ALL} and {@code REST_FOR_ONE}, on both real backends.
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class GroupSiblingRestartRealBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = "1" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999); // sleep's seconds: found by it

  @ParameterizedTest(name = "{0} {1}, {2} killed")
  @CsvSource({"jdk, ONE_FOR_ALL, b", "jdk, REST_FOR_ONE, a", "linux, ONE_FOR_ALL, b", "linux, REST_FOR_ONE, a"})
  void aSiblingRestartedByItsGroupIsStoppedAndStartedByItNeverFailed(String backend, GroupSpec.Strategy strategy, String victim)
      throws Exception {
    if (backend.equals("linux")) {
      assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available here");
    }
    List<String> members = List.of("a", "b", "c");
    List<String> siblings = strategy == GroupSpec.Strategy.ONE_FOR_ALL ? members.stream().filter(n -> !n.equals(victim)).toList()
        : members.subList(members.indexOf(victim) + 1, members.size());
    EventRecorder rec = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name("gsr-" + backend).backend(backend).closeTimeout(Duration.ofSeconds(20)).build()) {
      sup.subscribe(rec);
      for (String n : members) { // the siblings may not restart once on their own: a failure of theirs would be FAILED at once
        int startLimit = n.equals(victim) ? 5 : 0;
        sup.register(ProcessSpec.builder(n).command("sleep", marker).startupGrace(Duration.ofMillis(100))
            .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(200))).withStartLimit(startLimit, Duration.ofHours(1)))
            .build());
      }
      sup.registerGroup(GroupSpec.builder("desk").strategy(strategy).children("a", "b", "c").build()).start().toCompletableFuture()
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      long pid = sup.controller(victim).orElseThrow().status().pid();
      assertThat(pid).as("pid of %s", victim).isGreaterThan(1); // never kill -1 or a process group
      assertThat(Processes.eventually(WAIT, () -> Processes.runs(pid, "sleep"))).isTrue();
      Processes.kill(pid, "KILL");

      // heard: the group's restart, then every sibling RUNNING again and the victim too
      rec.await(SupervisorEvent.GroupRestart.class, e -> e.process().equals("desk"), 1, WAIT);
      for (String n : members) {
        rec.awaitState(n, ProcessState.RUNNING, 2, WAIT);
      }
      SupervisorEvent.GroupRestart restart = rec.of(SupervisorEvent.GroupRestart.class).get(0);
      assertThat(restart.child()).isEqualTo(victim);
      assertThat(restart.restarted()).containsExactlyElementsOf(siblings);
      String why = "group desk (" + strategy + "): " + victim + " ended";
      for (String s : siblings) {
        List<SupervisorEvent> heard = rec.events(s);
        assertThat(heard).as("%s: %s", s, heard).noneMatch(e -> e instanceof SupervisorEvent.Failed);
        assertThat(rec.states(s)).as("%s", s).doesNotContain(ProcessState.FAILED, ProcessState.CRASHED, ProcessState.BACKOFF);
        assertThat(rec.of(SupervisorEvent.Exited.class, s)).singleElement().satisfies(x -> {
          assertThat(x.exit().cause()).isEqualTo(ExitCause.KILLED_BY_SUPERVISOR);
          assertThat(x.exit().message()).isEqualTo("stopped by supervision: " + why);
        });
        assertThat(rec.of(SupervisorEvent.StateChanged.class, s)).filteredOn(c -> c.to() == ProcessState.STOPPING).singleElement()
            .satisfies(c -> {
              assertThat(c.origin()).isEqualTo(Origin.POLICY);
              assertThat(c.reason()).isEqualTo(why);
            });
        assertThat(rec.of(SupervisorEvent.CommandIssued.class, s)).filteredOn(c -> c.origin() == Origin.POLICY)
            .extracting(SupervisorEvent.CommandIssued::command, SupervisorEvent.CommandIssued::reason)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(SupervisorEvent.Command.STOP, why),
                org.assertj.core.groups.Tuple.tuple(SupervisorEvent.Command.START, why));
        assertThat(rec.of(SupervisorEvent.RestartScheduled.class, s)).as("%s is no restart of its own policy", s).isEmpty();
        assertThat(sup.controller(s).orElseThrow().status().state()).isEqualTo(ProcessState.RUNNING);
      }
      // the one killed crashed and was restarted by its own policy: its Exited a failure, no Failed either
      assertThat(rec.of(SupervisorEvent.Exited.class, victim)).singleElement()
          .satisfies(x -> assertThat(x.exit().cause()).isEqualTo(ExitCause.SIGNALED));
      assertThat(rec.of(SupervisorEvent.Failed.class)).isEmpty();
    }
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty())).isTrue();
  }
}
