package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.Supervisor;
import java.time.Duration;
import java.time.InstantSource;
import io.github.vigil.spring.boot.actuate.VigilHealthContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures the health contributor {@code vigil}, one component per supervised process
 * ({@link VigilHealthContributor}), when Spring Boot's health support is on the class path, a
 * {@link Supervisor} bean exists and {@code management.health.vigil.enabled} is not false.
 * The application's health is {@code DOWN} while a critical process is {@code FAILED} or
 * {@code UNHEALTHY}, or unavailable for longer than {@code vigil.health.down-after}.
 */
@AutoConfiguration(after = VigilAutoConfiguration.class, before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(Supervisor.class)
@EnableConfigurationProperties(VigilProperties.class)
@ConditionalOnEnabledHealthIndicator("vigil")
public class VigilHealthContributorAutoConfiguration {

  /** The contributor, named {@code vigil} in the health endpoint. */
  @Bean
  @ConditionalOnMissingBean(name = "vigilHealthContributor")
  public VigilHealthContributor vigilHealthContributor(Supervisor supervisor, VigilProperties properties, Environment environment) {
    Duration downAfter = properties.getHealth().getDownAfter();
    if (downAfter.isNegative()) {
      throw new InvalidVigilPropertyException("vigil.health.down-after", downAfter, "must not be negative",
          ProcessSpecFactory.origin(environment, "vigil.health.down-after"));
    }
    return new VigilHealthContributor(supervisor, new ProcessSpecFactory(environment).criticalProcesses(properties), downAfter,
        InstantSource.system());
  }
}
