package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Backoff;
import io.github.vigil.ExitCause;
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
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A group of one restart a minute: a is killed with a real SIGKILL, the group restarts b and c with it, stopping c
 * first (it ignores SIGTERM: its stop takes its stop timeout of 2 s), and b is killed with a real SIGKILL meanwhile,
 * before the group's stop reaches it. b's end is part of that one restart, as in OTP: the group stays RUNNING, all
 * three run again. It was counted a second time, and the group FAILED at its first restart. On both real backends.
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class GroupSiblingEndsDuringRestartRealBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = "1" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999); // sleep's seconds: found by it

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"jdk, ONE_FOR_ALL", "jdk, REST_FOR_ONE", "linux, ONE_FOR_ALL", "linux, REST_FOR_ONE"})
  void aSiblingKilledBeforeTheGroupsStopReachesItIsPartOfTheSameRestart(String backend, GroupSpec.Strategy strategy) throws Exception {
    if (backend.equals("linux")) {
      assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available here");
    }
    EventRecorder rec = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name("gse-" + backend).backend(backend).closeTimeout(Duration.ofSeconds(20)).build()) {
      sup.subscribe(rec);
      RestartPolicy policy = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(200))).withStartLimit(5, Duration.ofHours(1));
      for (String n : List.of("a", "b")) {
        sup.register(ProcessSpec.builder(n).command("sleep", marker).startupGrace(Duration.ofMillis(100)).restartPolicy(policy).build());
      }
      sup.register(ProcessSpec.builder("c").command("sh", "-c", "trap '' TERM; exec sleep " + marker).startupGrace(Duration.ofMillis(100))
          .stopTimeout(Duration.ofSeconds(2)).restartPolicy(policy).build());
      sup.registerGroup(GroupSpec.builder("desk").strategy(strategy).intensity(1, Duration.ofMinutes(1)).children("a", "b", "c").build())
          .start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      long[] pids = new long[3];
      for (int i = 0; i < 3; i++) {
        String n = List.of("a", "b", "c").get(i);
        pids[i] = sup.controller(n).orElseThrow().status().pid();
        assertThat(pids[i]).as("pid of %s", n).isGreaterThan(1); // never kill -1 or a process group
        long pid = pids[i];
        assertThat(Processes.eventually(WAIT, () -> Processes.runs(pid, "sleep"))).as("%s runs sleep (c: SIGTERM ignored)", n).isTrue();
      }

      Processes.kill(pids[0], "KILL");
      rec.awaitState("c", ProcessState.STOPPING, 1, WAIT); // the group's stop of c, then of b once c is stopped
      Processes.kill(pids[1], "KILL");
      rec.await(SupervisorEvent.Exited.class, e -> e.process().equals("b"), 1, WAIT);
      rec.awaitState("c", ProcessState.STOPPED, 1, WAIT);
      List<SupervisorEvent> heard = rec.events();
      int bEnded = indexOf(heard, e -> e instanceof SupervisorEvent.Exited && e.process().equals("b"));
      int cStopped = indexOf(heard, e -> e instanceof SupervisorEvent.StateChanged s && s.process().equals("c") && s.to() == ProcessState.STOPPED);
      assertThat(bEnded).as("b ended before c was stopped, so before the group's stop reached b").isLessThan(cStopped);
      // an escalation would have been heard at b's end, before c's STOPPED
      assertThat(rec.of(SupervisorEvent.GroupFailed.class)).as("GroupFailed").isEmpty();

      for (String n : List.of("a", "b", "c")) {
        rec.awaitState(n, ProcessState.RUNNING, 2, WAIT);
      }
      assertThat(rec.of(SupervisorEvent.GroupRestart.class)).singleElement().satisfies(r -> {
        assertThat(r.child()).isEqualTo("a");
        assertThat(r.restarted()).containsExactly("b", "c");
        assertThat(r.restarts()).isEqualTo(1);
      });
      assertThat(rec.of(SupervisorEvent.Exited.class, "b")).singleElement()
          .satisfies(x -> assertThat(x.exit().cause()).isEqualTo(ExitCause.SIGNALED));
      assertThat(rec.of(SupervisorEvent.RestartScheduled.class, "b")).as("b is restarted by the group, not by its policy").isEmpty();
      assertThat(sup.group("desk").orElseThrow().state()).isEqualTo(GroupState.RUNNING);
      assertThat(rec.of(SupervisorEvent.GroupFailed.class)).isEmpty();
    }
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty())).isTrue();
  }

  private static int indexOf(List<SupervisorEvent> events, java.util.function.Predicate<SupervisorEvent> match) {
    for (int i = 0; i < events.size(); i++) {
      if (match.test(events.get(i))) {
        return i;
      }
    }
    throw new AssertionError("not heard: " + events);
  }
}
