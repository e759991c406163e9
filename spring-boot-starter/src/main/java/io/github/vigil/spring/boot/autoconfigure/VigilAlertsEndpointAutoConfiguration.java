package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.alerts.Alerting;
import io.github.vigil.alerts.NotificationPipeline;
import io.github.vigil.spring.boot.actuate.VigilAlertsEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the Actuator endpoint {@code vigilalerts} ({@link VigilAlertsEndpoint}) when
 * Actuator and {@code vigil-alerts} are on the class path, the alerts are configured, and the
 * endpoint is available (exposed and its access not {@code none}).
 */
@AutoConfiguration(after = VigilAlertsAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class, Alerting.class})
@ConditionalOnBean({Alerting.class, NotificationPipeline.class})
@ConditionalOnAvailableEndpoint(VigilAlertsEndpoint.class)
public class VigilAlertsEndpointAutoConfiguration {

  /** The endpoint. */
  @Bean
  @ConditionalOnMissingBean
  public VigilAlertsEndpoint vigilAlertsEndpoint(Alerting alerting, NotificationPipeline pipeline) {
    return new VigilAlertsEndpoint(alerting, pipeline);
  }
}
