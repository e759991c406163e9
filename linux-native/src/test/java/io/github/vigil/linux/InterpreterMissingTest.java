package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ExitCause;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #12 item 5: a script whose {@code #!} interpreter does not exist ended on the Linux backend as
 * {@code ERROR_EXIT (exit code 127)} with "vigil-run: 1: exec: SCRIPT: not found" on stderr. Both
 * backends now end it as {@code START_FAILED} naming the interpreter, directly or through {@code env}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class InterpreterMissingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} backend")
  @ValueSource(strings = {"linux", "jdk"})
  void aScriptWhoseInterpreterIsMissingFailsToStartNamingIt(String backend) throws Exception {
    Path direct = script("direct.sh", "#!/opt/vigil-no-such-dir/python9 -u\nprint('never')\n");
    Path viaEnv = script("via-env.sh", "#!/usr/bin/env vigil-no-such-interpreter\nprint('never')\n");
    Path fine = script("fine.sh", "#!/bin/sh\necho ran\n");
    try (Supervisor sup = Supervisor.builder().name("interp-" + backend).backend(backend).build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      RestartPolicy once = RestartPolicy.never().withBackoff(Backoff.none());
      ProcessController a = sup.register(ProcessSpec.builder("direct").command(direct.toString()).restartPolicy(once).build());
      ProcessController b = sup.register(ProcessSpec.builder("via-env").command(viaEnv.toString()).restartPolicy(once).build());
      ProcessController c = sup.register(ProcessSpec.builder("fine").command(fine.toString()).restartPolicy(once)
          .startupGrace(Duration.ZERO).build());
      a.start();
      b.start();
      c.start();
      rec.await(io.github.vigil.SupervisorEvent.Exited.class, e -> true, 3, WAIT);
      assertThat(a.status().lastExit().cause()).isEqualTo(ExitCause.START_FAILED);
      assertThat(a.status().lastExit().message()).contains("direct.sh", "/opt/vigil-no-such-dir/python9", "does not exist");
      assertThat(b.status().lastExit().cause()).isEqualTo(ExitCause.START_FAILED);
      assertThat(b.status().lastExit().message()).contains("via-env.sh", "vigil-no-such-interpreter", "not found on PATH");
      assertThat(c.status().lastExit().cause()).as("a script whose interpreter exists runs").isEqualTo(ExitCause.NORMAL);
      assertThat(c.status().state()).isNotEqualTo(ProcessState.FAILED);
    }
  }

  private Path script(String name, String text) throws Exception {
    Path p = Files.writeString(dir.resolve(name), text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }
}
