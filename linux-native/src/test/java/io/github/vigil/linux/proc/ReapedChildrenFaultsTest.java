package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A tree's page faults count what its short-lived children took: once reaped, a child's faults are in its parent's
 * {@code cminflt} and {@code cmajflt} (stat fields 11 and 13), which a tree sample adds as it adds {@code cutime}.
 * Before, a shell loop of {@code head} read the shell's own few faults, whatever the interval between reads.
 */
@EnabledOnOs(OS.LINUX)
class ReapedChildrenFaultsTest {
  private static final Set<Field> FAULTS = EnumSet.of(Field.MINOR_FAULTS, Field.MAJOR_FAULTS, Field.START_TIME);

  /** The shell's minflt + cminflt: the kernel's account of it and of every child it reaped. */
  static long kernelMinorFaults(long pid) {
    return RealProcs.stat(pid, 10) + RealProcs.stat(pid, 11);
  }

  @RepeatedTest(3)
  @Timeout(60)
  void aShellLoopsFaultsAreWhatTheKernelSays() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("reaped-faults").backend("linux").build();
        ProcSampler sampler = ProcSampler.create()) {
      ProcessController c = sup.register(ProcessSpec.builder("loop")
          .command("sh", "-c", "while :; do head -c 4000000 /dev/zero > /dev/null; done").startupGrace(Duration.ZERO).build());
      long pid = c.start(Duration.ofSeconds(10)).pid();
      assertThat(RealProcs.eventually(Duration.ofSeconds(10), () -> RealProcs.stat(pid, 11) > 0)).as("a child was reaped").isTrue();
      long kernelBeforeFirst = kernelMinorFaults(pid);
      ProcessSample first = sampler.sampleTree(pid, FAULTS, null);
      long kernelFirst = kernelMinorFaults(pid);
      Thread.sleep(1000); // the loop runs: a measured window, not a wait for something not to happen
      long kernelBeforeSecond = kernelMinorFaults(pid);
      ProcessSample second = sampler.sampleTree(pid, FAULTS, first);
      long kernelSecond = kernelMinorFaults(pid);
      long ours = second.minorFaults().orElseThrow() - first.minorFaults().orElseThrow();
      long kernel = kernelSecond - kernelFirst;
      // each sample's walk takes a while (the JDK's descendants() reads all of /proc), during which the loop goes on:
      // ours lies between the kernel's growth from after the first walk to before the second, and from before to after
      long least = kernelBeforeSecond - kernelFirst;
      long most = kernelSecond - kernelBeforeFirst;
      String said = "tree's minor faults grew by " + ours + ", the shell's minflt+cminflt by " + kernel + " (kernel " + kernelBeforeFirst + "/" + kernelFirst + " around the first sample, " + kernelBeforeSecond + "/" + kernelSecond + " around the second)" + " (" + kernelFirst
          + " to " + kernelSecond + "); " + second;
      assertThat(kernel).as("the loop ran: %s", said).isGreaterThan(1000);
      long slack = Math.max(200, kernel * 3 / 100);
      assertThat(ours).as("between %d and %d: %s", least, most, said).isBetween(least - slack, most + slack);
      // the counter itself: the kernel's account of the shell, plus at most the child alive at the sample
      assertThat((double) second.minorFaults().orElseThrow()).as(said)
          .isBetween(kernelBeforeSecond - 400.0, kernelSecond + Math.max(400, kernelSecond * 0.03));
      // a process sample is the shell alone: its own minflt, as ps and process-exporter say
      ProcessSample alone = sampler.sample(pid, FAULTS, null);
      assertThat(alone.minorFaults().orElseThrow()).as("the shell alone: %s", alone)
          .isLessThanOrEqualTo(RealProcs.stat(pid, 10));
      c.stop(Duration.ofSeconds(10));
    }
  }
}
