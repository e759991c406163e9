package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import io.github.vigil.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor as a whole: registration, dependency order, events, injected time. */
@Timeout(60)
class SupervisorTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final String marker = (80000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);

  private ProcessSpec sleeper(String name, String... deps) {
    ProcessSpec.Builder b = ProcessSpec.builder(name).command("sleep", marker).startupGrace(Duration.ofMillis(50));
    for (String d : deps) {
      b.dependsOn(d);
    }
    return b.build();
  }

  @Test
  void duplicateNamesUnknownDependenciesAndCyclesAreRejectedNamingThem() {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      sup.register(sleeper("a"));
      assertThatThrownBy(() -> sup.register(sleeper("a"))).hasMessageContaining("'a' is already registered");
      assertThatThrownBy(() -> sup.register(sleeper("b", "ghost"))).hasMessageContaining("'b'").hasMessageContaining("unknown process 'ghost'");
      assertThatThrownBy(() -> sup.registerAll(List.of(sleeper("x", "y"), sleeper("y", "z"), sleeper("z", "x"))))
          .hasMessageContaining("dependency cycle: x -> y -> z -> x");
      assertThat(sup.controllers()).extracting(ProcessController::name).containsExactly("a");
      sup.registerAll(List.of(sleeper("late", "early"), sleeper("early")));
      assertThat(sup.controllers()).extracting(ProcessController::name).containsExactly("a", "late", "early");
      // one namespace for processes, attachments and groups, whichever came first (a process could take a group's name)
      sup.registerGroup(GroupSpec.builder("desk").children("a").build());
      assertThatThrownBy(() -> sup.register(sleeper("desk"))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name 'desk' is already taken by a group");
      assertThatThrownBy(() -> sup.registerGroup(GroupSpec.builder("early").children("late").build()))
          .hasMessageContaining("name 'early' is already taken by a registered process");
      assertThatThrownBy(() -> sup.attach(AttachSpec.builder("desk").processName("vigil-matches-nothing").build()))
          .hasMessageContaining("name 'desk' is already taken by a group");
      assertThat(sup.controller("desk")).isEmpty();
    }
  }

  @Test
  void startsInDependencyOrderAndStopsInReverse() throws Exception {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      sup.registerAll(List.of(sleeper("orders", "quotes", "comms"), sleeper("quotes", "comms"), sleeper("comms")));
      sup.startAll().toCompletableFuture().get();
      // events reach listeners on their own thread, after the future may already have completed
      rec.awaitState("orders", ProcessState.RUNNING, 1, WAIT);
      List<String> starts = rec.of(SupervisorEvent.StateChanged.class).stream().filter(e -> e.to() == ProcessState.STARTING)
          .map(SupervisorEvent::process).toList();
      assertThat(starts).containsExactly("comms", "quotes", "orders");
      // each starts only once the one before is RUNNING
      List<SupervisorEvent> all = rec.events();
      assertThat(indexOf(all, "quotes", ProcessState.STARTING)).isGreaterThan(indexOf(all, "comms", ProcessState.RUNNING));
      assertThat(indexOf(all, "orders", ProcessState.STARTING)).isGreaterThan(indexOf(all, "quotes", ProcessState.RUNNING));
      sup.stopAll().toCompletableFuture().get();
      rec.await(SupervisorEvent.StateChanged.class, e -> e.to() == ProcessState.STOPPED, 3, WAIT);
      List<String> stops = rec.of(SupervisorEvent.StateChanged.class).stream().filter(e -> e.to() == ProcessState.STOPPED)
          .map(SupervisorEvent::process).toList();
      assertThat(stops).containsExactly("orders", "quotes", "comms");
      assertThat(rec.of(SupervisorEvent.CommandIssued.class)).allMatch(e -> e.origin() == Origin.API);
    }
    assertThat(Processes.withMarker(marker)).isEmpty();
  }

  /**
   * An application's startAll() is a command through the API, as its stopAll() is: both say {@code API} (startAll()
   * said {@code DEPENDENCY}, which is for what a dependency did, and vigil events read "START (DEPENDENCY): start all").
   */
  @Test
  void startAllIsACommandOfTheApiAsStopAllIs() throws Exception {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      sup.registerAll(List.of(sleeper("gateway", "feed"), sleeper("feed")));
      sup.startAll().toCompletableFuture().get();
      rec.awaitState("gateway", ProcessState.RUNNING, 1, WAIT);
      sup.stopAll().toCompletableFuture().get();
      rec.awaitState("gateway", ProcessState.STOPPED, 1, WAIT);
      rec.awaitState("feed", ProcessState.STOPPED, 1, WAIT);
      assertThat(rec.of(SupervisorEvent.CommandIssued.class)).extracting(e -> e.process() + " " + e.command() + " " + e.origin() + " " + e.reason())
          .containsExactlyInAnyOrder("feed START API start all", "gateway START API start all", "gateway STOP API stop all",
              "feed STOP API stop all");
      assertThat(rec.of(SupervisorEvent.StateChanged.class)).filteredOn(e -> e.to() == ProcessState.STARTING)
          .extracting(SupervisorEvent.StateChanged::origin).containsOnly(Origin.API);
    }
    assertThat(Processes.withMarker(marker)).isEmpty();
  }

  /**
   * A stopAll() (and a close()) says each process's stop before what it does: a process waiting in BACKOFF was put in
   * STOPPED at once, its CommandIssued STOP published after that StateChanged, in its turn (a black-box run read "BACKOFF
   * → STOPPED (SHUTDOWN)" above "STOP (SHUTDOWN)" in vigil events). One command per process, as for one running.
   */
  @Test
  void stopAllSaysTheStopOfAProcessWaitingToRestartBeforeItsStateChange() throws Exception {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      sup.register(ProcessSpec.builder("quitter").command("sh", "-c", "exit 1").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMinutes(10)))).build());
      sup.register(sleeper("feed"));
      sup.startAll().toCompletableFuture().exceptionally(e -> null).get();
      rec.awaitState("quitter", ProcessState.BACKOFF, 1, WAIT);
      rec.awaitState("feed", ProcessState.RUNNING, 1, WAIT);

      sup.stopAll().toCompletableFuture().get();
      rec.awaitState("quitter", ProcessState.STOPPED, 1, WAIT);
      rec.awaitState("feed", ProcessState.STOPPED, 1, WAIT);
      for (String p : new String[] {"quitter", "feed"}) {
        List<SupervisorEvent> events = rec.events().stream().filter(e -> e.process().equals(p)).toList();
        int command = -1;
        int stopped = -1;
        for (int i = 0; i < events.size(); i++) {
          if (events.get(i) instanceof SupervisorEvent.CommandIssued c && c.command() == SupervisorEvent.Command.STOP) {
            assertThat(command).as("one STOP command of %s: %s", p, events).isEqualTo(-1);
            command = i;
          } else if (events.get(i) instanceof SupervisorEvent.StateChanged c && c.to() == ProcessState.STOPPED) {
            stopped = i;
          }
        }
        assertThat(command).as("the STOP command of %s before its StateChanged to STOPPED: %s", p, events)
            .isNotNegative().isLessThan(stopped);
      }
    }
    assertThat(Processes.withMarker(marker)).isEmpty();
  }

  private static int indexOf(List<SupervisorEvent> events, String process, ProcessState to) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof SupervisorEvent.StateChanged s && s.process().equals(process) && s.to() == to) {
        return i;
      }
    }
    throw new AssertionError("no " + process + " -> " + to + " in " + events);
  }

  @Test
  @Timeout(120)
  void statusNeverShowsARunningOrStoppingProcessWithoutAPid() throws Exception {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ProcessController c = sup.register(ProcessSpec.builder("blinker").command("sh", "-c", "exit 1", marker)
          .startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.always().withBackoff(Backoff.none()).withStartLimit(60, Duration.ofHours(1)))
          .build());
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      List<ProcessStatus> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
      long[] seenWithPid = new long[1];
      Thread reader = new Thread(() -> {
        while (!done.get()) {
          ProcessStatus s = c.status();
          if (s.state() == ProcessState.RUNNING || s.state() == ProcessState.STOPPING) {
            if (s.pid() <= 0) {
              wrong.add(s);
            } else {
              seenWithPid[0]++;
            }
          }
        }
      });
      reader.start();
      c.start();
      // 60 runs that end at once, read all along (the reader spins on one core: on a loaded machine a run takes
      // 0.2 s or more, hence the longer wait)
      rec.await(SupervisorEvent.Failed.class, e -> true, 1, Duration.ofSeconds(90));
      done.set(true);
      reader.join();
      assertThat(wrong).as("statuses of an active process without a pid").isEmpty();
      assertThat(seenWithPid[0]).as("the reader saw the process running").isPositive();
    }
  }

  @Test
  void removeStopsAndForgetsAProcess() {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      sup.register(sleeper("a"));
      assertThat(sup.remove("a").toCompletableFuture().join()).isNull();
      assertThat(sup.controller("a")).isEmpty();
    }
  }

  @Test
  void backoffDelaysRunOnTheInjectedClockAndTheStartLimitEndsInFailed() throws Exception {
    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    try (Supervisor sup = Supervisor.builder().backend("jdk").ticker(ticker).scheduler(scheduler).build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      RestartPolicy policy = RestartPolicy.always().withBackoff(Backoff.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5)))
          .withStartLimit(4, Duration.ofMinutes(10));
      ProcessController c = sup.register(ProcessSpec.builder("crasher").command("sh", "-c", "exit 7").startupGrace(Duration.ZERO)
          .restartPolicy(policy).build());
      c.start();
      long[] expectedSeconds = {1, 2, 4, 5};
      for (int i = 0; i < expectedSeconds.length; i++) {
        rec.await(SupervisorEvent.RestartScheduled.class, e -> true, i + 1, WAIT);
        SupervisorEvent.RestartScheduled r = rec.of(SupervisorEvent.RestartScheduled.class).get(i);
        assertThat(r.delay()).isEqualTo(Duration.ofSeconds(expectedSeconds[i]));
        assertThat(r.attempt()).isEqualTo(i + 1);
        assertThat(c.status().state()).isEqualTo(ProcessState.BACKOFF);
        Duration expected = Duration.ofSeconds(expectedSeconds[i]);
        assertThat(Processes.eventually(WAIT, () -> scheduler.pending().contains(expected))).isTrue();
        scheduler.advance(Duration.ofSeconds(expectedSeconds[i]).minusMillis(1));
        assertThat(c.status().state()).isEqualTo(ProcessState.BACKOFF); // not a millisecond early
        scheduler.advance(Duration.ofMillis(1));
      }
      SupervisorEvent.Failed failed = rec.await(SupervisorEvent.Failed.class, e -> true, 1, WAIT).get(0);
      assertThat(failed.reason()).contains("4 restarts within 10 min");
      assertThat(c.status().state()).isEqualTo(ProcessState.FAILED);
      assertThat(c.status().restarts()).isEqualTo(4);
      // a start through the API resets the start limit
      c.start();
      rec.await(SupervisorEvent.RestartScheduled.class, e -> true, 5, WAIT);
    }
  }

  @Test
  void listenersThatThrowDoNotStopOthersAndSubscriptionsClose() throws Exception {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(e -> {
        throw new IllegalStateException("boom");
      });
      AutoCloseable sub = sup.subscribe(rec);
      sup.register(sleeper("one"));
      rec.await(SupervisorEvent.Registered.class, e -> true, 1, WAIT);
      sub.close();
      sup.register(sleeper("two"));
      Thread.sleep(200);
      assertThat(rec.of(SupervisorEvent.Registered.class)).hasSize(1);
    }
  }

  @Test
  void restartCommandReplacesTheRunAndCommandsSayWhoAsked() throws Exception {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ProcessController c = sup.register(sleeper("svc"));
      long first = c.start(WAIT).pid();
      ProcessStatus after = c.restart(WAIT);
      assertThat(after.state()).isEqualTo(ProcessState.RUNNING);
      assertThat(after.pid()).isNotEqualTo(first);
      assertThat(c.history()).hasSize(2);
      assertThat(c.history().get(0).exit().cause()).isEqualTo(ExitCause.KILLED_BY_SUPERVISOR);
      rec.awaitState("svc", ProcessState.RUNNING, 2, WAIT); // listeners hear it on their own thread
      assertThat(rec.of(SupervisorEvent.CommandIssued.class)).extracting(SupervisorEvent.CommandIssued::command)
          .containsExactly(SupervisorEvent.Command.START, SupervisorEvent.Command.RESTART);
      assertThat(after.restarts()).isZero(); // restarts count the policy's, not the operator's
    }
  }

  @Test
  void supervisionCanBeTurnedOffAtRunTime() throws Exception {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ProcessController c = sup.register(ProcessSpec.builder("svc").command("sleep", marker).startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.none())).build());
      long pid = c.start(WAIT).pid();
      c.setSupervised(false);
      Processes.kill(pid, "KILL");
      rec.awaitState("svc", ProcessState.CRASHED, 1, WAIT);
      Thread.sleep(200);
      assertThat(c.status().state()).isEqualTo(ProcessState.CRASHED);
      assertThat(c.status().supervised()).isFalse();
    }
  }

  @Test
  void aStateDirectoryIsLockedByOneSupervisorAtATime(@TempDir Path dir) {
    try (Supervisor first = Supervisor.builder().backend("jdk").stateDirectory(dir).build()) {
      assertThatThrownBy(() -> Supervisor.builder().backend("jdk").stateDirectory(dir).build())
          .hasMessageContaining(dir.toString()).hasMessageContaining("in use");
    }
    Supervisor.builder().backend("jdk").stateDirectory(dir).build().close();
  }

  @Test
  void anUnknownBackendIsAClearError() {
    assertThatThrownBy(() -> Supervisor.builder().backend("plan9").build()).hasMessageContaining("'plan9'").hasMessageContaining("jdk");
  }

  @Test
  void blockingStartOfAFailingProcessSaysWhy() {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      ProcessController c = sup.register(ProcessSpec.builder("bad").command("/nonexistent/feed")
          .restartPolicy(RestartPolicy.onFailure().withStartLimit(0, Duration.ofHours(1))).build());
      assertThatThrownBy(() -> c.start(WAIT)).isInstanceOf(ProcessOperationException.class)
          .hasMessageContaining("/nonexistent/feed not found");
      assertThatThrownBy(() -> c.start().toCompletableFuture().get()).isInstanceOf(ExecutionException.class);
    }
  }
}
