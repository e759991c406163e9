package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.Backoff;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RestartPolicy;
import io.github.vigil.RunRecord;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.UpdateMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code update(spec)} on the fake backend: history kept, the event says who and why, bad specs refused naming the field. */
@Timeout(60)
class UpdateTest {

  private static ProcessSpec feed(String... command) {
    return ProcessSpec.builder("feed").command(command).startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ZERO))).build();
  }

  @Test
  void nextStartKeepsTheLiveRunAndTheNextRunUsesTheNewSpec() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController c = kit.supervisor().register(feed("feed", "--v1"));
      c.start();
      kit.awaitIdle();
      long pid = c.status().pid();
      ProcessSpec v2 = c.spec().toBuilder().command("feed", "--v2").build();
      ProcessStatus s = c.update(v2, UpdateMode.NEXT_START, "deploy 2.0").toCompletableFuture().get();
      kit.awaitIdle();
      assertThat(s.pid()).isEqualTo(pid);
      assertThat(kit.backend().current("feed").orElseThrow().request().command()).containsExactly("feed", "--v1");
      kit.backend().last("feed").exit(1); // the policy's restart is the next start
      kit.awaitIdle();
      assertThat(kit.backend().current("feed").orElseThrow().request().command()).containsExactly("feed", "--v2");
      assertThat(c.spec()).isSameAs(v2);
      assertThat(c.history()).extracting(RunRecord::run).containsExactly(1, 2);
      assertThat(c.statistics().restarts()).isEqualTo(1);
      SupervisorEvent.SpecUpdated e = kit.events().of(SupervisorEvent.SpecUpdated.class, "feed").get(0);
      assertThat(e.origin()).isEqualTo(Origin.API);
      assertThat(e.actor()).isEqualTo(Thread.currentThread().getName());
      assertThat(e.reason()).isEqualTo("deploy 2.0");
      assertThat(e.mode()).isEqualTo(UpdateMode.NEXT_START);
      assertThat(e.previous().command()).containsExactly("feed", "--v1");
      assertThat(e.spec()).isSameAs(v2);
    }
  }

  @Test
  void restartNowStopsTheRunAndCompletesWhenTheNewOneRuns() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController c = kit.supervisor().register(feed("feed", "--v1"));
      c.start();
      kit.awaitIdle();
      FakeProcess first = kit.backend().last("feed");
      CompletableFuture<ProcessStatus> f = c.update(c.spec().toBuilder().command("feed", "--v2").build(), UpdateMode.RESTART_NOW, "hotfix")
          .toCompletableFuture();
      kit.awaitIdle();
      assertThat(f).isCompleted();
      assertThat(first.isAlive()).isFalse();
      assertThat(f.get().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(f.get().pid()).isEqualTo(kit.backend().last("feed").pid()).isNotEqualTo(first.pid());
      assertThat(kit.backend().last("feed").request().command()).containsExactly("feed", "--v2");
      assertThat(c.history()).hasSize(2);
      assertThat(c.statistics().starts()).isEqualTo(2);
      List<SupervisorEvent> events = kit.events().events("feed");
      int updated = indexOf(events, SupervisorEvent.SpecUpdated.class);
      int command = indexOf(events, SupervisorEvent.CommandIssued.class, updated);
      assertThat(((SupervisorEvent.CommandIssued) events.get(command)).command()).isEqualTo(SupervisorEvent.Command.RESTART);
      assertThat(((SupervisorEvent.CommandIssued) events.get(command)).reason()).contains("hotfix");
    }
  }

  @Test
  void aStoppedProcessTakesTheSpecAtOnceAndIsNotStarted() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController c = kit.supervisor().register(feed("feed", "--v1"));
      ProcessSpec v2 = c.spec().toBuilder().command("feed", "--v2").stopTimeout(Duration.ofSeconds(3)).build();
      c.update(v2, UpdateMode.RESTART_NOW).toCompletableFuture().get();
      kit.awaitIdle();
      assertThat(c.spec()).isSameAs(v2);
      assertThat(c.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.backend().spawnAttempts("feed")).isZero();
      c.start();
      kit.awaitIdle();
      assertThat(kit.backend().last("feed").request().command()).containsExactly("feed", "--v2");
    }
  }

  @Test
  void aChangedNameADependencyCycleAndAnUnknownDependencyAreRefusedNamingTheField() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController a = kit.supervisor().register(ProcessSpec.builder("a").command("a").build());
      ProcessController b = kit.supervisor().register(ProcessSpec.builder("b").command("b").dependsOn("a").build());
      assertThatThrownBy(() -> a.update(ProcessSpec.builder("z").command("a").build(), UpdateMode.NEXT_START).toCompletableFuture().get())
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name cannot change").hasMessageContaining("'z'");
      assertThatThrownBy(() -> a.update(a.spec().toBuilder().dependsOn("b").build(), UpdateMode.NEXT_START).toCompletableFuture().get())
          .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dependency cycle: a -> b -> a");
      assertThatThrownBy(() -> b.update(b.spec().toBuilder().dependsOn("nope").build(), UpdateMode.NEXT_START).toCompletableFuture().get())
          .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown process 'nope'");
      assertThatThrownBy(() -> kit.supervisor().update(ProcessSpec.builder("ghost").command("g").build(), UpdateMode.NEXT_START, "x")
          .toCompletableFuture().get()).cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ghost'");
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.SpecUpdated.class)).isEmpty();
      assertThat(a.spec().dependencies()).isEmpty();
    }
  }

  @Test
  void aNewDependencyHoldsForTheNextStart() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      kit.supervisor().register(feed("feed"));
      ProcessController gw = kit.supervisor().register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO).build());
      gw.start();
      kit.awaitIdle();
      gw.update(gw.spec().toBuilder().dependsOn("feed").build(), UpdateMode.RESTART_NOW, "needs the feed now");
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.WAITING);
      assertThat(gw.status().detail()).contains("feed");
      kit.supervisor().controller("feed").orElseThrow().start();
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.backend().spawnOrder()).containsExactly("gw", "feed", "gw");
    }
  }

  /** A start waiting for a dependency the update drops goes on at once; it waited for ever (found by a black-box run). */
  @Test
  void aStartWaitingForADependencyTheUpdateDropsGoesOn() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      kit.supervisor().register(feed("feed"));
      kit.supervisor().register(ProcessSpec.builder("backup-feed").command("backup-feed").startupGrace(Duration.ZERO).build());
      ProcessController gw = kit.supervisor().register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO)
          .dependsOn("feed").build());
      gw.start();
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.WAITING);
      // to another dependency that is not running either: it waits for that one, and says so
      gw.update(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO).dependsOn("backup-feed").build(), UpdateMode.NEXT_START);
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.WAITING);
      assertThat(gw.status().detail()).isEqualTo("waiting for backup-feed to be RUNNING (it is STOPPED)");
      // to none: it starts
      gw.update(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO).build(), UpdateMode.NEXT_START);
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.backend().spawnOrder()).containsExactly("gw");
    }
  }

  @Test
  void aRemovedProcessRefusesAnUpdate() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController c = kit.supervisor().register(feed("feed"));
      kit.supervisor().remove("feed");
      kit.awaitIdle();
      assertThatThrownBy(() -> c.update(c.spec(), UpdateMode.NEXT_START).toCompletableFuture().get())
          .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("removed");
    }
  }

  private static int indexOf(List<SupervisorEvent> events, Class<?> type) {
    return indexOf(events, type, -1);
  }

  private static int indexOf(List<SupervisorEvent> events, Class<?> type, int after) {
    for (int i = after + 1; i < events.size(); i++) {
      if (type.isInstance(events.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " after " + after + " in " + events);
  }
}
