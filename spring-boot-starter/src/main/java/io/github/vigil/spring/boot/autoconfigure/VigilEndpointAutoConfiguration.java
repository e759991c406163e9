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
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures the Actuator endpoint {@code vigil} ({@link VigilEndpoint}) when Actuator is on
 * the class path, a {@link Supervisor} bean exists, and the endpoint is available (exposed and its
 * access not {@code none}). Its write operations need
 * {@code management.endpoint.vigil.access=unrestricted}.
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
  public VigilEndpoint vigilEndpoint(Supervisor supervisor, VigilProperties properties, Environment environment) {
    return new VigilEndpoint(supervisor, new ProcessSpecFactory(environment).criticalProcesses(properties),
        properties.getEndpoint().getCommandTimeout(), properties.getEndpoint().getHistorySize());
  }
}
