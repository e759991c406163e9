package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
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
import java.util.Map;
import java.util.TreeMap;

/**
 * A desk's morning on a real supervisor with real processes ({@code sleep}), journaled (the journal's tests and the
 * cli's): group {@code desk} ({@code REST_FOR_ONE}: {@code md}, then {@code gateway}, which depends on it) and group
 * {@code book} ({@code ONE_FOR_ALL}: {@code book-a}, {@code book-b}, {@code book-c}).
 *
 * <ol>
 *   <li>{@code md} is killed with SIGKILL 4 times: its policy restarts it each time (4 {@code crash by signal}
 *       restarts), and its group stops {@code gateway} and starts it again each time (4 {@code group restart}s of it).
 *   <li>{@code book-b} is killed with SIGKILL once: its policy restarts it, its group {@code book-a} and {@code book-c}.
 *   <li>An operator stops {@code gateway} and starts it again, and stops group {@code book} and starts it again: no
 *       restarts.
 * </ol>
 *
 * Each group restart's recovery, from the group's stop of the member to its {@code RUNNING} again, and the uptime of
 * the run it stopped, as the events the journal heard stamp them (to the millisecond), are in {@link Facts}.
 */
public final class GroupRestartsStory {
  public static final String HOST = "desk-gw";
  public static final int MD_KILLS = 4;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private GroupRestartsStory() {}

  /**
   * What happened, as the supervisor's events say it.
   *
   * @param now a time after everything: the reports are read up to it
   * @param recoveries per process, each group restart's time from the group's stop to RUNNING again, in order
   * @param uptimes per process, the duration of each run its group stopped, in order
   */
  public record Facts(Instant now, Map<String, List<Duration>> recoveries, Map<String, List<Duration>> uptimes) {}

  /** Runs the morning with {@code journal} attached, and flushes it. */
  public static Facts run(Journal journal) throws Exception {
    try (Supervisor sup = Supervisor.builder().name("desk-morning").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      RestartPolicy policy = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100)));
      for (String name : List.of("md", "gateway", "book-a", "book-b", "book-c")) {
        sup.register(ProcessSpec.builder(name).command("sleep", "600").restartPolicy(policy).startupGrace(Duration.ofMillis(100)).build());
      }
      GroupController desk = sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE)
          .intensity(10, Duration.ofMinutes(1)).children("md", "gateway").build());
      GroupController book = sup.registerGroup(GroupSpec.builder("book").strategy(GroupSpec.Strategy.ONE_FOR_ALL)
          .intensity(10, Duration.ofMinutes(1)).children("book-a", "book-b", "book-c").build());
      desk.start().toCompletableFuture().get();
      book.start().toCompletableFuture().get();
      events.awaitState("gateway", ProcessState.RUNNING, 1, WAIT);
      events.awaitState("book-c", ProcessState.RUNNING, 1, WAIT);
      for (int k = 1; k <= MD_KILLS; k++) {
        kill(sup.controller("md").orElseThrow());
        events.awaitState("md", ProcessState.RUNNING, k + 1, WAIT);
        events.awaitState("gateway", ProcessState.RUNNING, k + 1, WAIT);
      }
      kill(sup.controller("book-b").orElseThrow());
      for (String name : List.of("book-a", "book-b", "book-c")) {
        events.awaitState(name, ProcessState.RUNNING, 2, WAIT);
      }
      // an operator's stops and starts: no restarts
      ProcessController gateway = sup.controller("gateway").orElseThrow();
      gateway.stop().toCompletableFuture().get();
      gateway.start().toCompletableFuture().get();
      events.awaitState("gateway", ProcessState.RUNNING, MD_KILLS + 2, WAIT);
      book.stop().toCompletableFuture().get();
      book.start().toCompletableFuture().get();
      events.awaitState("book-c", ProcessState.RUNNING, 3, WAIT);
      assertThat(sup.awaitIdle(Duration.ofSeconds(30))).as("every listener, the journal too, has heard every event").isTrue();
      assertThat(journal.flush(Duration.ofSeconds(30))).as("journal flushed").isTrue();
      Map<String, List<Duration>> recoveries = new TreeMap<>();
      Map<String, List<Duration>> uptimes = new TreeMap<>();
      for (String name : List.of("gateway", "book-a", "book-c")) {
        recoveries.put(name, groupRecoveries(of(events, name)));
        uptimes.put(name, groupStoppedUptimes(of(events, name)));
      }
      return new Facts(Instant.now().plusSeconds(1), recoveries, uptimes);
    }
  }

  private static List<SupervisorEvent> of(EventRecorder events, String process) {
    return events.events().stream().filter(e -> e.process().equals(process)).toList();
  }

  private static void kill(ProcessController c) {
    long pid = c.status().pid();
    assertThat(pid).as("pid of %s", c.name()).isPositive();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
  }

  /** Whether {@code e} is a stop of the process by its group's restart (origin POLICY, the group's words). */
  private static boolean groupStop(SupervisorEvent e) {
    return e instanceof SupervisorEvent.CommandIssued c && c.command() == SupervisorEvent.Command.STOP && c.origin() == Origin.POLICY
        && c.reason().startsWith("group ");
  }

  /** From each stop by its group to the next RUNNING, in milliseconds as the journal stamps them. */
  private static List<Duration> groupRecoveries(List<SupervisorEvent> events) {
    List<Duration> out = new ArrayList<>();
    Instant stop = null;
    for (SupervisorEvent e : events) {
      if (groupStop(e)) {
        stop = e.at();
      } else if (stop != null && e instanceof SupervisorEvent.StateChanged s && s.to() == ProcessState.RUNNING) {
        out.add(Duration.ofMillis(s.at().toEpochMilli() - stop.toEpochMilli()));
        stop = null;
      }
    }
    return out;
  }

  /** The duration of each run that a stop by its group ended, in milliseconds as the journal keeps them. */
  private static List<Duration> groupStoppedUptimes(List<SupervisorEvent> events) {
    List<Duration> out = new ArrayList<>();
    boolean stopped = false;
    for (SupervisorEvent e : events) {
      if (groupStop(e)) {
        stopped = true;
      } else if (stopped && e instanceof SupervisorEvent.Exited x) {
        out.add(Duration.ofMillis(x.exit().runDuration().toMillis()));
        stopped = false;
      }
    }
    return out;
  }
}
