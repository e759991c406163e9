package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessState;
import io.github.vigil.linux.proc.ProcSampler;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree's or a group's written bytes count a child once: the kernel adds a reaped child's I/O into its parent's
 * {@code /proc/PID/io}, so a child seen alive (its megabyte counted and carried once it ends) shows again in its
 * parent's figure once reaped. Real processes, the Linux sampler, the binding's monotonic counter.
 */
@EnabledOnOs(OS.LINUX)
class ReapedChildIoTest {
  private static final Set<Field> IO = EnumSet.of(Field.READ_BYTES, Field.WRITE_BYTES, Field.START_TIME, Field.PROCESSES);

  @RepeatedTest(2)
  @Timeout(60)
  void aChildSeenAliveAndThenReapedCountsOnce(@TempDir Path dir) throws Exception {
    new ProcessBuilder("mkfifo", dir.resolve("go").toString(), dir.resolve("park").toString()).start().waitFor();
    // the child writes 1 MB (its head, reaped, folds into it), says so, and waits; once let go it ends and the
    // wrapper, which waited for it, says so and parks
    String script = "sh -c 'head -c 1000000 /dev/zero > \"$1/out\"; : > \"$1/written\"; read x < \"$1/go\"' sh \"$1\"; "
        + ": > \"$1/reaped\"; read y < \"$1/park\"";
    Process wrapper = new ProcessBuilder("sh", "-c", script, "sh", dir.toString()).start();
    try (ProcSampler sampler = ProcSampler.create()) {
      CounterAccumulationPropertyTest.Scripted process = new CounterAccumulationPropertyTest.Scripted();
      process.status = CounterAccumulationPropertyTest.statusOf(ProcessState.RUNNING, wrapper.pid(), Instant.now());
      ProcessProbe probe = new ProcessProbe(process, ProcessProbe::load, new ProcessProbe.Counters());
      probe.need(IO);
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("written")))).as("the child wrote").isTrue();
      ProcessSample alive = sampler.sampleTree(wrapper.pid(), IO, null);
      process.sample = Optional.of(alive);
      double seen = probe.total(Field.WRITE_BYTES);
      assumeTrue(seen >= 1_000_000, "this file system accounts no write_bytes: " + alive);
      assertThat(alive.processes().orElseThrow()).as("the wrapper and its child: %s", alive).isEqualTo(2);
      Files.writeString(dir.resolve("go"), "go\n");
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("reaped")))).as("the child was reaped").isTrue();
      ProcessSample reaped = sampler.sampleTree(wrapper.pid(), IO, alive);
      assertThat(reaped.processes().orElseThrow()).as("the wrapper alone: %s", reaped).isEqualTo(1);
      long kernel = reaped.writeBytes().orElseThrow(); // the wrapper's own figure: its child's, folded in
      process.sample = Optional.of(reaped);
      double counted = probe.total(Field.WRITE_BYTES);
      assertThat(counted).as("written bytes once the child was reaped: seen alive %s, the wrapper's io says %s", seen, kernel)
          .isGreaterThanOrEqualTo(seen)
          .isCloseTo(kernel, org.assertj.core.api.Assertions.within(64 * 1024.0));
      Files.writeString(dir.resolve("park"), "end\n");
      assertThat(wrapper.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      wrapper.descendants().forEach(ProcessHandle::destroyForcibly);
      wrapper.destroyForcibly().waitFor();
    }
  }

  /**
   * A group whose members are a parent and its own child (an attachment's matches can be: a server and its workers):
   * the child writes a megabyte with {@code dd}, is sampled alive, ends and is reaped by the parent, whose own
   * {@code write_bytes} then holds the megabyte. The group's counter counts it once, and never goes down.
   */
  @RepeatedTest(2)
  @Timeout(60)
  void aGroupMemberReapedByAnotherMemberCountsOnce(@TempDir Path dir) throws Exception {
    new ProcessBuilder("mkfifo", dir.resolve("go").toString(), dir.resolve("park").toString()).start().waitFor();
    // the child says its pid, writes 1 MB (dd, reaped by it, folds into it), says so, and waits; once let go it ends
    // and the parent, which waited for it, says so and parks
    String script = "sh -c 'echo $$ > \"$1/child\"; dd if=/dev/zero of=\"$1/out\" bs=1000000 count=1 2>/dev/null; "
        + ": > \"$1/written\"; read x < \"$1/go\"' sh \"$1\"; : > \"$1/reaped\"; read y < \"$1/park\"";
    Process parent = new ProcessBuilder("sh", "-c", script, "sh", dir.toString()).start();
    try (ProcSampler sampler = ProcSampler.create()) {
      CounterAccumulationPropertyTest.Scripted process = new CounterAccumulationPropertyTest.Scripted();
      process.status = CounterAccumulationPropertyTest.statusOf(ProcessState.RUNNING, parent.pid(), Instant.now());
      ProcessProbe probe = new ProcessProbe(process, ProcessProbe::load, new ProcessProbe.Counters());
      probe.need(IO);
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("written")))).as("the child wrote").isTrue();
      long child = Long.parseLong(Files.readString(dir.resolve("child")).trim());
      long[] group = {parent.pid(), child};
      ProcessSample alive = sampler.sampleGroup(group, IO, null);
      assertThat(alive.processes().orElseThrow()).as("the parent and its child: %s", alive).isEqualTo(2);
      assertThat(alive.memberParentPid(1)).as("the child's parent is the other member").isEqualTo(parent.pid());
      process.sample = Optional.of(alive);
      double seen = probe.total(Field.WRITE_BYTES);
      assumeTrue(seen >= 1_000_000, "this file system accounts no write_bytes: " + alive);
      Files.writeString(dir.resolve("go"), "go\n");
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("reaped")))).as("the child was reaped").isTrue();
      ProcessSample reaped = sampler.sampleGroup(group, IO, alive);
      assertThat(reaped.processes().orElseThrow()).as("the parent alone: %s", reaped).isEqualTo(1);
      long kernel = reaped.writeBytes().orElseThrow(); // the parent's own figure: its child's, folded in
      assertThat(kernel).as("the parent's write_bytes holds its reaped child's megabyte").isGreaterThanOrEqualTo(1_000_000);
      process.sample = Optional.of(reaped);
      double counted = probe.total(Field.WRITE_BYTES);
      assertThat(counted).as("the group's written bytes once the child was reaped: seen alive %s, the parent's io says %s", seen, kernel)
          .isGreaterThanOrEqualTo(seen)
          .isCloseTo(kernel, org.assertj.core.api.Assertions.within(64 * 1024.0));
      ProcessSample later = sampler.sampleGroup(group, IO, reaped);
      process.sample = Optional.of(later);
      assertThat(probe.total(Field.WRITE_BYTES)).as("a sample later: %s", later).isGreaterThanOrEqualTo(counted)
          .isCloseTo(later.writeBytes().orElseThrow(), org.assertj.core.api.Assertions.within(64 * 1024.0));
      Files.writeString(dir.resolve("park"), "end\n");
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      parent.descendants().forEach(ProcessHandle::destroyForcibly);
      parent.destroyForcibly().waitFor();
    }
  }
}
