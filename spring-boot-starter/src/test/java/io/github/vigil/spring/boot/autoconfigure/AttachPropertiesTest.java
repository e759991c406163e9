package io.github.vigil.spring.boot.autoconfigure;

import static io.github.vigil.spring.boot.autoconfigure.HealthPropertiesTest.analyse;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;

/**
 * Attachments ({@code vigil.attach.*}) bound into the core's {@link AttachSpec}, with unset settings
 * giving the core's defaults and rejected values named by their full property. Binding only: the
 * lifecycle is not started, so nothing is attached here (see {@code HealthAndSampleTest}).
 */
@Timeout(60)
class AttachPropertiesTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class)).withPropertyValues("vigil.backend=jdk");

  @Test
  void bindsEveryTargetAndSetting() {
    runner.withPropertyValues(
        "vigil.attach.by-pid.pid=4242",
        "vigil.attach.by-pid-file.pid-file=/run/recorder.pid",
        "vigil.attach.by-name.process-name=md-recorder",
        "vigil.attach.by-pattern.command-line=trader_tools.*account001",
        "vigil.attach.by-pattern.labels.type=TRADER",
        "vigil.attach.by-pattern.labels.account=account001",
        "vigil.attach.by-pattern.labels.desk=fx",
        "vigil.attach.by-pattern.rescan-interval=2s",
        "vigil.attach.by-pattern.exit-poll-interval=50ms",
        "vigil.attach.by-pattern.allow-signals=true").run(context -> {
          assertThat(context).hasNotFailed();
          List<AttachSpec> specs = attachments(context.getEnvironment(), context.getBean(VigilProperties.class));
          assertThat(specs).extracting(AttachSpec::name).containsExactly("by-pid", "by-pid-file", "by-name", "by-pattern");
          assertThat(specs.get(0)).isEqualTo(AttachSpec.builder("by-pid").pid(4242).build());
          assertThat(specs.get(1)).isEqualTo(AttachSpec.builder("by-pid-file").pidFile(Path.of("/run/recorder.pid")).build());
          assertThat(specs.get(2)).isEqualTo(AttachSpec.builder("by-name").processName("md-recorder").build());
          assertThat(specs.get(3)).isEqualTo(AttachSpec.builder("by-pattern").commandLine("trader_tools.*account001")
              .label("type", "TRADER").label("account", "account001").label("desk", "fx").rescanInterval(Duration.ofSeconds(2))
              .exitPollInterval(Duration.ofMillis(50)).allowSignals().build());
          assertThat(specs.get(3).labels()).isEqualTo(Map.of("type", "TRADER", "account", "account001", "desk", "fx"));
        });
  }

  @Test
  void rejectedValuesAreNamed() {
    Map<String, String> broken = Map.of(
        "vigil.attach.rec.command-line=trader[", "vigil.attach.rec.command-line",
        "vigil.attach.rec.pid=1", "vigil.attach.rec.pid",
        "vigil.attach.rec.labels.type=CUSTOM", "vigil.attach.rec",
        "vigil.attach.rec.process-name=a|vigil.attach.rec.pid-file=/run/a.pid", "vigil.attach.rec.process-name",
        "vigil.attach.rec.pid=42|vigil.attach.rec.rescan-interval=1ms", "vigil.attach.rec.rescan-interval",
        "vigil.attach.rec.pid=42|vigil.attach.rec.exit-poll-interval=0s", "vigil.attach.rec.exit-poll-interval",
        "vigil.attach.rec.pid=42|vigil.processes.rec.command=sleep,600|vigil.processes.rec.auto-start=false", "vigil.attach.rec");
    broken.forEach((settings, named) -> runner.withPropertyValues(settings.split("\\|"))
        .run(context -> assertThat(analyse(context).getDescription()).as(settings).contains("Property: " + named + "\n")));
  }

  private static List<AttachSpec> attachments(Environment environment, VigilProperties properties) {
    return new ProcessSpecFactory(environment).attachments(properties);
  }
}
