package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.spring.boot.actuate.VigilCalendarEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the Actuator endpoint {@code vigilcalendars} ({@link VigilCalendarEndpoint}) when
 * Actuator is on the class path, a {@link TradingSupervision} bean exists and the endpoint is available.
 */
@AutoConfiguration(after = VigilCalendarAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class, TradingSupervision.class})
@ConditionalOnBean(TradingSupervision.class)
@ConditionalOnAvailableEndpoint(VigilCalendarEndpoint.class)
public class VigilCalendarEndpointAutoConfiguration {

  /** The endpoint. */
  @Bean
  @ConditionalOnMissingBean
  public VigilCalendarEndpoint vigilCalendarEndpoint(TradingSupervision trading, org.springframework.beans.factory.ObjectProvider<
      io.github.vigil.Supervisor> supervisor) {
    return new VigilCalendarEndpoint(trading, supervisor.getIfAvailable());
  }
}
