package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.Dependency;
import io.github.vigil.ProcessSpec;
import io.github.vigil.testing.Gen;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DependencyGraph#startOrder}: the order startAll() and stopAll() follow. It recursed once a dependency, so a chain
 * of tens of thousands overflowed the thread's stack, and a cycle did too (a StackOverflowError in a close, seen when
 * pending updates could close one); now a stack of its own, the same order, and a cycle or an unknown name said.
 */
class StartOrderTest {

  private static ProcessSpec spec(String name, String... dependsOn) {
    ProcessSpec.Builder b = ProcessSpec.builder(name).command("true");
    for (String d : dependsOn) {
      b.dependsOn(d);
    }
    return b.build();
  }

  /** The order of the recursive walk it replaces: each process after its dependencies, depth first, in declared order. */
  private static List<String> reference(Map<String, ProcessSpec> specs) {
    LinkedHashMap<String, Boolean> done = new LinkedHashMap<>();
    specs.keySet().forEach(n -> add(n, specs, done));
    return List.copyOf(done.keySet());
  }

  private static void add(String name, Map<String, ProcessSpec> specs, Map<String, Boolean> done) {
    if (!done.containsKey(name)) {
      specs.get(name).dependencies().forEach(d -> add(d.name(), specs, done));
      done.put(name, Boolean.TRUE);
    }
  }

  static LongStream seeds() {
    return Gen.seeds(300);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void theOrderIsTheRecursiveWalksOnRandomAcyclicGraphs(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 1 + r.nextInt(30);
    List<String> names = new ArrayList<>();
    Map<String, ProcessSpec> specs = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = "p" + i;
      List<String> deps = new ArrayList<>();
      for (String earlier : names) { // only on earlier ones: acyclic
        if (r.nextInt(4) == 0) {
          deps.add(earlier);
        }
      }
      java.util.Collections.shuffle(deps, new java.util.Random(r.nextLong()));
      specs.put(name, spec(name, deps.toArray(String[]::new)));
      names.add(name);
    }
    List<Map.Entry<String, ProcessSpec>> shuffled = new ArrayList<>(specs.entrySet());
    java.util.Collections.shuffle(shuffled, new java.util.Random(r.nextLong()));
    Map<String, ProcessSpec> inOrder = new LinkedHashMap<>();
    shuffled.forEach(e -> inOrder.put(e.getKey(), e.getValue()));

    List<String> order = DependencyGraph.startOrder(inOrder);

    assertThat(order).as("seed %s", seed).isEqualTo(reference(inOrder));
    for (ProcessSpec s : inOrder.values()) {
      for (Dependency d : s.dependencies()) {
        assertThat(order.indexOf(d.name())).as("seed %s: %s before %s", seed, d.name(), s.name()).isLessThan(order.indexOf(s.name()));
      }
    }
  }

  @Test
  void aChainOfAHundredThousandIsOrderedWithoutOverflowingTheStack() {
    Map<String, ProcessSpec> specs = new LinkedHashMap<>();
    int n = 100_000;
    for (int i = n - 1; i >= 0; i--) { // the last first: the walk goes the whole chain deep at once
      specs.put("p" + i, i == 0 ? spec("p0") : spec("p" + i, "p" + (i - 1)));
    }
    List<String> order = DependencyGraph.startOrder(specs);
    assertThat(order).hasSize(n);
    assertThat(order.get(0)).isEqualTo("p0");
    assertThat(order.get(n - 1)).isEqualTo("p" + (n - 1));
  }

  @Test
  void aCycleIsSaidNotOverflowed() {
    Map<String, ProcessSpec> specs = new LinkedHashMap<>();
    specs.put("x", spec("x", "a"));
    specs.put("a", spec("a", "b"));
    specs.put("b", spec("b", "a"));
    assertThatThrownBy(() -> DependencyGraph.startOrder(specs)).isInstanceOf(IllegalStateException.class)
        .hasMessage("dependency cycle among registered processes: a -> b -> a");
  }

  @Test
  void anUnknownDependencyIsSaid() {
    Map<String, ProcessSpec> specs = new LinkedHashMap<>();
    specs.put("app", spec("app", "db"));
    assertThatThrownBy(() -> DependencyGraph.startOrder(specs)).isInstanceOf(IllegalStateException.class)
        .hasMessage("'app' depends on 'db', which is not registered");
  }
}
