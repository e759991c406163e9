package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSample;
import io.github.vigil.linux.proc.ProcSampler;
import io.github.vigil.spi.ProcessSampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The /proc sampler reports a zombie child that hangs in another thread's children list. Here, beside the
 * Linux backend's package-private {@link Spawner} and {@link Kernel}, which make and reap that child
 * (moved from {@code ProcSamplerTest} when the JNA facades became package-private, issue #19).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ZombieChildSampleTest {
  private final ProcSampler sampler = ProcSampler.create();

  @Test
  void aZombieChildOfAnotherThreadOfAMultithreadedProcessIsReported() throws Exception {
    // this JVM: a child spawned from a thread other than the main one hangs in that thread's children list
    int[] child = new int[1];
    Thread spawner = new Thread(() -> child[0] = Spawner.spawn("/bin/true", List.of("true"), List.of(), null, 1, 2));
    spawner.start();
    spawner.join();
    long self = ProcessHandle.current().pid();
    try {
      assertThat(eventually(Duration.ofSeconds(20), () -> "Z".equals(statField(Path.of("/proc", Integer.toString(child[0]), "stat"), 3))))
          .as("the child exited and nobody reaped it").isTrue();
      ProcessSample s = sampler.sample(self, ProcessSampler.DEFAULT_FIELDS, null);
      assertThat(s.threads().orElseThrow()).isGreaterThan(1);
      assertThat(s.zombieChildren()).contains(new ProcessSample.ZombieChild(child[0], self, "true"));
    } finally {
      assertThat(Kernel.reapChild(child[0])).isPresent();
    }
    assertThat(sampler.sample(self, ProcessSampler.DEFAULT_FIELDS, null).zombieChildren()).extracting(ProcessSample.ZombieChild::pid)
        .doesNotContain((long) child[0]);
  }

  private static boolean eventually(Duration timeout, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (check.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return check.getAsBoolean();
  }

  /** Field {@code n} (1-based, as in proc(5)) of a stat file. */
  private static String statField(Path stat, int n) {
    try {
      String s = new String(Files.readAllBytes(stat), StandardCharsets.UTF_8);
      String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
      return f[n - 3];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
