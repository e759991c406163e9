package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the JDK backend alone this JVM is no child subreaper: what an exec health check leaves running goes to init (or
 * another subreaper), out of reach of this JVM's children lists. It ran on after the check (its background
 * {@code sleep 600} for ten minutes, one more at every attempt); now it is found by the check's session and killed.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class ExecCheckLeftoversTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void whatAnExecCheckLeavesRunningIsKilledOnTheJdkBackendToo() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid")), "no util-linux setsid here");
    Path pids = dir.resolve("pids");
    List<Long> leftovers = new ArrayList<>();
    try (Supervisor sup = Supervisor.builder().name("jdk-check-leftovers").backend("jdk").build()) {
      ProcessController c = sup.register(ProcessSpec.builder("svc").command("sleep", "600").startupGrace(Duration.ZERO)
          .healthCheck(HealthCheck.exec("/bin/sh", "-c", "sleep 600 & echo $! >> '" + pids + "'; exit 0").name("script")
              .interval(Duration.ofSeconds(30)).action(HealthCheck.Action.NOTIFY).build())
          .build());
      c.start(WAIT);
      assertThat(Processes.eventually(WAIT, () -> c.health().checks().get(0).last().isPresent())).as("the check's first result").isTrue();
      for (String line : Files.readString(pids, StandardCharsets.US_ASCII).strip().split("\n")) {
        leftovers.add(Long.parseLong(line.strip()));
      }
      long pid = leftovers.get(0);
      assertThat(Processes.eventually(WAIT, () -> !runs(pid))).as("the check's background sleep %d killed once the check ended", pid).isTrue();
    } finally {
      leftovers.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  /** Whether {@code pid} runs: not gone, and not a zombie its parent has yet to reap. */
  private static boolean runs(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
