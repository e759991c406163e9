package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HealthReport;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.Scope;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.testing.Gen;
import io.github.vigil.spi.ProcessSampleBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The counters published from samples never go down, whatever runs end, restart, lose descendants or
 * fail to be read, and lose nothing a run had accumulated when it ends: seeded random histories of
 * samples, built as samplers build them, fed through the probe one interval at a time.
 */
class CounterAccumulationPropertyTest {

  static LongStream seeds() {
    return Gen.seeds(300);
  }

  /** A scripted process: each step says what its status and its sample are for the next interval. */
  static final class Scripted implements MeteredProcess {
    ProcessStatus status = statusOf(ProcessState.STOPPED, -1, null);
    Optional<ProcessSample> sample = Optional.empty();

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Map<String, String> labels() {
      return Map.of();
    }

    @Override
    public boolean active() {
      return status.state().isActive();
    }

    @Override
    public boolean up() {
      return status.state() == ProcessState.RUNNING;
    }

    @Override
    public @Nullable Instant runStartedAt() {
      return status.state().isActive() ? status.startedAt() : null;
    }

    @Override
    public Duration uptime() {
      return status.uptime();
    }

    @Override
    public Optional<ProcessSample> sample() {
      return sample;
    }

    @Override
    public HealthReport health() {
      return HealthReport.NONE;
    }

    @Override
    public List<String> healthCheckNames() {
      return List.of();
    }

    @Override
    public Object handle() {
      return this;
    }
  }

  static ProcessStatus statusOf(ProcessState state, long pid, @Nullable Instant started) {
    return new ProcessStatus("scripted", state, pid, started, Duration.ZERO, 0, null, HealthState.UNKNOWN, true, "");
  }

  /** A tree sample with the given members' (pid, cpu user nanos, minor faults). */
  static ProcessSample tree(long rootPid, List<long[]> members, boolean withFaults) {
    EnumSet<Field> fields = EnumSet.of(Field.CPU_USER, Field.MINOR_FAULTS);
    ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.TREE, rootPid).request(fields);
    for (long[] m : members) {
      b.beginMember().add(Field.CPU_USER, m[1]);
      if (withFaults) {
        b.add(Field.MINOR_FAULTS, m[2]);
      }
      b.endMember(m[0]);
    }
    return b.build(null);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void countersNeverGoDownAndKeepWhatEndedRunsAccumulated(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Scripted process = new Scripted();
    ProcessProbe probe = new ProcessProbe(process, ProcessProbe::load, new ProcessProbe.Counters()); // no cache: one load per read
    probe.need(EnumSet.of(Field.CPU_USER, Field.MINOR_FAULTS)); // as the registered counters of these fields ask

    assertThat(probe.total(Field.CPU_USER)).as("seed %d: never sampled", seed).isNaN();

    long pid = 1000;
    Instant started = null;
    List<long[]> members = new ArrayList<>(); // pid, cpu, faults
    double previousCpu = Double.NaN;
    double previousFaults = Double.NaN;
    long endedRunsCpu = 0; // what runs that ended had shown at their last sample
    long runLastCpu = 0;
    boolean simpleRuns = true; // no member ever dropped while another grew: totals are exact
    List<String> history = new ArrayList<>();
    int steps = 5 + random.nextInt(60);
    for (int step = 0; step < steps; step++) {
      int action = random.nextInt(10);
      if (started == null || action == 0) {
        // a new run (the first, or a restart seen only as a different pid)
        endedRunsCpu += runLastCpu;
        runLastCpu = 0;
        pid += 1 + random.nextInt(5);
        started = Instant.ofEpochSecond(1_700_000_000L + step);
        members.clear();
        members.add(new long[] {pid, random.nextInt(1000), random.nextInt(100)});
        history.add("run " + pid);
      } else if (action == 1 && members.size() > 1) {
        members.remove(1 + random.nextInt(members.size() - 1)); // a descendant ended
        simpleRuns = false;
        history.add("descendant ended");
      } else if (action == 2) {
        members.add(new long[] {pid + 100 + step, random.nextInt(1000), random.nextInt(100)}); // a descendant started
        simpleRuns = false;
        history.add("descendant started");
      } else if (action == 3) {
        process.status = statusOf(ProcessState.BACKOFF, -1, started);
        process.sample = Optional.empty();
        endedRunsCpu += runLastCpu;
        runLastCpu = 0;
        started = null;
        history.add("not running");
        assertThat(probe.total(Field.CPU_USER)).as("seed %d after %s", seed, history).isEqualTo(previousCpu);
        continue;
      }
      for (long[] m : members) {
        m[1] += random.nextInt(1_000_000);
        m[2] += random.nextInt(50);
      }
      boolean faultsRead = random.nextInt(8) != 0; // sometimes a field is refused for a member
      process.status = statusOf(ProcessState.RUNNING, pid, started);
      process.sample = Optional.of(tree(pid, members, faultsRead));
      long sum = members.stream().mapToLong(m -> m[1]).sum();
      runLastCpu = sum;

      double cpu = probe.total(Field.CPU_USER);
      double faults = probe.total(Field.MINOR_FAULTS);
      history.add("cpu " + cpu + ", faults " + faults);
      if (!Double.isNaN(previousCpu)) {
        assertThat(cpu).as("seed %d: cpu went down after %s", seed, history).isGreaterThanOrEqualTo(previousCpu);
      }
      if (!Double.isNaN(previousFaults)) {
        assertThat(faults).as("seed %d: faults went down (or became unknown) after %s", seed, history)
            .isGreaterThanOrEqualTo(previousFaults);
      }
      if (simpleRuns) {
        assertThat(cpu).as("seed %d: cpu is every ended run's last value plus this run's, after %s", seed, history)
            .isEqualTo((double) (endedRunsCpu + sum));
      }
      previousCpu = cpu;
      previousFaults = faults;
    }
  }

  /**
   * A tree's CPU counters count what members' reaped children used, once: a child seen alive and then reaped shows
   * again, whole, in its parent's {@code cutime}, and what the counter already had of it is not added twice. Seeded
   * random trees whose members fork, run, exit and get reaped (some between two samples, some during a sample's walk,
   * some orphaned out of the tree): the counters never go down, never exceed what the tree used, and equal it but
   * where a member left the tree unreaped or a child was reaped during the sample.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void treeCpuCountsReapedChildrenOnceAndNeverMore(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Scripted process = new Scripted();
    ProcessProbe probe = new ProcessProbe(process, ProcessProbe::load, new ProcessProbe.Counters());
    probe.need(EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM));
    long root = 1000 + random.nextInt(1000);
    io.github.vigil.testing.ReapingTree tree = new io.github.vigil.testing.ReapingTree(random, root);
    process.status = statusOf(ProcessState.RUNNING, root, Instant.ofEpochMilli(tree.nowMillis()));
    double previousUser = 0;
    double previousSystem = 0;
    int steps = 5 + random.nextInt(60);
    for (int step = 0; step < steps; step++) {
      boolean race = step > 0 && random.nextInt(4) == 0;
      process.sample = Optional.of(tree.sample(null, race));
      double user = probe.total(Field.CPU_USER);
      double system = probe.total(Field.CPU_SYSTEM);
      String after = "seed " + seed + " after " + tree.history();
      assertThat(user).as("%s: user CPU went down", after).isGreaterThanOrEqualTo(previousUser);
      assertThat(system).as("%s: system CPU went down", after).isGreaterThanOrEqualTo(previousSystem);
      assertThat(user).as("%s: more user CPU than the tree used", after).isLessThanOrEqualTo((double) tree.trueUser());
      assertThat(system).as("%s: more system CPU than the tree used", after).isLessThanOrEqualTo((double) tree.trueSystem());
      if (!tree.orphaned() && !race) {
        assertThat(user).as("%s: user CPU is not what the tree used", after).isEqualTo((double) tree.trueUser());
        assertThat(system).as("%s: system CPU is not what the tree used", after).isEqualTo((double) tree.trueSystem());
      }
      previousUser = user;
      previousSystem = system;
      tree.step(100 + random.nextInt(2000));
    }
  }

  /**
   * As {@link #treeCpuCountsReapedChildrenOnceAndNeverMore}, for every counter with a reaped children's part: page
   * faults (cminflt, cmajflt, added in a tree) and I/O (which the kernel folds into the reaper's own figure). A child
   * seen alive and reaped since shows again in its reaper's: without the debt it counts twice.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void treeFaultsAndIoCountReapedChildrenOnceAndNeverMore(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Scripted process = new Scripted();
    ProcessProbe probe = new ProcessProbe(process, ProcessProbe::load, new ProcessProbe.Counters());
    probe.need(io.github.vigil.testing.ReapingTree.COUNTED);
    long root = 1000 + random.nextInt(1000);
    io.github.vigil.testing.ReapingTree tree = new io.github.vigil.testing.ReapingTree(random, root);
    process.status = statusOf(ProcessState.RUNNING, root, Instant.ofEpochMilli(tree.nowMillis()));
    Map<Field, Double> previous = new java.util.EnumMap<>(Field.class);
    int steps = 5 + random.nextInt(60);
    for (int step = 0; step < steps; step++) {
      boolean race = step > 0 && random.nextInt(4) == 0;
      process.sample = Optional.of(tree.sample(null, race));
      String after = "seed " + seed + " after " + tree.history();
      for (Field f : io.github.vigil.testing.ReapingTree.COUNTED) {
        double counted = probe.total(f);
        assertThat(counted).as("%s: %s went down", after, f).isGreaterThanOrEqualTo(previous.getOrDefault(f, 0.0));
        assertThat(counted).as("%s: more %s than the tree used", after, f).isLessThanOrEqualTo((double) tree.trueTotal(f));
        if (!tree.orphaned() && !race) {
          assertThat(counted).as("%s: %s is not what the tree used", after, f).isEqualTo((double) tree.trueTotal(f));
        }
        previous.put(f, counted);
      }
      tree.step(100 + random.nextInt(2000));
    }
  }

  /**
   * A group whose members are parents and children of one another (an attachment's matches: a server and its
   * workers), members forking, exiting and reaping as in a tree: its I/O counts a member that another member reaped
   * once, though the kernel folds it into the reaper's own figure after the counter saw it alive; its CPU and faults,
   * each member's own, never go down and never exceed what the processes used.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void groupIoCountsAMemberReapedByAMemberOnce(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Scripted process = new Scripted();
    ProcessProbe probe = new ProcessProbe(process, ProcessProbe::load, new ProcessProbe.Counters());
    probe.need(io.github.vigil.testing.ReapingTree.COUNTED);
    long root = 1000 + random.nextInt(1000);
    io.github.vigil.testing.ReapingTree tree = new io.github.vigil.testing.ReapingTree(random, root);
    process.status = statusOf(ProcessState.RUNNING, root, Instant.ofEpochMilli(tree.nowMillis()));
    Map<Field, Double> previous = new java.util.EnumMap<>(Field.class);
    int steps = 5 + random.nextInt(60);
    for (int step = 0; step < steps; step++) {
      boolean race = step > 0 && random.nextInt(4) == 0;
      process.sample = Optional.of(tree.sample(null, race, Scope.GROUP));
      String after = "seed " + seed + " after " + tree.history();
      for (Field f : io.github.vigil.testing.ReapingTree.COUNTED) {
        double counted = probe.total(f);
        assertThat(counted).as("%s: %s went down", after, f).isGreaterThanOrEqualTo(previous.getOrDefault(f, 0.0));
        assertThat(counted).as("%s: more %s than the group used", after, f).isLessThanOrEqualTo((double) tree.trueTotal(f));
        if ((f == Field.READ_BYTES || f == Field.WRITE_BYTES) && !tree.orphaned() && !race) {
          assertThat(counted).as("%s: %s is not what the group used", after, f).isEqualTo((double) tree.trueTotal(f));
        }
        previous.put(f, counted);
      }
      tree.step(100 + random.nextInt(2000));
    }
  }
}
