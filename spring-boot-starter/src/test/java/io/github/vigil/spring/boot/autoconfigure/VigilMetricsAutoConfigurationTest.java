package io.github.vigil.spring.boot.autoconfigure;

import static io.github.vigil.spring.boot.autoconfigure.HealthPropertiesTest.analyse;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Supervisor;
import java.time.Duration;
import java.util.Map;
import io.github.vigil.micrometer.MetricNaming;
import io.github.vigil.micrometer.VigilMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@link VigilMetricsAutoConfiguration} on {@link ApplicationContextRunner} with Spring Boot's own
 * metrics auto-configuration: each condition on and off, the {@code vigil.metrics.*} properties
 * applied to the meters Boot binds, the user's bean winning, a rejected label tag analysed, and no
 * meter left once the context is closed. Processes here are not started.
 */
@Timeout(60)
class VigilMetricsAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class, VigilAutoConfiguration.class, VigilMetricsAutoConfiguration.class))
      .withPropertyValues("vigil.backend=jdk", "vigil.defaults.auto-start=false");

  @Test
  void bindsVigilsMetersToTheApplicationsRegistry() {
    runner.withPropertyValues("vigil.processes.quote-feed.command=sleep,600").run(context -> {
      assertThat(context).hasSingleBean(VigilMetrics.class);
      VigilMetrics metrics = context.getBean(VigilMetrics.class);
      assertThat(metrics.naming()).isEqualTo(MetricNaming.MICROMETER);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      // bound by Spring Boot's MeterRegistryPostProcessor, as every MeterBinder bean
      assertThat(registry.find("vigil.process.up").tag("process", "quote-feed").gauge()).isNotNull();
      assertThat(registry.find("vigil.process.up").tag("process", "quote-feed").gauge().value()).isZero();
    });
  }

  @Test
  void appliesTheMetricsProperties() {
    runner.withPropertyValues("vigil.processes.quote-feed.command=sleep,600", "vigil.processes.quote-feed.labels.desk=fx",
        "vigil.metrics.naming=process-exporter", "vigil.metrics.label-tags=desk", "vigil.metrics.tags.site=ldn",
        "vigil.metrics.sample-interval=1s", "vigil.metrics.max-processes=10").run(context -> {
          VigilMetrics metrics = context.getBean(VigilMetrics.class);
          assertThat(metrics.naming()).isEqualTo(MetricNaming.PROCESS_EXPORTER);
          assertThat(metrics.sampleInterval()).hasSeconds(1);
          assertThat(metrics.maxAge()).as("process-exporter naming: within one sample interval of fresh").contains(Duration.ofSeconds(1));
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.find("namedprocess.namegroup.num.procs").tag("groupname", "quote-feed").tag("desk", "fx")
              .tag("site", "ldn").gauge()).as("process-exporter naming, the label tag and the extra tag").isNotNull();
          assertThat(registry.find("vigil.process.up").tag("process", "quote-feed").tag("desk", "fx").gauge()).isNotNull();
        });
  }

  @Test
  void closingTheContextRemovesTheMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    runner.withBean(MeterRegistry.class, () -> registry).withPropertyValues("vigil.processes.quote-feed.command=sleep,600")
        .run(context -> assertThat(registry.find("vigil.process.up").gauge()).isNotNull());
    assertThat(registry.getMeters()).noneMatch(m -> m.getId().getName().startsWith("vigil."));
  }

  @Test
  void backsOffWithoutARegistryTheBindingOrWhenDisabled() {
    ApplicationContextRunner vigilOnly = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilMetricsAutoConfiguration.class));
    vigilOnly.run(context -> assertThat(context).hasSingleBean(Supervisor.class).doesNotHaveBean(VigilMetrics.class));
    ApplicationContextRunner withRegistry = vigilOnly.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
    withRegistry.run(context -> assertThat(context).hasSingleBean(VigilMetrics.class));
    withRegistry.withClassLoader(new FilteredClassLoader(VigilMetrics.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Supervisor.class).doesNotHaveBean(VigilMetrics.class));
    vigilOnly.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Supervisor.class).doesNotHaveBean(VigilMetrics.class));
    runner.withPropertyValues("vigil.metrics.enabled=false").run(context -> assertThat(context).doesNotHaveBean(VigilMetrics.class));
    runner.withPropertyValues("vigil.enabled=false").run(context -> assertThat(context).doesNotHaveBean(VigilMetrics.class));
  }

  /**
   * A sample interval that is not positive failed the start only with vigil-micrometer on the class path; without it
   * {@code 0s} or {@code -5s} was accepted and waited to fail the day the module was added (found by a black-box run).
   */
  @Test
  void aSampleIntervalThatIsNotPositiveFailsTheStartWithoutTheMetricsModuleToo() {
    ApplicationContextRunner withoutMetrics = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilMetricsAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader(VigilMetrics.class)).withPropertyValues("vigil.backend=jdk");
    Map<String, Duration> values = Map.of("0s", Duration.ZERO, "-5s", Duration.ofSeconds(-5));
    values.forEach((value, d) -> withoutMetrics.withPropertyValues("vigil.metrics.sample-interval=" + value)
        .run(context -> assertThat(analyse(context).getDescription()).as(value).contains("Property: vigil.metrics.sample-interval")
            .contains("Value: \"" + io.github.vigil.HumanFormat.duration(d) + "\"").contains("must be positive")));
    withoutMetrics.withPropertyValues("vigil.metrics.sample-interval=1s").run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void usersBeanWins() {
    runner.withBean("myMetrics", VigilMetrics.class, () -> VigilMetrics.builder(Supervisor.builder().name("own").build()).build(),
        b -> b.setDestroyMethodName("close"))
        .run(context -> assertThat(context).getBean(VigilMetrics.class).isSameAs(context.getBean("myMetrics")));
  }

  @Test
  void aReservedLabelTagIsAnalysed() {
    runner.withPropertyValues("vigil.metrics.label-tags=desk,process").run(context -> assertThat(analyse(context).getDescription())
        .contains("Property: vigil.metrics.label-tags").contains("'process' is a tag of Vigil's meters already"));
    runner.withPropertyValues("vigil.metrics.sample-interval=0s").run(context -> assertThat(analyse(context).getDescription())
        .contains("Property: vigil.metrics.sample-interval"));
    runner.withPropertyValues("vigil.metrics.sample-interval=5s", "vigil.metrics.max-age=2s").run(context -> assertThat(analyse(context).getDescription())
        .contains("Property: vigil.metrics.max-age").contains("must not be shorter than sampleInterval (5.00 s)"));
  }

  @Test
  void appliesTheMaxAge() {
    runner.withPropertyValues("vigil.metrics.max-age=20s").run(context ->
        assertThat(context.getBean(VigilMetrics.class).maxAge()).contains(Duration.ofSeconds(20)));
    runner.run(context -> assertThat(context.getBean(VigilMetrics.class).maxAge()).as("Micrometer naming: no bound").isEmpty());
  }
}
