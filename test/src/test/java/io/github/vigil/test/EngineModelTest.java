package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.Dependency;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A model-based test of the engine, in the spirit of Caffeine's simulator: seeded random sequences of
 * commands (start, stop, restart, startAll, stopAll, remove, supervision on/off, close), backend
 * events (exit, signal, spawn failure) and clock steps drive the real engine on the fake backend;
 * after every step (the supervisor idle) invariants are checked against the backend and a small
 * model of what may be alive, and at the end against the whole event history. The failure message
 * carries the seed and the steps so far, so any failure replays exactly.
 *
 * <p>{@code -Dvigil.model.sequences=N} sets how many sequences run (CI: the default below); a million:
 * {@code mvn -pl test -am test -Dtest=EngineModelTest -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.model.sequences=1000000}.
 */
@Timeout(600)
class EngineModelTest {
  static final int SEQUENCES = Integer.getInteger("vigil.model.sequences", 2_000);
  static final long FIRST_SEED = Long.getLong("vigil.model.seed", 1L);
  private static final List<String> NAMES = List.of("a", "b", "c");
  private static final Set<String> SHAPES = ConcurrentHashMap.newKeySet();

  @AfterAll
  static void report() {
    org.slf4j.LoggerFactory.getLogger(EngineModelTest.class)
        .info("EngineModelTest: {} sequences reached {} distinct state shapes (the states of a, b, c)", SEQUENCES, SHAPES.size());
  }

  @Test
  void randomHistoriesKeepTheInvariants(org.junit.jupiter.api.TestReporter reporter) {
    for (long seed = FIRST_SEED; seed < FIRST_SEED + SEQUENCES; seed++) {
      run(seed);
    }
    String summary = SEQUENCES + " sequences reached " + SHAPES.size() + " distinct state shapes";
    reporter.publishEntry("distinct state shapes", summary);
    System.out.println("EngineModelTest: " + summary); // in the build's output (the test logger is at WARN)
    if (SEQUENCES >= 1_000) {
      assertThat(SHAPES.size()).as("distinct state shapes reached").isGreaterThan(50);
    }
  }

  private static void run(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> steps = new ArrayList<>();
    List<CompletableFuture<?>> futures = new ArrayList<>();
    EventRecorder second = new EventRecorder();
    SupervisorTestKit kit = SupervisorTestKit.create();
    try {
      Supervisor sup = kit.supervisor();
      sup.subscribe(second);
      FakeBackend backend = kit.backend();
      for (String n : NAMES) {
        ProcessSpec.Builder b = ProcessSpec.builder(n).command(n)
            .startupGrace(r.nextBoolean() ? Duration.ZERO : Duration.ofMillis(500))
            .restartPolicy((r.nextBoolean() ? RestartPolicy.always() : RestartPolicy.onFailure())
                .withBackoff(Backoff.fixed(Duration.ofMillis(r.nextInt(3) * 500L)))
                .withStartLimit(1 + r.nextInt(4), Duration.ofSeconds(30)));
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
      Map<String, Integer> runsAtRemoval = new HashMap<>();
      boolean closed = false;
      int length = 5 + r.nextInt(20);
      for (int i = 0; i < length && !closed; i++) {
        String n = NAMES.get(r.nextInt(NAMES.size()));
        Optional<ProcessController> c = sup.controller(n);
        int op = r.nextInt(14);
        String step = switch (op) {
          case 0, 1 -> c.map(x -> { futures.add(x.start().toCompletableFuture()); return "start " + n; }).orElse("start gone " + n);
          case 2 -> c.map(x -> { futures.add(x.stop().toCompletableFuture()); return "stop " + n; }).orElse("stop gone " + n);
          case 3 -> c.map(x -> { futures.add(x.restart().toCompletableFuture()); return "restart " + n; }).orElse("-");
          case 4 -> { futures.add(sup.startAll().toCompletableFuture()); yield "startAll"; }
          case 5 -> { futures.add(sup.stopAll().toCompletableFuture()); yield "stopAll"; }
          case 6 -> {
            if (!n.equals("a") && c.isPresent()) {
              futures.add(sup.remove(n).toCompletableFuture().whenComplete((v, e) -> runsAtRemoval.put(n, backend.runs(n).size())));
              yield "remove " + n;
            }
            yield "-";
          }
          case 7 -> { c.ifPresent(x -> x.setSupervised(r.nextInt(3) != 0)); yield "supervise " + n; }
          case 8 -> { int code = r.nextInt(3); yield backend.current(n).map(p -> p.exit(code) ? "exit " + n + " " + code : "-").orElse("-"); }
          case 9 -> { yield backend.current(n).map(p -> p.kill(Signal.SIGKILL) ? "kill " + n : "-").orElse("-"); }
          case 10 -> { backend.failNextSpawn(n, "scripted"); yield "failNextSpawn " + n; }
          case 11, 12 -> { long ms = r.nextInt(4) * 500L; kit.advance(Duration.ofMillis(ms)); yield "advance " + ms; }
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
          checkNow(seed, steps, sup, backend, runsAtRemoval);
        }
      }
      kit.close();
      for (int k = 0; k < futures.size(); k++) {
        assertThat(futures.get(k)).as("seed %d, steps %s: the future of command %d never completed; events %s", seed, steps, k,
            kit.events().events()).isDone();
      }
      assertThat(backend.spawnsAfterClose()).as("seed %d, steps %s", seed, steps).isZero();
      assertThat(backend.alive()).as("seed %d, steps %s: alive after close", seed, steps).isEmpty();
      checkHistory(seed, steps, kit.events().events(), second.events());
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " failed after steps " + steps + ": " + e.getMessage(), e);
    } finally {
      kit.close();
    }
  }

  /** After a step, with the supervisor idle: its states against the backend's processes. */
  private static void checkNow(long seed, List<String> steps, Supervisor sup, FakeBackend backend, Map<String, Integer> runsAtRemoval) {
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
    SHAPES.add(shape.toString());
  }

  /** The whole history: both listeners heard the same events, each process's transitions chain, dependencies held. */
  private static void checkHistory(long seed, List<String> steps, List<SupervisorEvent> events, List<SupervisorEvent> second) {
    assertThat(second).as("seed %d, steps %s: a second listener heard another history", seed, steps).isEqualTo(events);
    Map<String, ProcessState> last = new HashMap<>();
    Map<String, Boolean> registered = new HashMap<>();
    for (SupervisorEvent e : events) {
      if (e instanceof SupervisorEvent.Registered) {
        registered.put(e.process(), true);
        last.put(e.process(), ProcessState.STOPPED);
        continue;
      }
      if (NAMES.contains(e.process())) {
        assertThat(registered).as("seed %d: %s before Registered", seed, e).containsKey(e.process());
      }
      if (e instanceof SupervisorEvent.StateChanged s) {
        assertThat(s.from()).as("seed %d, steps %s: %s does not follow %s", seed, steps, s, last.get(s.process()))
            .isEqualTo(last.get(s.process()));
        last.put(s.process(), s.to());
      }
      if (e instanceof SupervisorEvent.Started st && !st.process().equals("a") && NAMES.contains(st.process())) {
        assertThat(last.get("a")).as("seed %d, steps %s: %s started while a was %s", seed, steps, st.process(), last.get("a"))
            .isEqualTo(ProcessState.RUNNING);
      }
    }
    Map<String, Long> starts = events.stream().filter(e -> e instanceof SupervisorEvent.Started)
        .collect(Collectors.groupingBy(SupervisorEvent::process, Collectors.counting()));
    assertThat(starts.keySet()).allMatch(NAMES::contains);
  }
}
