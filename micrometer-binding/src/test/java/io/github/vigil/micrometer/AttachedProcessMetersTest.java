package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A process Vigil did not start, attached: the same sample meters as a supervised one, and its own. */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class AttachedProcessMetersTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void anAttachedProcessGetsItsMetersWhileAttachedAndLosesThemOnDetach() throws Exception {
    Process outsider = new ProcessBuilder("sleep", "120").start(); // started by the test, not by Vigil
    EventRecorder events = new EventRecorder();
    try (Supervisor supervisor = LinuxSupervisors.linux("attach-metrics")) {
      supervisor.subscribe(events);
      supervisor.register(ProcessSpec.builder("own").command("sleep", "60").build()); // both kinds side by side
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(MetricNaming.PROCESS_EXPORTER)
          .sampleInterval(Duration.ofMillis(50)).labelTags("desk").build()) {
        metrics.bindTo(registry);
        int startMeters = registry.getMeters().size();

        supervisor.attach(AttachSpec.builder("outsider").pid(outsider.pid()).label("desk", "fx")
            .rescanInterval(Duration.ofMillis(200)).exitPollInterval(Duration.ofMillis(100)).build());
        events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals("outsider"), 1, WAIT);
        Map<String, String> group = Map.of("groupname", "outsider", "desk", "fx");
        assertThat(Processes.eventually(WAIT, () -> PromText.parse(registry.scrape())
            .value("namedprocess_namegroup_num_procs", group).orElse(-1.0) == 1.0)).isTrue();
        PromText scrape = PromText.parse(registry.scrape());
        assertThat(scrape.value("namedprocess_namegroup_memory_bytes", with(group, "memtype", "resident")).orElseThrow())
            .as("resident bytes of the attached sleep").isGreaterThan(100_000);
        assertThat(scrape.value("namedprocess_namegroup_open_filedesc", group).orElseThrow()).isGreaterThanOrEqualTo(3);
        Map<String, String> process = Map.of("process", "outsider", "desk", "fx");
        assertThat(scrape.value("vigil_process_up", process)).contains(1.0);
        assertThat(scrape.value("vigil_attached_state", with(process, "state", "running"))).contains(1.0);
        assertThat(scrape.value("vigil_attached_exits_total", process)).contains(0.0);
        assertThat(scrape.value("vigil_process_state", Map.of("process", "outsider")))
            .as("lifecycle states are a supervised process's").isEmpty();
        assertThat(scrape.value("vigil_process_state", Map.of("process", "own", "state", "stopped"))).contains(1.0);

        outsider.destroy();
        outsider.waitFor();
        events.await(SupervisorEvent.AttachedLost.class, e -> e.process().equals("outsider"), 1, WAIT);
        assertThat(Processes.eventually(WAIT, () -> {
          PromText s = PromText.parse(registry.scrape());
          return s.value("namedprocess_namegroup_num_procs", group).orElse(-1.0) == 0.0
              && s.value("vigil_process_up", process).orElse(-1.0) == 0.0
              && s.value("vigil_attached_exits_total", process).orElse(-1.0) == 1.0;
        })).as("gone: no process, down, one exit").isTrue();
        assertThat(PromText.parse(registry.scrape()).value("namedprocess_namegroup_memory_bytes", with(group, "memtype", "resident")))
            .contains(0.0);

        assertThat(supervisor.detach("outsider")).isTrue();
        assertThat(Processes.eventually(WAIT, () -> registry.getMeters().size() == startMeters))
            .as("detached: meters %s, before the attachment %s", registry.getMeters().size(), startMeters).isTrue();
        assertThat(registry.scrape()).doesNotContain("outsider");
      }
    } finally {
      outsider.destroyForcibly().waitFor();
    }
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> m = new java.util.HashMap<>(labels);
    m.put(key, value);
    return m;
  }
}
