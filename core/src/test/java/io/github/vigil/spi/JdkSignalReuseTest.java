package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Signal;
import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue #12 item 4: the JDK backend's signals other than TERM and KILL went to a bare pid through
 * {@code kill -s}. Now the shell that sends them checks the start time first: a pid that names a process
 * started at another time than the one recorded (a reused pid) gets nothing.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class JdkSignalReuseTest {

  @Test
  void aSignalForAnotherStartTimeNeverReachesThePid() throws Exception {
    Process target = new ProcessBuilder("/bin/sh", "-c", "trap 'echo got-usr1' USR1; trap 'echo got-hup' HUP; echo ready; while :; do sleep 0.05; done")
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("ready");
      long pid = target.pid();
      long ticks = JdkProcessBackend.startTicks(pid).orElseThrow();

      // as if the pid had been reused: the recorded start time is not the running process's. SIGHUP (1) is
      // handled no later than a USR1 (10) sent after it, so a delivered HUP would print its line first.
      assertThat(JdkProcessBackend.sendChecked(pid, ticks - 1, Signal.SIGHUP)).as("refused for an earlier start time").isFalse();
      assertThat(JdkProcessBackend.sendChecked(pid, ticks + 7, Signal.SIGHUP)).as("refused for a later start time").isFalse();
      // the real one: delivered, and the first line after ready is its own
      assertThat(JdkProcessBackend.sendChecked(pid, ticks, Signal.SIGUSR1)).isTrue();
      assertThat(out.readLine()).isEqualTo("got-usr1");
      assertThat(JdkProcessBackend.send(target.toHandle(), Signal.SIGUSR1)).as("through the handle").isTrue();
      assertThat(out.readLine()).isEqualTo("got-usr1");

      target.destroyForcibly();
      assertThat(target.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(JdkProcessBackend.sendChecked(pid, ticks, Signal.SIGUSR1)).as("gone").isFalse();
      assertThat(JdkProcessBackend.send(target.toHandle(), Signal.SIGHUP)).as("a handle of a reaped process").isFalse();
    } finally {
      target.destroyForcibly();
    }
  }

  @Test
  void startTicksReadsField22EvenWithParenthesesAndSpacesInTheName() throws Exception {
    assertThat(JdkProcessBackend.startTicks(ProcessHandle.current().pid())).isPresent();
    assertThat(Processes.eventually(Duration.ofSeconds(1), () -> JdkProcessBackend.startTicks(Long.MAX_VALUE / 2).isEmpty())).isTrue();
  }
}
