package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A group's own {@code start()} and {@code stop()} on seeded random trees (up to four levels of nested groups): the start
 * goes in declared order (each group {@code RUNNING} before its children, each child after the one before it is
 * {@code RUNNING}), the stop in reverse (each group {@code STOPPED} before its children, the last child first), as the
 * recursive walk did, in which each nested group's start or stop was a step of its parent's. Some seeds fail a member's
 * spawn (the start ends there, the members it did not reach stop waiting) or stop a nested group or a member while the
 * start is under way (the start skips what that stop superseded), as the recursive walk did.
 *
 * <p>With {@code -Dvigil.test.groupTraceDump=FILE} every seed's whole trace (each event but the diagnoses, each process's
 * state and detail after each second, the outcome of each call) is appended to FILE: the traces of two builds compared
 * with {@code diff} say whether they order everything the same. The walk with a stack of its own and the recursive one it
 * replaced gave the same 500 traces.
 */
@Timeout(600)
class GroupTreeOrderPropertyTest {
  private static final int SEEDS = 500;

  /** A process (no children) or a group. */
  private record Node(String name, @Nullable List<Node> children) {
    boolean isGroup() {
      return children != null;
    }
  }

  private static Node tree(SplittableRandom r, int depth, int[] counter) {
    int n = 1 + r.nextInt(4);
    List<Node> children = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (depth < 4 && r.nextInt(3) == 0) {
        children.add(tree(r, depth + 1, counter));
      } else {
        children.add(new Node("p" + counter[0]++, null));
      }
    }
    return new Node("g" + counter[1]++, children);
  }

  /** Registers the processes and the groups below {@code g}, then {@code g}. */
  private static void register(Supervisor sup, Node g) {
    for (Node c : g.children()) {
      if (c.isGroup()) {
        register(sup, c);
      } else {
        sup.register(ProcessSpec.builder(c.name()).command(c.name()).startupGrace(Duration.ofSeconds(1))
            .restartPolicy(RestartPolicy.never()).build());
      }
    }
    sup.registerGroup(GroupSpec.builder(g.name()).children(g.children().stream().map(Node::name).toArray(String[]::new)).build());
  }

  /** Pre-order, children in declared order or reversed. */
  private static void walk(Node n, boolean reversed, List<Node> out) {
    out.add(n);
    if (n.isGroup()) {
      List<Node> cs = new ArrayList<>(n.children());
      if (reversed) {
        java.util.Collections.reverse(cs);
      }
      cs.forEach(c -> walk(c, reversed, out));
    }
  }

  private static List<String> names(List<Node> nodes, boolean groups) {
    return nodes.stream().filter(n -> n.isGroup() == groups).map(Node::name).toList();
  }

  /** Whether {@code part} is {@code whole} with some elements left out. */
  private static boolean subsequence(List<String> part, List<String> whole) {
    int at = 0;
    for (String s : part) {
      int i = whole.subList(at, whole.size()).indexOf(s);
      if (i < 0) {
        return false;
      }
      at += i + 1;
    }
    return true;
  }

  private static String outcome(CompletableFuture<?> f) {
    if (!f.isDone()) {
      return "pending";
    }
    try {
      f.join();
      return "ok";
    } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      return "failed: " + c.getClass().getSimpleName() + ": " + c.getMessage();
    }
  }

  @Test
  void aGroupsStartGoesInDeclaredOrderAndItsStopInReverse() throws IOException {
    String dump = System.getProperty("vigil.test.groupTraceDump");
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      Node root = tree(r, 0, new int[2]);
      List<Node> pre = new ArrayList<>();
      walk(root, false, pre);
      List<Node> mirrored = new ArrayList<>();
      walk(root, true, mirrored);
      List<String> processes = names(pre, false);
      List<String> groups = names(pre, true);
      String failing = r.nextInt(4) == 0 ? processes.get(r.nextInt(processes.size())) : null;
      List<Node> all = pre.subList(1, pre.size());
      Node interrupted = r.nextInt(3) == 0 && !all.isEmpty() ? all.get(r.nextInt(all.size())) : null;
      int interruptAt = r.nextInt(processes.size() + 1);
      StringBuilder trace = new StringBuilder("seed " + seed + ": " + root + "\n");
      try (SupervisorTestKit kit = SupervisorTestKit.create()) {
        Supervisor sup = kit.supervisor();
        register(sup, root);
        if (failing != null) {
          kit.backend().failNextSpawn(failing, "no such file");
        }
        GroupController top = sup.group(root.name()).orElseThrow();
        CompletableFuture<Void> started = top.start().toCompletableFuture();
        CompletableFuture<?> interruption = null;
        for (int step = 0; step <= processes.size() + 1; step++) {
          kit.awaitIdle();
          if (interrupted != null && step == interruptAt) {
            interruption = (interrupted.isGroup() ? sup.group(interrupted.name()).orElseThrow().stop()
                : sup.controller(interrupted.name()).orElseThrow().stop()).toCompletableFuture();
            kit.awaitIdle();
            trace.append("stop of ").append(interrupted.name()).append(" asked\n");
          }
          for (String p : processes) {
            var s = sup.controller(p).orElseThrow().status();
            trace.append(p).append(' ').append(s.state()).append(' ').append(s.detail()).append('\n');
          }
          for (String g : groups) {
            trace.append(g).append(' ').append(sup.group(g).orElseThrow().state()).append('\n');
          }
          kit.advance(Duration.ofSeconds(1));
        }
        trace.append("start: ").append(outcome(started)).append('\n');
        if (interruption != null) {
          trace.append("stop of ").append(interrupted.name()).append(": ").append(outcome(interruption)).append('\n');
        }
        List<String> spawnedInStart = kit.backend().spawnOrder();
        int heardBeforeStop = kit.events().events().size();
        CompletableFuture<Void> stopped = top.stop().toCompletableFuture();
        kit.advance(Duration.ofSeconds(1));
        trace.append("stop: ").append(outcome(stopped)).append('\n');
        List<SupervisorEvent> events = kit.events().events();
        // a diagnosis is made on a pool of its own, and told when it is done: its place among the events is not the engine's order
        events.stream().filter(e -> !(e instanceof SupervisorEvent.Diagnosed)).forEach(e -> trace.append(e).append('\n'));

        String seedSays = "seed " + seed + ", tree " + root + ", failing " + failing + ", stopped during the start "
            + (interrupted == null ? null : interrupted.name() + " at step " + interruptAt);
        assertThat(stopped).as(seedSays).isCompleted();
        // the start: spawns in declared order, each group RUNNING in pre-order
        assertThat(subsequence(spawnedInStart, processes)).as(seedSays + ": " + spawnedInStart + " in the order of " + processes).isTrue();
        List<String> groupsRunning = events.subList(0, heardBeforeStop).stream()
            .filter(e -> e instanceof SupervisorEvent.GroupStateChanged g && g.to() == GroupState.RUNNING).map(SupervisorEvent::process).toList();
        assertThat(subsequence(groupsRunning, groups)).as(seedSays + ": " + groupsRunning + " in the order of " + groups).isTrue();
        if (failing == null && interrupted == null) {
          assertThat(started).as(seedSays).isCompleted();
          assertThat(spawnedInStart).as(seedSays).isEqualTo(processes);
          assertThat(groupsRunning).as(seedSays).isEqualTo(groups);
        }
        if (failing != null && interrupted == null) {
          assertThat(started).as(seedSays).isCompletedExceptionally();
          assertThat(spawnedInStart).as(seedSays).isEqualTo(processes.subList(0, processes.indexOf(failing)));
        }
        // the stop: each group STOPPED before its children, the last child first
        List<SupervisorEvent> stopEvents = events.subList(heardBeforeStop, events.size());
        List<String> groupsStopped = stopEvents.stream()
            .filter(e -> e instanceof SupervisorEvent.GroupStateChanged g && g.to() == GroupState.STOPPED).map(SupervisorEvent::process).toList();
        List<String> processesStopped = stopEvents.stream()
            .filter(e -> e instanceof SupervisorEvent.StateChanged s && s.to() == ProcessState.STOPPING).map(SupervisorEvent::process).toList();
        assertThat(subsequence(groupsStopped, names(mirrored, true))).as(seedSays + ": " + groupsStopped + " in the order of " + names(mirrored, true)).isTrue();
        assertThat(subsequence(processesStopped, names(mirrored, false))).as(seedSays + ": " + processesStopped + " in the order of " + names(mirrored, false)).isTrue();
        if (failing == null && interrupted == null) {
          assertThat(groupsStopped).as(seedSays).isEqualTo(names(mirrored, true));
          assertThat(processesStopped).as(seedSays).isEqualTo(names(mirrored, false));
        }
        for (String p : processes) {
          assertThat(sup.controller(p).orElseThrow().status().state()).as(seedSays + ": " + p).isNotIn(ProcessState.RUNNING, ProcessState.STARTING);
        }
      }
      if (dump != null) {
        Files.writeString(Path.of(dump), trace, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    }
  }
}
