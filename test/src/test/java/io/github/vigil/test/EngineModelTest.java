package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.Dependency;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.UpdateMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A model-based test of the engine, in the spirit of Caffeine's simulator: seeded random sequences of
 * commands (start, stop, restart, startAll, stopAll, remove, update, supervision on/off, group start
 * and stop, close), backend events (exit, kill, spawn failure, slow spawn) and clock steps drive the
 * real engine on the fake backend, over a random tree: five processes, {@code b} and {@code c}
 * depending on {@code a} ({@code c} with a random {@link Dependency.OnExit}), and, in most sequences, a
 * group over {@code d} and {@code e} with a random strategy ({@code ONE_FOR_ONE}, {@code ONE_FOR_ALL},
 * {@code REST_FOR_ONE}) and intensity, sometimes nested in a group with {@code c}. After every step
 * (the supervisor idle) the engine is checked against the backend and a small model of what may be
 * alive; at the end against the whole event history:
 * <ul>
 *   <li>never two live runs of one process; a process STARTING or RUNNING has exactly its one live run;
 *   <li>nothing spawned after close, nor for a removed process;
 *   <li>no dependent's start decided while its dependency is not RUNNING;
 *   <li>each group's restarts within its intensity (counted from the events, in virtual time);
 *   <li>a child whose own restart policy gives up (its start limit) in a running group is that group's
 *       failure: the group's next decision ({@code GroupRestart} or {@code GroupFailed}) names it, and a
 *       running group has no {@code FAILED} child once the sequence has settled (5 s of virtual time);
 *   <li>every run uses the spec in effect when its start began (updates);
 *   <li>a {@code stopAll()} at the end of a sequence leaves nothing running, whatever starts were under way;
 *   <li>every command's future completes;
 *   <li>every listener hears every event once, in the same order; each process's transitions chain;
 *   <li>a restart decision ({@code RestartScheduled}) follows the {@code StateChanged} its run's end led to;
 *   <li>each {@code SupervisionChanged} is a change: two in a row for a process never say the same (on at first).
 * </ul>
 * The failure message carries the seed and the steps so far, so any failure replays exactly:
 * {@code -Dvigil.model.seed=<seed> -Dvigil.model.sequences=1}.
 *
 * <p>Sequences run on {@code vigil.model.threads} threads (default 8), each one deterministic by its
 * seed (its own supervisor, backend and virtual clock), odd seeds on a backend called on the
 * supervisor's I/O threads (as the JDK backend), even ones on a backend that spawns on its own thread
 * (as the Linux backend). {@code -Dvigil.model.sequences=N} sets how many
 * (CI: 10,000); a million:
 * {@code mvn -pl test -am test -Dtest=EngineModelTest -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.model.sequences=1000000}.
 */
@Timeout(1200)
class EngineModelTest {
  static final int SEQUENCES = Integer.getInteger("vigil.model.sequences", 10_000);
  static final long FIRST_SEED = Long.getLong("vigil.model.seed", 1L);
  static final int THREADS = Integer.getInteger("vigil.model.threads", 8);
  private static final List<String> NAMES = List.of("a", "b", "c", "d", "e");
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private static final Set<String> SHAPES = ConcurrentHashMap.newKeySet();
  /**
   * The listener executor of every sequence's supervisor: a thread started per supervisor was the
   * largest cost of a sequence (each listener still has its own ordered queue on it).
   */
  private static final ExecutorService LISTENERS = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "model-listeners");
    t.setDaemon(true);
    return t;
  });

  @Test
  void randomHistoriesKeepTheInvariants(org.junit.jupiter.api.TestReporter reporter) throws Exception {
    long t0 = System.nanoTime();
    AtomicLong next = new AtomicLong(FIRST_SEED);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "model-sequences");
      t.setDaemon(true);
      return t;
    });
    List<Future<?>> workers = new ArrayList<>();
    List<AssertionError> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int w = 0; w < THREADS; w++) {
      workers.add(pool.submit(() -> {
        for (long seed = next.getAndIncrement(); seed < FIRST_SEED + SEQUENCES && failures.isEmpty(); seed = next.getAndIncrement()) {
          try {
            run(seed);
          } catch (AssertionError e) {
            failures.add(e);
          }
        }
      }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    pool.shutdown();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    String summary = String.format(java.util.Locale.ROOT, "%d sequences on %d threads reached %d distinct state shapes in %.1f s",
        SEQUENCES, THREADS, SHAPES.size(), (System.nanoTime() - t0) / 1e9);
    reporter.publishEntry("distinct state shapes", summary);
    System.out.println("EngineModelTest: " + summary); // in the build's output (the test logger is at WARN)
    if (SEQUENCES >= 1_000) {
      assertThat(SHAPES.size()).as("distinct state shapes reached").isGreaterThan(500);
    }
  }

  /** What the model knows of one sequence's tree. */
  private record Tree(Map<String, GroupSpec> groups) {}

  private static void run(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> steps = new ArrayList<>();
    List<CompletableFuture<?>> futures = new ArrayList<>();
    EventRecorder second = new EventRecorder();
    // odd seeds spawn as the JDK backend does (on the supervisor's I/O threads), even ones as the Linux backend (handed to its thread)
    FakeBackend fake = seed % 2 == 0 ? FakeBackend.spawningOnItsOwnThread() : new FakeBackend();
    SupervisorTestKit kit = SupervisorTestKit.create(fake, builder -> builder.listenerExecutor(LISTENERS));
    List<Integer> groupStarts = new ArrayList<>(); // event counts at which a group was started by a step (a fresh intensity)
    try {
      Supervisor sup = kit.supervisor();
      sup.subscribe(second);
      FakeBackend backend = kit.backend();
      for (String n : NAMES) {
        ProcessSpec.Builder b = ProcessSpec.builder(n).command(n, "v0")
            .startupGrace(r.nextBoolean() ? Duration.ZERO : Duration.ofMillis(500))
            .restartPolicy((r.nextBoolean() ? RestartPolicy.always() : RestartPolicy.onFailure())
                .withBackoff(Backoff.fixed(Duration.ofMillis(r.nextInt(3) * 500L)))
                .withStartLimit(1 + r.nextInt(4), WINDOW));
        if (n.equals("b")) {
          b.dependsOn("a");
        } else if (n.equals("c")) {
          b.dependsOn("a", Dependency.Condition.STARTED, Dependency.OnExit.values()[r.nextInt(3)]);
        }
        if (r.nextInt(4) == 0) {
          backend.ignore(n, Signal.SIGTERM);
          b.stopTimeout(Duration.ofSeconds(1));
        }
        sup.register(b.build());
      }
      Map<String, GroupSpec> groups = new HashMap<>();
      if (r.nextInt(4) != 0) {
        GroupSpec.Strategy[] strategies = GroupSpec.Strategy.values();
        GroupSpec in = GroupSpec.builder("in").strategy(strategies[r.nextInt(3)]).intensity(1 + r.nextInt(3), Duration.ofSeconds(10))
            .children("d", "e").build();
        sup.registerGroup(in);
        groups.put("in", in);
        if (r.nextBoolean()) {
          GroupSpec out = GroupSpec.builder("out").strategy(strategies[r.nextInt(3)]).intensity(1 + r.nextInt(3), Duration.ofSeconds(20))
              .children(r.nextBoolean() ? new String[] {"in", "c"} : new String[] {"c", "in"}).build();
          sup.registerGroup(out);
          groups.put("out", out);
        }
      }
      List<String> groupNames = List.copyOf(groups.keySet());
      Map<String, Integer> runsAtRemoval = new HashMap<>();
      boolean closed = false;
      int version = 0;
      int length = 5 + r.nextInt(25);
      for (int i = 0; i < length && !closed; i++) {
        String n = NAMES.get(r.nextInt(NAMES.size()));
        Optional<ProcessController> c = sup.controller(n);
        int op = r.nextInt(19);
        int v = ++version;
        String step = switch (op) {
          case 0, 1 -> c.map(x -> { futures.add(x.start().toCompletableFuture()); return "start " + n; }).orElse("start gone " + n);
          case 2 -> c.map(x -> { futures.add(x.stop().toCompletableFuture()); return "stop " + n; }).orElse("stop gone " + n);
          case 3 -> c.map(x -> { futures.add(x.restart().toCompletableFuture()); return "restart " + n; }).orElse("-");
          case 4 -> { futures.add(sup.startAll().toCompletableFuture()); yield "startAll"; }
          case 5 -> { futures.add(sup.stopAll().toCompletableFuture()); yield "stopAll"; }
          case 6 -> {
            if ((n.equals("b") || n.equals("c") && !groups.containsKey("out")) && c.isPresent()) {
              futures.add(sup.remove(n).toCompletableFuture().whenComplete((x, e) -> runsAtRemoval.put(n, backend.runs(n).size())));
              yield "remove " + n;
            }
            yield "-";
          }
          case 7 -> { c.ifPresent(x -> x.setSupervised(r.nextInt(3) != 0)); yield "supervise " + n; }
          case 8 -> { int code = r.nextInt(3); yield backend.current(n).map(p -> p.exit(code) ? "exit " + n + " " + code : "-").orElse("-"); }
          case 9 -> { yield backend.current(n).map(p -> p.kill(Signal.SIGKILL) ? "kill " + n : "-").orElse("-"); }
          case 10 -> { backend.failNextSpawn(n, "scripted"); yield "failNextSpawn " + n; }
          case 11, 12 -> { long ms = r.nextInt(4) * 500L; kit.advance(Duration.ofMillis(ms)); yield "advance " + ms; }
          case 13 -> {
            UpdateMode mode = r.nextBoolean() ? UpdateMode.NEXT_START : UpdateMode.RESTART_NOW;
            yield c.map(x -> {
              futures.add(x.update(x.spec().toBuilder().command(n, "v" + v).build(), mode, "step " + v).toCompletableFuture());
              return "update " + n + " v" + v + " " + mode;
            }).orElse("-");
          }
          case 14 -> { // a crash right after the spawn: reported while the engine may still be taking the spawn's result
            backend.onNextSpawn(n, p -> p.exit(1));
            yield "crashOnNextSpawn " + n;
          }
          case 15, 16 -> {
            if (groupNames.isEmpty()) {
              yield "-";
            }
            String g = groupNames.get(r.nextInt(groupNames.size()));
            GroupController gc = sup.group(g).orElseThrow();
            if (r.nextInt(3) != 0) {
              groupStarts.add(kit.events().events().size());
              futures.add(gc.start().toCompletableFuture());
              yield "group start " + g;
            }
            futures.add(gc.stop().toCompletableFuture());
            yield "group stop " + g;
          }
          default -> {
            if (r.nextInt(4) == 0) {
              kit.close();
              yield "close";
            }
            yield "-";
          }
        };
        closed = step.equals("close");
        steps.add(step);
        if (!closed) {
          kit.awaitIdle();
          checkNow(seed, steps, sup, backend, runsAtRemoval, groupNames);
        }
      }
      if (!closed) { // settled (every stop timeout, backoff and grace over), a running group keeps no child its policy gave up on
        for (int t = 0; t < 10; t++) {
          kit.advance(Duration.ofMillis(500));
        }
        kit.awaitIdle();
        for (String g : groupNames) {
          GroupController gc = sup.group(g).orElseThrow();
          if (gc.state() == GroupState.RUNNING) {
            for (String m : gc.spec().children()) {
              sup.controller(m).ifPresent(mc -> assertThat(mc.status().state())
                  .as("seed %d, steps %s: %s in running group %s, settled; events %s", seed, steps, m, g, kit.events().events())
                  .isNotEqualTo(ProcessState.FAILED));
            }
          }
        }
      }
      if (!closed) { // a stopAll() leaves nothing running, whatever starts (a group's, a startAll()'s, a policy's) were under way
        CompletableFuture<Void> all = sup.stopAll().toCompletableFuture();
        for (int t = 0; t < 60 && !all.isDone(); t++) {
          kit.advance(Duration.ofMillis(500));
        }
        assertThat(all).as("seed %d, steps %s: stopAll() never completed", seed, steps).isDone();
        assertThat(backend.alive()).as("seed %d, steps %s: alive after stopAll(); events %s", seed, steps, kit.events().events()).isEmpty();
      }
      kit.close();
      for (int k = 0; k < futures.size(); k++) {
        assertThat(futures.get(k)).as("seed %d, steps %s: the future of command %d never completed; events %s", seed, steps, k,
            kit.events().events()).isDone();
      }
      assertThat(backend.spawnsAfterClose()).as("seed %d, steps %s", seed, steps).isZero();
      assertThat(backend.alive()).as("seed %d, steps %s: alive after close", seed, steps).isEmpty();
      // close() returns once every listener has taken the last events (each has its own queue on the shared executor)
      checkHistory(seed, steps, kit.events().events(), second.events(), backend, groups, groupStarts);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " failed after steps " + steps + ": " + e.getMessage(), e);
    } finally {
      kit.close();
    }
  }

  /** After a step, with the supervisor idle: its states against the backend's processes. */
  private static void checkNow(long seed, List<String> steps, Supervisor sup, FakeBackend backend, Map<String, Integer> runsAtRemoval,
      List<String> groupNames) {
    StringBuilder shape = new StringBuilder();
    for (String n : NAMES) {
      long alive = backend.runs(n).stream().filter(FakeProcess::isAlive).count();
      assertThat(alive).as("seed %d, steps %s: live runs of %s", seed, steps, n).isLessThanOrEqualTo(1);
      Optional<ProcessController> c = sup.controller(n);
      if (c.isEmpty()) {
        assertThat(alive).as("seed %d, steps %s: %s removed but alive", seed, steps, n).isZero();
        Integer at = runsAtRemoval.get(n);
        if (at != null) {
          assertThat(backend.runs(n)).as("seed %d, steps %s: spawned after removal", seed, steps).hasSize(at);
        }
        shape.append("-,");
        continue;
      }
      ProcessState s = c.get().status().state();
      shape.append(s).append(',');
      if (s == ProcessState.STARTING || s == ProcessState.RUNNING) {
        assertThat(alive).as("seed %d, steps %s: %s is %s without a live run", seed, steps, n, s).isEqualTo(1);
        assertThat(c.get().status().pid()).isEqualTo(backend.current(n).orElseThrow().pid());
      } else if (s != ProcessState.STOPPING) {
        assertThat(alive).as("seed %d, steps %s: %s is %s with a live run", seed, steps, n, s).isZero();
      }
    }
    for (String g : groupNames) {
      shape.append(g).append('=').append(sup.group(g).orElseThrow().state()).append(',');
    }
    SHAPES.add(shape.toString());
  }

  /** The whole history: both listeners heard the same events, transitions chain, dependencies held, intensities kept, updates used. */
  private static void checkHistory(long seed, List<String> steps, List<SupervisorEvent> events, List<SupervisorEvent> second,
      FakeBackend backend, Map<String, GroupSpec> groups, List<Integer> groupStarts) {
    assertThat(second).as("seed %d, steps %s: a second listener heard another history", seed, steps).isEqualTo(events);
    Map<String, ProcessState> last = new HashMap<>();
    Map<String, List<String>> command = new HashMap<>(); // per process: the command of the spec in effect for the next start
    Map<String, List<String>> startingWith = new HashMap<>(); // per process: the command its start under way must use
    Map<String, ArrayDeque<Instant>> restarts = new HashMap<>();
    Map<Long, List<String>> spawnedWith = new HashMap<>();
    for (String n : NAMES) {
      backend.runs(n).forEach(p -> spawnedWith.put(p.pid(), p.request().command()));
      command.put(n, List.of(n, "v0"));
    }
    Map<String, String> groupOf = new HashMap<>(); // each process in a group: its group
    groups.values().forEach(g -> g.children().stream().filter(NAMES::contains).forEach(c -> groupOf.put(c, g.name())));
    Map<String, GroupState> groupState = new HashMap<>();
    Map<String, String> gaveUpIn = new HashMap<>(); // per group: its child whose policy gave up, until the group decided on it
    Map<String, Boolean> endShown = new HashMap<>(); // per process: whether the state its last Exited led to was heard
    Map<String, Boolean> supervised = new HashMap<>(); // per process: supervision as its last SupervisionChanged said
    for (int i = 0; i < events.size(); i++) {
      SupervisorEvent e = events.get(i);
      if (e instanceof SupervisorEvent.Exited) {
        endShown.put(e.process(), false);
      } else if (e instanceof SupervisorEvent.StateChanged s
          && (s.to() == ProcessState.CRASHED || s.to() == ProcessState.EXITED || s.to() == ProcessState.STOPPED)) {
        endShown.put(e.process(), true);
      }
      if (e instanceof SupervisorEvent.RestartScheduled r) {
        assertThat(endShown.getOrDefault(r.process(), true)).as("seed %d, steps %s: %s before the state its exit led to", seed, steps, r)
            .isTrue();
      }
      if (e instanceof SupervisorEvent.SupervisionChanged sc) {
        assertThat(sc.supervised()).as("seed %d, steps %s: %s changes nothing", seed, steps, sc)
            .isNotEqualTo(supervised.getOrDefault(sc.process(), true));
        supervised.put(sc.process(), sc.supervised());
      }
      if (e instanceof SupervisorEvent.GroupStateChanged gs) {
        groupState.put(gs.process(), gs.to());
      }
      // a child whose own policy gives up, in a running group, is the group's failure: restarted by it (counted) or escalated
      if (e instanceof SupervisorEvent.Failed f && groupOf.containsKey(f.process())
          && groupState.get(groupOf.get(f.process())) == GroupState.RUNNING) {
        gaveUpIn.put(groupOf.get(f.process()), f.process());
      }
      String decidedOn = e instanceof SupervisorEvent.GroupRestart gr ? gr.child() : e instanceof SupervisorEvent.GroupFailed gf ? gf.child() : null;
      if (decidedOn != null && gaveUpIn.containsKey(e.process())) {
        assertThat(decidedOn).as("seed %d, steps %s: group %s's next decision after %s failed: %s", seed, steps, e.process(),
            gaveUpIn.get(e.process()), e).isEqualTo(gaveUpIn.remove(e.process()));
      }
      if (groupStarts.contains(i)) {
        restarts.clear(); // a started group counts afresh (conservative: every group)
      }
      if (e instanceof SupervisorEvent.Registered) {
        last.put(e.process(), ProcessState.STOPPED);
        continue;
      }
      if (NAMES.contains(e.process())) {
        assertThat(last).as("seed %d: %s before Registered", seed, e).containsKey(e.process());
      }
      if (e instanceof SupervisorEvent.SpecUpdated u) {
        command.put(u.process(), u.spec().command());
      }
      if (e instanceof SupervisorEvent.StateChanged s) {
        assertThat(s.from()).as("seed %d, steps %s: %s does not follow %s", seed, steps, s, last.get(s.process()))
            .isEqualTo(last.get(s.process()));
        last.put(s.process(), s.to());
        if (s.to() == ProcessState.STARTING) {
          startingWith.put(s.process(), command.get(s.process()));
          if (s.process().equals("b") || s.process().equals("c")) { // the start is decided here; the spawn follows off the supervision thread
            assertThat(last.get("a")).as("seed %d, steps %s: %s started while a was %s", seed, steps, s.process(), last.get("a"))
                .isEqualTo(ProcessState.RUNNING);
          }
        }
      }
      if (e instanceof SupervisorEvent.Started st && NAMES.contains(st.process())) {
        assertThat(spawnedWith.get(st.pid())).as("seed %d, steps %s: run %d of %s spawned with the spec of its start", seed, steps,
            st.run(), st.process()).isEqualTo(startingWith.get(st.process()));
      }
      if (e instanceof SupervisorEvent.GroupFailed f) {
        restarts.remove(f.process());
      }
      if (e instanceof SupervisorEvent.GroupRestart gr) {
        GroupSpec g = groups.get(gr.process());
        ArrayDeque<Instant> q = restarts.computeIfAbsent(gr.process(), k -> new ArrayDeque<>());
        q.addLast(gr.at());
        while (!q.isEmpty() && !q.peekFirst().isAfter(gr.at().minus(g.period()))) {
          q.pollFirst();
        }
        assertThat(q.size()).as("seed %d, steps %s: group %s restarted past its intensity %d within %s", seed, steps, gr.process(),
            g.intensity(), g.period()).isLessThanOrEqualTo(g.intensity());
        assertThat(gr.restarts()).isLessThanOrEqualTo(g.intensity());
      }
    }
    assertThat(gaveUpIn).as("seed %d, steps %s: children whose policy gave up, left alone by their running group", seed, steps).isEmpty();
    Map<String, Long> starts = events.stream().filter(e -> e instanceof SupervisorEvent.Started)
        .collect(Collectors.groupingBy(SupervisorEvent::process, Collectors.counting()));
    assertThat(starts.keySet()).allMatch(NAMES::contains);
  }
}
