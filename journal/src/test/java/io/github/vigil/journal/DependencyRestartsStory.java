package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.Dependency;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A gateway restarted with its feed on a real supervisor with real processes ({@code sleep}), journaled (the journal's
 * tests and the cli's): {@code gateway} depends on {@code feed} with {@link Dependency.OnExit#RESTART}, and {@code feed}
 * is killed with SIGKILL {@link #FEED_KILLS} times. Its policy restarts {@code feed} each time ({@code crash by signal}),
 * and core stops {@code gateway} and starts it again each time (a {@code dependency restart} of it). Each such restart's
 * recovery, from core's {@code RESTART} command of origin {@code DEPENDENCY} to {@code RUNNING} again, and the uptime of
 * the run it stopped, as the events the journal heard stamp them (to the millisecond), are in {@link Facts}.
 */
public final class DependencyRestartsStory {
  public static final String HOST = "feed-gw";
  public static final int FEED_KILLS = 2;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private DependencyRestartsStory() {}

  /**
   * What happened, as the supervisor's events say it.
   *
   * @param now a time after everything: the reports are read up to it
   * @param recoveries each dependency restart of {@code gateway}: its time from the stop to RUNNING again, in order
   * @param uptimes the duration of each run of {@code gateway} a dependency restart stopped, in order
   */
  public record Facts(Instant now, List<Duration> recoveries, List<Duration> uptimes) {}

  /** Runs the story with {@code journal} attached, and flushes it. */
  public static Facts run(Journal journal) throws Exception {
    try (Supervisor sup = Supervisor.builder().name("feed-restarts").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      RestartPolicy policy = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100)));
      sup.register(ProcessSpec.builder("feed").command("sleep", "600").restartPolicy(policy).startupGrace(Duration.ofMillis(100)).build());
      sup.register(ProcessSpec.builder("gateway").command("sleep", "600").restartPolicy(policy).startupGrace(Duration.ofMillis(100))
          .dependsOn("feed", Dependency.Condition.STARTED, Dependency.OnExit.RESTART).build());
      sup.controller("feed").orElseThrow().start().toCompletableFuture().get();
      sup.controller("gateway").orElseThrow().start().toCompletableFuture().get();
      events.awaitState("gateway", ProcessState.RUNNING, 1, WAIT);
      for (int k = 1; k <= FEED_KILLS; k++) {
        kill(sup.controller("feed").orElseThrow());
        events.awaitState("feed", ProcessState.RUNNING, k + 1, WAIT);
        events.awaitState("gateway", ProcessState.RUNNING, k + 1, WAIT);
      }
      // a recorder hearing an event is not the journal having it: every listener first, then the journal's writes
      assertThat(sup.awaitIdle(Duration.ofSeconds(30))).as("every listener, the journal too, has heard every event").isTrue();
      assertThat(journal.flush(Duration.ofSeconds(30))).as("journal flushed").isTrue();
      List<SupervisorEvent> gateway = events.events().stream().filter(e -> e.process().equals("gateway")).toList();
      return new Facts(Instant.now().plusSeconds(1), recoveries(gateway), stoppedUptimes(gateway));
    }
  }

  private static void kill(ProcessController c) {
    long pid = c.status().pid();
    assertThat(pid).as("pid of %s", c.name()).isPositive();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
  }

  /** Whether {@code e} is core's restart of the process because a dependency ended. */
  private static boolean dependencyRestart(SupervisorEvent e) {
    return e instanceof SupervisorEvent.CommandIssued c && c.command() == SupervisorEvent.Command.RESTART
        && c.origin() == Origin.DEPENDENCY;
  }

  /** From each dependency restart to the next RUNNING, in milliseconds as the journal stamps them. */
  private static List<Duration> recoveries(List<SupervisorEvent> events) {
    List<Duration> out = new ArrayList<>();
    Instant stop = null;
    for (SupervisorEvent e : events) {
      if (dependencyRestart(e)) {
        stop = e.at();
      } else if (stop != null && e instanceof SupervisorEvent.StateChanged s && s.to() == ProcessState.RUNNING) {
        out.add(Duration.ofMillis(s.at().toEpochMilli() - stop.toEpochMilli()));
        stop = null;
      }
    }
    return out;
  }

  /** The duration of each run that a dependency restart ended, in milliseconds as the journal keeps them. */
  private static List<Duration> stoppedUptimes(List<SupervisorEvent> events) {
    List<Duration> out = new ArrayList<>();
    boolean stopped = false;
    for (SupervisorEvent e : events) {
      if (dependencyRestart(e)) {
        stopped = true;
      } else if (stopped && e instanceof SupervisorEvent.Exited x) {
        out.add(Duration.ofMillis(x.exit().runDuration().toMillis()));
        stopped = false;
      }
    }
    return out;
  }
}
