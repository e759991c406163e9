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
 * A tree's written bytes count a child once: the kernel adds a reaped child's I/O into its parent's
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

}
