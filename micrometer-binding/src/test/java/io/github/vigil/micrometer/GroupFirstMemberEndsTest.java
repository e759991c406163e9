package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
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
 * A group's counters (an attachment's: its matches, listed in the order they were found) when the member it is named
 * after ends and the others run on: the group's pid ({@link ProcessSample#pid()}, its first member's) and oldest start
 * change, yet it is the same group, whose members carry on. Each member's bytes count once. Real processes, the Linux
 * sampler, the binding's monotonic counter.
 */
@EnabledOnOs(OS.LINUX)
class GroupFirstMemberEndsTest {
  private static final Set<Field> IO = EnumSet.of(Field.READ_BYTES, Field.WRITE_BYTES, Field.START_TIME, Field.PROCESSES);

  @RepeatedTest(2)
  @Timeout(60)
  void theOthersCountOnceWhenTheFirstMemberEnds(@TempDir Path dir) throws Exception {
    new ProcessBuilder("mkfifo", dir.resolve("go-a").toString(), dir.resolve("go-b").toString()).start().waitFor();
    // two processes, neither the other's parent: each writes 1 MB (dd, reaped by it, folds into it), says so, and waits
    String script = "dd if=/dev/zero of=\"$1/out-$2\" bs=1000000 count=1 2>/dev/null; : > \"$1/written-$2\"; read x < \"$1/go-$2\"";
    Process a = new ProcessBuilder("sh", "-c", script, "sh", dir.toString(), "a").start();
    Process b = null;
    try (ProcSampler sampler = ProcSampler.create()) {
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("written-a")))).as("a wrote").isTrue();
      b = new ProcessBuilder("sh", "-c", script, "sh", dir.toString(), "b").start();
      Process bb = b;
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("written-b")))).as("b wrote").isTrue();
      Instant aStarted = a.info().startInstant().orElseThrow();
      Instant bStarted = bb.info().startInstant().orElseThrow();
      CounterAccumulationPropertyTest.Scripted group = new CounterAccumulationPropertyTest.Scripted();
      // as an attachment says: running since its oldest match started
      group.status = CounterAccumulationPropertyTest.statusOf(ProcessState.RUNNING, a.pid(), aStarted);
      ProcessProbe probe = new ProcessProbe(group, ProcessProbe::load, new ProcessProbe.Counters());
      probe.need(IO);
      ProcessSample both = sampler.sampleGroup(new long[] {a.pid(), b.pid()}, IO, null);
      assertThat(both.processes().orElseThrow()).as("both: %s", both).isEqualTo(2);
      group.sample = Optional.of(both);
      double seen = probe.total(Field.WRITE_BYTES);
      assumeTrue(seen >= 2_000_000, "this file system accounts no write_bytes: " + both);

      Files.writeString(dir.resolve("go-a"), "go\n");
      assertThat(a.waitFor(10, TimeUnit.SECONDS)).as("a ended").isTrue();
      // the attachment lost a: b is its only match, its first and its oldest
      group.status = CounterAccumulationPropertyTest.statusOf(ProcessState.RUNNING, b.pid(), bStarted);
      ProcessSample onlyB = sampler.sampleGroup(new long[] {b.pid()}, IO, both);
      assertThat(onlyB.pid()).isEqualTo(b.pid());
      group.sample = Optional.of(onlyB);
      double counted = probe.total(Field.WRITE_BYTES);
      long aLast = both.memberCounter(0, Field.WRITE_BYTES);
      long bNow = onlyB.writeBytes().orElseThrow();
      assertThat(counted).as("written bytes once a ended: a last showed %s, b shows %s, counted before %s", aLast, bNow, seen)
          .isGreaterThanOrEqualTo(seen)
          .isCloseTo(aLast + bNow, within(64 * 1024.0));
      Files.writeString(dir.resolve("go-b"), "go\n");
      assertThat(b.waitFor(10, TimeUnit.SECONDS)).as("b ended").isTrue();
    } finally {
      a.destroyForcibly().waitFor();
      if (b != null) {
        b.destroyForcibly().waitFor();
      }
    }
  }
}
