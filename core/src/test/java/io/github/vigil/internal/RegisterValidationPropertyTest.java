package io.github.vigil.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.Gen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * register and registerAll check only what the new specs reach (DependencyGraph.validate from them); this compares them,
 * over random sequences of registers, registerAlls and removals, with the check of the whole graph the register made
 * before: the same specs accepted, the same message for the ones refused, and a refused call leaving the supervisor as
 * it was (no process, no Registered event). Registering does not spawn, so the JDK backend runs nothing here.
 */
@Timeout(120)
class RegisterValidationPropertyTest {
  private static final int SEEDS = 300;
  /** How many calls were accepted, and refused of each kind: the generator must reach every kind, cycles included. */
  private static final Map<String, AtomicInteger> OUTCOMES = new ConcurrentHashMap<>();
  private static final AtomicInteger CASES = new AtomicInteger();

  static LongStream seeds() {
    return Gen.seeds(SEEDS);
  }

  @AfterAll
  static void everyKindOfRefusalWasMet() {
    if (CASES.get() >= SEEDS) { // the whole run, not one seed replayed
      for (String kind : List.of("already registered", "names unknown process", "to be HEALTHY", "dependency cycle")) {
        // 300 seeds refused 85 with a cycle, 616 with an unknown name, 968 with HEALTHY, 3353 as duplicates; 3995 accepted
        assertTrue(OUTCOMES.getOrDefault(kind, new AtomicInteger()).get() >= 20, () -> "few cases refused with " + kind + ": " + OUTCOMES);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void registerRefusesExactlyWhatTheWholeGraphCheckRefuses(long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> names = IntStream.range(0, 3 + r.nextInt(20)).mapToObj(i -> "p" + i).toList();
    List<String> history = new ArrayList<>();
    List<String> registeredEvents = new CopyOnWriteArrayList<>();
    int accepted = 0;
    try (Supervisor sup = Supervisor.builder().name("graph").backend("jdk").build();
        AutoCloseable listener = sup.subscribe(e -> {
          if (e instanceof SupervisorEvent.Registered reg) {
            registeredEvents.add(reg.process());
          }
        })) {
      for (int step = 0; step < 40; step++) {
        Map<String, ProcessSpec> before = specsOf(sup);
        if (r.nextInt(4) == 0 && !before.isEmpty()) {
          List<String> present = List.copyOf(before.keySet());
          String name = present.get(r.nextInt(present.size()));
          try {
            sup.remove(name).toCompletableFuture().get(20, TimeUnit.SECONDS);
            history.add("remove " + name);
          } catch (ExecutionException dependedOn) {
            history.add("remove " + name + " refused");
          }
          continue;
        }
        boolean one = r.nextInt(3) != 0;
        List<ProcessSpec> batch = new ArrayList<>();
        int size = one ? 1 : 2 + r.nextInt(5);
        // mostly new names depending on known ones (registered or in the batch), so that cycles and HEALTHY dependencies
        // are reached, not only duplicates and unknown names
        List<String> free = new ArrayList<>(names.stream().filter(n -> !before.containsKey(n)).toList());
        List<String> batchNames = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          batchNames.add(r.nextInt(6) == 0 || free.isEmpty() ? names.get(r.nextInt(names.size())) : free.remove(r.nextInt(free.size())));
        }
        List<String> known = new ArrayList<>(before.keySet());
        known.addAll(batchNames);
        List<String> pool = r.nextInt(4) == 0 ? names : known;
        for (String name : batchNames) {
          batch.add(Gen.dependent(r, name, pool));
        }
        String expected = wholeGraphVerdict(before, batch);
        String actual = null;
        try {
          if (one) {
            sup.register(batch.get(0));
          } else {
            sup.registerAll(batch);
          }
        } catch (IllegalArgumentException e) {
          actual = e.getMessage();
        }
        history.add((one ? "register " : "registerAll ") + describe(batch) + (actual == null ? "" : " refused"));
        String seen = String.join("; ", history);
        assertEquals(expected, actual, () -> "seed " + seed + ": " + seen);
        Map<String, ProcessSpec> after = specsOf(sup);
        Map<String, ProcessSpec> wanted = new LinkedHashMap<>(before);
        if (actual == null) {
          batch.forEach(s -> wanted.put(s.name(), s));
          accepted += batch.size();
        }
        assertEquals(wanted, after, () -> "seed " + seed + ": registered processes after " + seen);
        assertClosedAndAcyclic(after, () -> "seed " + seed + ": after " + seen);
        if (actual == null) {
          OUTCOMES.computeIfAbsent("(accepted)", k -> new AtomicInteger()).incrementAndGet();
        } else {
          String message = actual;
          List.of("already registered", "names unknown process", "to be HEALTHY", "dependency cycle").stream()
              .filter(message::contains).forEach(kind -> OUTCOMES.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet());
        }
      }
      CASES.incrementAndGet();
      assertTrue(sup.awaitIdle(Duration.ofSeconds(20)), () -> "seed " + seed + ": not idle");
      int registered = accepted;
      assertEquals(registered, registeredEvents.size(),
          () -> "seed " + seed + ": Registered events " + registeredEvents + " after " + String.join("; ", history));
    }
  }

  /** What the register did before checking only the new specs: every name free, then the whole graph checked. */
  private static @Nullable String wholeGraphVerdict(Map<String, ProcessSpec> registered, List<ProcessSpec> batch) {
    Map<String, ProcessSpec> all = new LinkedHashMap<>(registered);
    for (ProcessSpec spec : batch) {
      if (all.putIfAbsent(spec.name(), spec) != null) {
        return "name '" + spec.name() + "' is already registered";
      }
    }
    try {
      DependencyGraph.validate(all);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * Apart from DependencyGraph, so that a fault there shared by both checks still shows: every dependency names a
   * registered process, and taking away processes with no dependencies left empties the graph (Kahn's order).
   */
  private static void assertClosedAndAcyclic(Map<String, ProcessSpec> specs, java.util.function.Supplier<String> context) {
    Map<String, Integer> waitingFor = new LinkedHashMap<>();
    for (ProcessSpec s : specs.values()) {
      s.dependencies().forEach(d -> assertTrue(specs.containsKey(d.name()),
          () -> context.get() + ": '" + s.name() + "' names '" + d.name() + "', not registered"));
      waitingFor.put(s.name(), s.dependencies().size());
    }
    boolean progress = true;
    while (progress) {
      progress = false;
      for (String name : List.copyOf(waitingFor.keySet())) {
        if (waitingFor.get(name) == 0) {
          waitingFor.remove(name);
          progress = true;
          for (ProcessSpec s : specs.values()) {
            if (waitingFor.containsKey(s.name()) && s.dependencies().stream().anyMatch(d -> d.name().equals(name))) {
              waitingFor.merge(s.name(), -1, Integer::sum);
            }
          }
        }
      }
    }
    assertTrue(waitingFor.isEmpty(), () -> context.get() + ": a cycle among " + waitingFor.keySet());
  }

  private static Map<String, ProcessSpec> specsOf(Supervisor sup) {
    Map<String, ProcessSpec> specs = new LinkedHashMap<>();
    for (ProcessController c : sup.controllers()) {
      specs.put(c.name(), c.spec());
    }
    return specs;
  }

  private static String describe(List<ProcessSpec> batch) {
    List<String> parts = new ArrayList<>();
    for (ProcessSpec s : batch) {
      parts.add(s.name() + (s.healthChecks().isEmpty() ? "" : "+hc") + s.dependencies().stream()
          .map(d -> d.name() + (d.condition() == io.github.vigil.Dependency.Condition.HEALTHY ? "(healthy)" : "")).toList());
    }
    return parts.toString();
  }
}
