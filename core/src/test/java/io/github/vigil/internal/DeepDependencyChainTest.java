package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.UpdateMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A dependency chain of 100,000 processes, registered at once, and a cycle as long: the check of registerAll() and
 * update() and startAll()'s walk of what to start recursed once a dependency, and overflowed the thread's stack
 * (StackOverflowError) rather than registering the chain or naming the cycle. stopAll() and close(), which chain each
 * process's stop after its dependents' with CompletableFutures, did not (they ran on such a chain before too) and are run
 * on it here. Registering spawns nothing: the JDK backend runs no process here.
 */
@Timeout(120)
class DeepDependencyChainTest {
  private static final int N = 100_000;

  private static ProcessSpec spec(String name, String... dependsOn) {
    ProcessSpec.Builder b = ProcessSpec.builder(name).command("true").autoStart(false);
    for (String d : dependsOn) {
      b.dependsOn(d);
    }
    return b.build();
  }

  /** p0 <- p1 <- ... <- p(N-1), each naming the one before; p0 names {@code first} if given. */
  private static List<ProcessSpec> chain(String... first) {
    List<ProcessSpec> specs = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      specs.add(i == 0 ? spec("p0", first) : spec("p" + i, "p" + (i - 1)));
    }
    return specs;
  }

  private static Supervisor supervisor() {
    return Supervisor.builder().name("deep").backend("jdk").build();
  }

  @Test
  void registerAllTakesAChainOfAHundredThousandNamedLastFirst() throws Exception {
    List<ProcessSpec> specs = new ArrayList<>(chain());
    java.util.Collections.reverse(specs); // the check walks from p99999 down the whole chain at once
    try (Supervisor sup = supervisor()) {
      List<ProcessController> added = sup.registerAll(specs);
      assertThat(added).hasSize(N);
      // startAll() checks the whole graph again, from p99999 first; nothing starts automatically
      sup.startAll().toCompletableFuture().get(60, TimeUnit.SECONDS);
      sup.stopAll().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(sup.controllers()).hasSize(N);
    }
  }

  @Test
  void registerAllRefusesACycleOfAHundredThousandNamingIt() {
    List<ProcessSpec> specs = new ArrayList<>(chain("p" + (N - 1)));
    java.util.Collections.reverse(specs);
    StringBuilder cycle = new StringBuilder("dependency cycle: ");
    for (int i = N - 1; i >= 0; i--) {
      cycle.append('p').append(i).append(" -> ");
    }
    cycle.append('p').append(N - 1);
    try (Supervisor sup = supervisor()) {
      assertThatThrownBy(() -> sup.registerAll(specs)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage(cycle.toString());
      assertThat(sup.controllers()).isEmpty();
    }
  }

  @Test
  void anUpdateAtTheHeadOfAChainOfAHundredThousandIsCheckedAndACycleThroughItNamed() throws Exception {
    try (Supervisor sup = supervisor()) {
      // named first-first, so registerAll's walk goes one step at a time; an update's walks the whole graph from z,
      // registered first: through its new dependency down the whole chain
      sup.register(spec("z"));
      sup.register(spec("y"));
      List<ProcessSpec> specs = new ArrayList<>(chain("y"));
      sup.registerAll(specs);
      ProcessController z = sup.controller("z").orElseThrow();
      z.update(spec("z", "p" + (N - 1)), UpdateMode.NEXT_START).toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(z.spec().dependencies()).hasSize(1);

      ProcessController y = sup.controller("y").orElseThrow();
      // found on the walk from z, the first registered, which meets p99999 first
      StringBuilder cycle = new StringBuilder("update of 'y': dependency cycle: p" + (N - 1));
      for (int i = N - 2; i >= 0; i--) {
        cycle.append(" -> p").append(i);
      }
      cycle.append(" -> y -> p").append(N - 1);
      assertThatThrownBy(() -> y.update(spec("y", "p" + (N - 1)), UpdateMode.NEXT_START).toCompletableFuture().get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalArgumentException.class).hasMessage(cycle.toString());
    }
  }

  /**
   * What startAll() starts: the processes that start automatically and, through every chain, what they depend on. Asked
   * here, not through startAll(), which would start the 100,000 processes.
   */
  @Test
  void startAllsWalkOfWhatToStartTakesAChainOfAHundredThousand() {
    Map<String, ProcessSpec> specs = new LinkedHashMap<>();
    for (ProcessSpec s : chain()) {
      specs.put(s.name(), s);
    }
    Set<String> toStart = new HashSet<>();
    DependencyGraph.withDependencies("p" + (N - 1), specs, toStart);
    assertThat(toStart).hasSize(N);
    DependencyGraph.withDependencies("p" + (N / 2), specs, toStart);
    assertThat(toStart).hasSize(N);
    Set<String> half = new HashSet<>();
    DependencyGraph.withDependencies("p" + (N / 2), specs, half);
    assertThat(half).hasSize(N / 2 + 1).contains("p0", "p" + (N / 2)).doesNotContain("p" + (N / 2 + 1));
  }
}
