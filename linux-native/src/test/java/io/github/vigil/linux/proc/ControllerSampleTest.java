package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link ProcessController#sample()} through the Linux backend: the /proc sampler over the run's tree. */
@EnabledOnOs(OS.LINUX)
class ControllerSampleTest {
  @Test
  @Timeout(60)
  void theLinuxBackendSamplesARunsTreeWithEverything() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("sample-linux").backend("linux").build()) {
      ProcessController c = sup.register(ProcessSpec.builder("tree")
          .command("sh", "-c", "sleep 1000 & sleep 1000 & wait").startupGrace(Duration.ZERO).build());
      assertThat(c.sample()).isEmpty();
      long pid = c.start(Duration.ofSeconds(10)).pid();
      assertThat(RealProcs.eventually(Duration.ofSeconds(10), () -> c.sample().orElseThrow().get(Field.PROCESSES) == 3)).isTrue();
      ProcessSample s = c.sample().orElseThrow();
      assertThat(s.pid()).isEqualTo(pid);
      assertThat(s.scope()).isEqualTo(ProcessSample.Scope.TREE);
      assertThat(s.fields()).contains(Field.MEMORY_RESIDENT, Field.OPEN_FDS, Field.THREAD_STATES, Field.CPU_PERCENT,
          Field.VOLUNTARY_SWITCHES, Field.USER);
      assertThat(s.threads()).hasValue(3);
      c.stop(Duration.ofSeconds(10));
      assertThat(c.sample()).isEmpty();
    }
  }
}
