package io.github.vigil.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vigil.Dependency;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code DefaultSupervisor.dependentsOf}, the dependents told of a process's state and health changes, is kept in an
 * index (register, an update put into effect, remove) since a scan of every process on each change made a start of n
 * processes depending on others cost n^2. This compares it, after each step of random registrations (one at a time and
 * several at once), updates that change the dependencies and removals (some refused), with the scan it replaced (kept
 * here as the oracle: every registered process, in registration order, whose spec in effect names the process), for
 * every name ever used and one never registered. Nothing is started: each update is in effect at once.
 */
class DependentsIndexPropertyTest {
  private static final int SEEDS = 500;
  private static final AtomicInteger REGISTERED = new AtomicInteger();
  private static final AtomicInteger UPDATED = new AtomicInteger();
  private static final AtomicInteger REMOVED = new AtomicInteger();
  private static final AtomicInteger CASES = new AtomicInteger();

  static LongStream seeds() {
    return Gen.seeds(SEEDS);
  }

  @AfterAll
  static void everyKindOfStepWasTaken() {
    if (CASES.get() >= SEEDS) { // the whole run, not one seed replayed
      assertTrue(REGISTERED.get() > 5_000 && UPDATED.get() > 1_000 && REMOVED.get() > 1_000,
          () -> "registered " + REGISTERED + ", updated " + UPDATED + ", removed " + REMOVED);
    }
  }

  /** The scan dependentsOf was: every registered process, in registration order, whose spec in effect names {@code name}. */
  private static List<ManagedProcess> scan(Supervisor sup, String name) {
    List<ManagedProcess> out = new ArrayList<>();
    for (ProcessController c : sup.controllers()) {
      for (Dependency d : c.spec().dependencies()) {
        if (d.name().equals(name)) {
          out.add((ManagedProcess) c);
        }
      }
    }
    return out;
  }

  private static ProcessSpec spec(String name, SplittableRandom r, List<String> candidates) {
    ProcessSpec.Builder b = ProcessSpec.builder(name).command("true");
    for (int d = r.nextInt(4); d > 0 && !candidates.isEmpty(); d--) {
      String other = candidates.get(r.nextInt(candidates.size()));
      if (!other.equals(name)) {
        b.dependsOn(other);
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theIndexSaysWhatTheScanSaid(long seed) throws Exception {
    CASES.incrementAndGet();
    SplittableRandom r = new SplittableRandom(seed);
    List<String> used = new ArrayList<>();
    try (Supervisor sup = Supervisor.builder().name("dependents-" + seed).backend("jdk").build()) {
      DefaultSupervisor ds = (DefaultSupervisor) sup;
      int steps = 20 + r.nextInt(60);
      for (int step = 0; step < steps; step++) {
        List<String> registered = sup.controllers().stream().map(ProcessController::name).toList();
        int kind = registered.isEmpty() ? 0 : r.nextInt(10);
        if (kind < 4) { // one, or several at once, each naming registered ones or those before it
          List<ProcessSpec> specs = new ArrayList<>();
          List<String> candidates = new ArrayList<>(registered);
          for (int k = r.nextInt(3) == 0 ? 1 + r.nextInt(4) : 1; k > 0; k--) {
            String name = "p" + used.size();
            used.add(name);
            specs.add(spec(name, r, candidates));
            candidates.add(name);
          }
          sup.registerAll(specs);
          REGISTERED.addAndGet(specs.size());
        } else if (kind < 7) { // new dependencies, in effect at once; one that would close a cycle is refused
          String name = registered.get(r.nextInt(registered.size()));
          try {
            sup.controller(name).orElseThrow().update(spec(name, r, registered), io.github.vigil.UpdateMode.NEXT_START).toCompletableFuture().get(10, TimeUnit.SECONDS);
            UPDATED.incrementAndGet();
          } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof IllegalArgumentException, e::toString);
          }
        } else { // refused while another depends on it
          String name = registered.get(r.nextInt(registered.size()));
          try {
            sup.remove(name).toCompletableFuture().get(10, TimeUnit.SECONDS);
            REMOVED.incrementAndGet();
          } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof IllegalStateException, e::toString);
          }
        }
        for (String n : used) {
          assertEquals(scan(sup, n), ds.dependentsOf(n), "dependents of " + n + " after step " + step);
        }
        assertEquals(List.of(), ds.dependentsOf("never-registered"));
      }
    }
  }
}
