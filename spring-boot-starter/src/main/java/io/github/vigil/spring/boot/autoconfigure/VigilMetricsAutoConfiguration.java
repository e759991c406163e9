package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.Supervisor;
import io.github.vigil.micrometer.MetricNaming;
import io.github.vigil.micrometer.VigilMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures {@link VigilMetrics}, the meters of every supervised and attached process, when
 * {@code vigil-micrometer} is on the class path and the application has a {@link MeterRegistry}
 * bean (Spring Boot binds the {@code MeterBinder} to every registry). Configured by
 * {@code vigil.metrics.*} (naming style, label tags, extra tags, sample interval); switched off by
 * {@code vigil.metrics.enabled=false}; an application's own {@code VigilMetrics} bean replaces it.
 * Its meters are removed when the context closes.
 */
@AutoConfiguration(after = {MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class, VigilAutoConfiguration.class})
@ConditionalOnClass({MeterRegistry.class, VigilMetrics.class, MetricsAutoConfiguration.class})
@ConditionalOnBean({MeterRegistry.class, Supervisor.class})
@ConditionalOnBooleanProperty(name = "vigil.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(VigilProperties.class)
public class VigilMetricsAutoConfiguration {

  /**
   * The binder; closing it removes its meters from every registry. The mistakes of {@code vigil.metrics.*} are gathered
   * with the other parts' ({@link VigilPropertyProblems}; they failed the start alone, at once): the binder is then made
   * without the refused settings, and the start fails once every part is checked.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public VigilMetrics vigilMetrics(Supervisor supervisor, VigilProperties properties, ObjectProvider<VigilPropertyProblems> shared) {
    VigilPropertyProblems gathered = VigilPropertyProblems.of(shared);
    VigilProperties.Metrics m = properties.getMetrics();
    VigilMetrics.Builder b = VigilMetrics.builder(supervisor)
        .naming(m.getNaming() == VigilProperties.Metrics.Naming.PROCESS_EXPORTER ? MetricNaming.PROCESS_EXPORTER : MetricNaming.MICROMETER);
    gathered.collect(() -> at("vigil.metrics.label-tags", m.getLabelTags(), () -> b.labelTags(m.getLabelTags().toArray(String[]::new))));
    m.getTags().forEach((key, value) -> gathered.collect(() -> at("vigil.metrics.tags." + key, value, () -> b.tags(key, value))));
    java.time.Duration interval = m.getSampleInterval();
    if (interval != null && !interval.isNegative() && !interval.isZero()) {   // one that is not positive is said with the supervisor's
      gathered.collect(() -> at("vigil.metrics.sample-interval", interval, () -> b.sampleInterval(interval)));
    }
    gathered.collect(() -> at("vigil.metrics.max-processes", m.getMaxProcesses(), () -> b.maxProcesses(m.getMaxProcesses())));
    java.time.Duration maxAge = m.getMaxAge();
    VigilMetrics metrics;
    if (maxAge != null && gathered.collect(() -> at("vigil.metrics.max-age", maxAge, () -> b.maxAge(maxAge))) != null) {
      metrics = gathered.collect(() -> at("vigil.metrics.max-age", maxAge, b::build));
    } else {
      metrics = b.build();
    }
    if (metrics == null) {
      metrics = VigilMetrics.builder(supervisor).build();   // the start fails on the refused max-age; these meters are never read
    }
    if (!gathered.isEmpty() && !gathered.isShared()) {
      metrics.close();
    }
    gathered.end();
    return metrics;
  }

  private static <T> T at(String property, Object value, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      InvalidVigilPropertyException ex = new InvalidVigilPropertyException(property, value, String.valueOf(e.getMessage()), null);
      ex.initCause(e);
      throw ex;
    }
  }
}
