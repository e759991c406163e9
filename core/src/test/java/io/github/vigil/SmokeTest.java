package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SmokeTest {
  @Test
  @Timeout(30)
  void restartsAfterSigkill() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("smoke").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ProcessController c = sup.register(ProcessSpec.builder("sleeper").command("sleep", "1000")
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.none())).startupGrace(Duration.ZERO).build());
      ProcessStatus s = c.start(Duration.ofSeconds(5));
      long pid = s.pid();
      Processes.kill(pid, "KILL");
      rec.awaitState("sleeper", ProcessState.RUNNING, 2, Duration.ofSeconds(5));
      assertThat(c.status().pid()).isNotEqualTo(pid);
      System.out.println(rec.events());
    }
  }
}
