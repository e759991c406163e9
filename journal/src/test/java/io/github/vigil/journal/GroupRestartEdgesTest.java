package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges of a group's restarts, on real processes ({@code sleep}, killed with SIGKILL): a crash its restart policy gave
 * up on and its group started again is a restart of its crash's cause (and its sibling's a group restart saying the
 * child failed); a group that escalated to {@code FAILED} restarted nothing, and an operator's start of it afterwards is
 * no restart either.
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class GroupRestartEdgesTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void aCrashItsGroupStartedAgainIsARestartAndAnEscalatedGroupRestartsNothing() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("edges.db");
    Instant now;
    try (Journal journal = Journal.builder().url(url).host("gw").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO).build();
        Supervisor sup = Supervisor.builder().name("edges").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      RestartPolicy once = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100))).withStartLimit(1, Duration.ofMinutes(5));
      RestartPolicy policy = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100)));
      sup.register(ProcessSpec.builder("feed").command("sleep", "600").restartPolicy(once).startupGrace(Duration.ofMillis(100)).build());
      for (String name : new String[] {"quote", "x", "y", "p", "q", "z", "a", "c"}) {
        sup.register(ProcessSpec.builder(name).command("sleep", "600").restartPolicy(policy).startupGrace(Duration.ofMillis(100)).build());
      }
      GroupController desk = sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE)
          .intensity(10, Duration.ofMinutes(1)).children("feed", "quote").build());
      GroupController fragile = sup.registerGroup(GroupSpec.builder("fragile").strategy(GroupSpec.Strategy.REST_FOR_ONE)
          .intensity(0, Duration.ofMinutes(1)).children("x", "y").build());
      RestartPolicy slow = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(20)));
      sup.register(ProcessSpec.builder("b").command("sleep", "600").restartPolicy(slow).startupGrace(Duration.ofMillis(100)).build());
      sup.register(ProcessSpec.builder("d").command("sleep", "600").restartPolicy(slow).startupGrace(Duration.ofMillis(100)).build());
      GroupController frail = sup.registerGroup(GroupSpec.builder("frail").strategy(GroupSpec.Strategy.REST_FOR_ONE)
          .intensity(1, Duration.ofMinutes(1)).children("c", "d").build());
      GroupController pair = sup.registerGroup(GroupSpec.builder("pair").strategy(GroupSpec.Strategy.REST_FOR_ONE)
          .intensity(10, Duration.ofMinutes(1)).children("a", "b").build());
      sup.registerGroup(GroupSpec.builder("inner").strategy(GroupSpec.Strategy.REST_FOR_ONE).intensity(0, Duration.ofMinutes(1))
          .children("p", "q").build());
      GroupController outer = sup.registerGroup(GroupSpec.builder("outer").strategy(GroupSpec.Strategy.ONE_FOR_ALL)
          .intensity(10, Duration.ofMinutes(1)).children("inner", "z").build());
      desk.start().toCompletableFuture().get();
      fragile.start().toCompletableFuture().get();
      outer.start().toCompletableFuture().get();
      pair.start().toCompletableFuture().get();
      frail.start().toCompletableFuture().get();
      events.awaitState("d", ProcessState.RUNNING, 1, WAIT);
      events.awaitState("b", ProcessState.RUNNING, 1, WAIT);
      events.awaitState("z", ProcessState.RUNNING, 1, WAIT);
      events.awaitState("quote", ProcessState.RUNNING, 1, WAIT);
      events.awaitState("y", ProcessState.RUNNING, 1, WAIT);
      // feed: restarted by its policy once, then given up on (start limit 1) and started again by its group
      kill(sup.controller("feed").orElseThrow());
      events.awaitState("quote", ProcessState.RUNNING, 2, WAIT);
      kill(sup.controller("feed").orElseThrow());
      events.await(SupervisorEvent.Failed.class, e -> e.process().equals("feed"), 1, WAIT);
      events.awaitState("feed", ProcessState.RUNNING, 3, WAIT);
      events.awaitState("quote", ProcessState.RUNNING, 3, WAIT);
      // fragile: no restart allowed, so x's crash escalates: x and y stopped, the group FAILED; an operator starts it again
      kill(sup.controller("x").orElseThrow());
      events.await(SupervisorEvent.GroupFailed.class, e -> e.process().equals("fragile"), 1, WAIT);
      events.awaitState("y", ProcessState.STOPPED, 1, WAIT);
      fragile.start().toCompletableFuture().get();
      events.awaitState("y", ProcessState.RUNNING, 2, WAIT);
      // inner: p's crash escalates it (no restart allowed); outer restarts it, p and q in order, and z with it
      kill(sup.controller("p").orElseThrow());
      events.await(SupervisorEvent.GroupFailed.class, e -> e.process().equals("inner"), 1, WAIT);
      for (String name : new String[] {"p", "q", "z"}) {
        events.awaitState(name, ProcessState.RUNNING, 2, WAIT);
      }
      // pair: b crashes and waits 20 s for its restart; a crashes meanwhile, and its group starts b again at once
      kill(sup.controller("b").orElseThrow());
      events.awaitState("b", ProcessState.BACKOFF, 1, WAIT);
      kill(sup.controller("a").orElseThrow());
      events.awaitState("b", ProcessState.RUNNING, 2, WAIT);
      // frail: d crashes and waits 20 s; c crashes, its group escalates past its intensity (1) and stops d: FAILED
      kill(sup.controller("d").orElseThrow());
      events.awaitState("d", ProcessState.BACKOFF, 1, WAIT);
      kill(sup.controller("c").orElseThrow());
      events.await(SupervisorEvent.GroupFailed.class, e -> e.process().equals("frail"), 1, WAIT);
      events.awaitState("d", ProcessState.STOPPED, 1, WAIT);
      assertThat(sup.awaitIdle(Duration.ofSeconds(30))).isTrue();
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
      now = Instant.now().plusSeconds(1);
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      RestartReport feed = report(r, "feed", now);
      assertThat(feed.timeline()).extracting(x -> x.cause().name() + ": " + x.detail()).containsExactly(
          "SIGNAL: SIGKILL: killed: SIGKILL cannot be caught; sent by the kernel's OOM killer, a supervisor or an operator; its restart "
              + "policy gave up, group desk started it again",
          "SIGNAL: SIGKILL: killed: SIGKILL cannot be caught; sent by the kernel's OOM killer, a supervisor or an operator");
      assertThat(feed.timeline()).extracting(RestartReport.Restart::group).containsExactly("desk", null);
      assertThat(feed.timeline()).allSatisfy(x -> assertThat(x.recovery()).isNotNull());
      assertThat(feed.notRestarted()).as("its crash given up on was restarted by its group").isEmpty();
      RestartReport quote = report(r, "quote", now);
      assertThat(quote.timeline()).extracting(x -> x.cause().name() + ": " + x.detail()).containsExactly(
          "GROUP: with group desk (REST_FOR_ONE): feed failed: its restart policy gave up after SIGKILL",
          "GROUP: with group desk (REST_FOR_ONE): feed crashed (SIGKILL)");
      assertThat(report(r, "x", now).total()).as("x: its crash escalated, and the operator started it again").isZero();
      assertThat(report(r, "y", now).total()).as("y: stopped by the escalation, started by the operator").isZero();
      // a crash whose backoff its group's restart overtook: restarted by the group, not "scheduled, not restarted"
      RestartReport b = report(r, "b", now);
      assertThat(b.timeline()).extracting(x -> x.cause().name() + ": " + x.detail() + " / " + x.group()).containsExactly(
          "SIGNAL: SIGKILL: killed: SIGKILL cannot be caught; sent by the kernel's OOM killer, a supervisor or an operator; started "
              + "again by group pair / pair");
      assertThat(b.timeline().get(0).recovery()).isNotNull().isLessThan(Duration.ofSeconds(20));
      assertThat(b.notRestarted()).isEmpty();
      // a crash in its backoff that its group's escalation stopped, and nothing started again: scheduled, not restarted
      RestartReport d = report(r, "d", now);
      assertThat(d.total()).isZero();
      assertThat(d.notRestarted()).singleElement().satisfies(n -> {
        assertThat(n.exit().cause().name()).isEqualTo("SIGNAL");
        assertThat(n.cancelledBy()).startsWith("group frail escalated: intensity exceeded: ").endsWith(" (POLICY)");
      });
      assertThat(report(r, "c", now).total()).as("c: its crash escalated the group").isZero();
      // the nested group escalated: its parent restarted it
      assertThat(report(r, "p", now).timeline()).extracting(x -> x.cause().name() + ": " + x.detail() + " / " + x.group()).containsExactly(
          "SIGNAL: SIGKILL: killed: SIGKILL cannot be caught; sent by the kernel's OOM killer, a supervisor or an operator; started "
              + "again by group outer / outer");
      for (String name : new String[] {"q", "z"}) {
        assertThat(report(r, name, now).timeline()).as(name).extracting(x -> x.cause().name() + ": " + x.detail() + " / " + x.group() + " / "
            + x.sibling()).containsExactly("GROUP: with group outer (ONE_FOR_ALL): inner ended / outer / inner");
      }
    }
  }

  private static RestartReport report(JournalReader r, String process, Instant now) throws Exception {
    return r.restartsUpTo(process, now, Duration.ofDays(1), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
  }

  private static void kill(ProcessController c) {
    long pid = c.status().pid();
    assertThat(pid).as("pid of %s", c.name()).isPositive();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
  }
}
