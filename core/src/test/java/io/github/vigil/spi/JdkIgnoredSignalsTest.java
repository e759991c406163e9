package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A black-box run: a JVM that ignores {@code SIGINT} (started with {@code &} by a shell script, as {@code nohup java} ignores
 * {@code SIGHUP}) gave that to every child of the JDK backend, and a {@code stopSignal(SIGINT)} stopped none: each stop
 * waited for the stop timeout and ended in {@code SIGKILL}. The children now start with those signals at their default,
 * as the Linux backend starts them.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JdkIgnoredSignalsTest {

  @Test
  void theIgnoredSignalsAreReadFromTheStatusMask() {
    assertThat(JdkProcessBackend.ignoredSignals("Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000006\nSigCgt:\t0\n"))
        .containsExactly(2, 3); // SIGINT and SIGQUIT, as after `java ... &` in a script
    assertThat(JdkProcessBackend.ignoredSignals("SigIgn:\t0000000000001001\n")).containsExactly(1, 13); // SIGHUP (nohup), SIGPIPE
    assertThat(JdkProcessBackend.ignoredSignals("SigIgn:\t0000000000000000\n")).isEmpty();
    assertThat(JdkProcessBackend.ignoredSignals("Name:\tmacos has no such file\n")).isEmpty();
  }

  @Test
  void aStopSignalTheJvmIgnoresStillStopsItsChild(@TempDir Path dir) throws Exception {
    Path env = Path.of("/usr/bin/env");
    Assumptions.assumeTrue(Files.isExecutable(env)
        && new ProcessBuilder(env.toString(), "--ignore-signal=INT", "true").start().waitFor() == 0, "no env --ignore-signal here");
    String marker = "3000" + (System.nanoTime() % 100000); // a sleep duration no one else uses
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = dir.resolve("jvm.log");
    Process jvm = new ProcessBuilder(List.of(env.toString(), "--ignore-signal=INT", java.toString(), "-cp", System.getProperty("java.class.path"),
        JdkStopSignalMain.class.getName(), marker, "10"))
        .redirectError(log.toFile()).start();
    try {
      String ended = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
      // it was "KILLED_BY_SUPERVISOR (killed by SIGKILL (inferred from exit status 137)) ...: stopped on request (killed after the stop timeout of 10.0 s)"
      assertThat(ended).as("the supervisor JVM's log: %s", Files.exists(log) ? Files.readString(log) : "")
          .startsWith("ENDED KILLED_BY_SUPERVISOR (killed by SIGINT").doesNotContain("stop timeout");
    } finally {
      jvm.destroyForcibly();
      Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly);
    }
  }
}
