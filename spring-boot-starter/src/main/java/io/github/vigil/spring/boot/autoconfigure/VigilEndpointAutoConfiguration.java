package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.Supervisor;
import io.github.vigil.spring.boot.actuate.VigilEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures the Actuator endpoint {@code vigil} ({@link VigilEndpoint}) when Actuator is on
 * the class path, a {@link Supervisor} bean exists, and the endpoint is available (exposed and its
 * access not {@code none}). Its write operations need
 * {@code management.endpoint.vigil.access=unrestricted}; each is audited (logged, and published as an
 * {@code AuditApplicationEvent} with the authenticated principal as its actor).
 */
@AutoConfiguration(after = VigilAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(Supervisor.class)
@EnableConfigurationProperties(VigilProperties.class)
@ConditionalOnAvailableEndpoint(VigilEndpoint.class)
public class VigilEndpointAutoConfiguration {

  /** The endpoint. */
  @Bean
  @ConditionalOnMissingBean
  public VigilEndpoint vigilEndpoint(Supervisor supervisor, VigilProperties properties, Environment environment,
      ApplicationEventPublisher events) {
    VigilProperties.Endpoint e = properties.getEndpoint();
    if (e.getCommandTimeout().isNegative() || e.getCommandTimeout().isZero()) {
      throw new InvalidVigilPropertyException("vigil.endpoint.command-timeout", e.getCommandTimeout(), "must be positive",
          ProcessSpecFactory.origin(environment, "vigil.endpoint.command-timeout"));
    }
    if (e.getHistorySize() < 0) {
      throw new InvalidVigilPropertyException("vigil.endpoint.history-size", e.getHistorySize(), "must not be negative",
          ProcessSpecFactory.origin(environment, "vigil.endpoint.history-size"));
    }
    if (e.getOutputLines() < 0) {
      throw new InvalidVigilPropertyException("vigil.endpoint.output-lines", e.getOutputLines(), "must not be negative",
          ProcessSpecFactory.origin(environment, "vigil.endpoint.output-lines"));
    }
    if (e.getOutputLineLength() < 10) {
      throw new InvalidVigilPropertyException("vigil.endpoint.output-line-length", e.getOutputLineLength(), "must be at least 10",
          ProcessSpecFactory.origin(environment, "vigil.endpoint.output-line-length"));
    }
    return new VigilEndpoint(supervisor, new ProcessSpecFactory(environment).criticalProcesses(properties), e.getCommandTimeout(),
        e.getHistorySize(), e.getOutputLines(), e.getOutputLineLength(), events);
  }
}
