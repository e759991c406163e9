package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.linux.LinuxBackendProvider;
import io.github.vigil.spring.boot.testing.Children;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Issue 18: meters turned off with Spring Boot's own {@code management.metrics.enable.*} properties cost no
 * {@code /proc} read. In a real context on the Linux backend, with a real supervised process: with the memory,
 * context switch, I/O and descriptor meters off, the sampler reads only {@code stat} and the children list of the
 * process (the files it keeps open in this JVM from the second sample on), while CPU is still published.
 */
@Timeout(90)
@EnabledOnOs(OS.LINUX)
class DisabledMetersSpareReadsTest {

  private final String marker = Long.toString(6_000_000 + ProcessHandle.current().pid() % 1_000_000);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class, VigilAutoConfiguration.class, VigilMetricsAutoConfiguration.class))
      .withPropertyValues("vigil.backend=linux", "vigil.defaults.startup-grace=0s", "vigil.defaults.stop.timeout=5s",
          "vigil.metrics.sample-interval=100ms", "vigil.processes.quote-feed.command=sleep," + marker);

  @AfterEach
  void nothingLeft() throws Exception {
    assertThat(Children.eventually(Duration.ofSeconds(30), () -> Children.sleepers(marker).isEmpty())).as("sleepers left behind").isTrue();
  }

  @Test
  void metersDisabledByBootsPropertiesAreNotSampled() {
    assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available on this kernel");
    runner.withPropertyValues("management.metrics.enable.vigil.process.memory=false",
        "management.metrics.enable.vigil.process.context.switches=false", "management.metrics.enable.vigil.process.io=false",
        "management.metrics.enable.vigil.process.files=false").run(context -> {
          assertThat(context).hasNotFailed();
          ProcessController feed = context.getBean(Supervisor.class).controller("quote-feed").orElseThrow();
          assertThat(Children.eventually(Duration.ofSeconds(30), () -> feed.status().state() == ProcessState.RUNNING)).isTrue();
          long pid = feed.status().pid();
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.find("vigil.process.memory").meters()).isEmpty();

          // readings over a few intervals: from the second sample on, the files read stay open
          assertThat(Children.eventually(Duration.ofSeconds(30), () -> {
            registry.get("vigil.process.cpu.time").tags("process", "quote-feed", "mode", "user").functionCounter().count();
            return heldOpen(pid).contains("stat");
          })).as("stat kept open").isTrue();
          assertThat(heldOpen(pid)).as("no status, statm, io or fd/").containsExactlyInAnyOrder("stat", "task/" + pid + "/children");
          assertThat(registry.get("vigil.process.cpu.time").tags("process", "quote-feed", "mode", "user").functionCounter().count())
              .as("CPU still published").isNotNaN();
        });
  }

  /** The files of {@code /proc/PID/} this JVM holds open, relative to that directory. */
  private static List<String> heldOpen(long pid) {
    return io.github.vigil.testing.Processes.procFilesHeldOpen(pid);
  }
}
