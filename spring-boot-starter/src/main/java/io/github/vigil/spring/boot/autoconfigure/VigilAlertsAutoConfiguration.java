package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.Supervisor;
import io.github.vigil.alerts.AlertMetrics;
import io.github.vigil.alerts.Alerting;
import io.github.vigil.alerts.AnomalySettings;
import io.github.vigil.alerts.NotificationPipeline;
import io.github.vigil.calendar.TradingSupervision;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configures alerts ({@code vigil-alerts}) from {@code vigil.alerts.*} when the module is on the
 * class path and a {@link Supervisor} bean exists: a {@link NotificationPipeline} (routes, sinks,
 * silences, retries) and {@link Alerting} bound to the supervisor, subscribed before the lifecycle
 * registers the processes. Switched off by {@code vigil.alerts.enabled=false}; an application's own
 * pipeline or alerting bean replaces the starter's. With Micrometer, {@link AlertMetrics} binds the
 * pipeline's counters. With trading calendars ({@link TradingSupervision}), silences may be
 * {@code outside-sessions-of} a calendar, and {@code NOT_RUNNING} follows each process's schedule. With
 * {@code vigil.alerts.state-directory} (by default {@code vigil.state-directory}) the alerts a killed application's sinks
 * were told fire resolve there at its next start ({@link Alerting.Builder#stateDirectory}).
 */
@AutoConfiguration(after = {VigilAutoConfiguration.class, VigilCalendarAutoConfiguration.class})
@ConditionalOnClass(Alerting.class)
@ConditionalOnBean(Supervisor.class)
@ConditionalOnBooleanProperty(name = "vigil.alerts.enabled", matchIfMissing = true)
@EnableConfigurationProperties(VigilAlertsProperties.class)
public class VigilAlertsAutoConfiguration {

  /** The pipeline; closed with the context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public NotificationPipeline vigilNotificationPipeline(VigilAlertsProperties properties, ObjectProvider<TradingSupervision> trading) {
    return VigilAlertsFactory.pipeline(properties, trading.getIfUnique());
  }

  /** Alerting on the supervisor; closed with the context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Alerting vigilAlerting(Supervisor supervisor, NotificationPipeline pipeline, VigilAlertsProperties properties,
      ObjectProvider<TradingSupervision> trading, ObjectProvider<VigilProperties> vigil) {
    VigilAlertsFactory.checkOverrideNames(properties, supervisor);
    Alerting.Builder b = Alerting.builder(supervisor).rules(VigilAlertsFactory.rules(properties)).listener(pipeline)
        .sampleInterval(properties.getSampleInterval());
    TradingSupervision t = trading.getIfUnique();
    if (t != null) {
      b.schedules(t);
    }
    // the alerts' state beside the supervisor's, unless set apart: a killed application's alerts resolve at its next start
    java.nio.file.Path state = properties.getStateDirectory();
    VigilProperties v = vigil.getIfAvailable();
    if (state == null && v != null) {
      state = v.getStateDirectory();
    }
    if (state != null) {
      b.stateDirectory(state);
    }
    if (!properties.isAnomalies()) {
      b.noAnomalies();
    } else {
      b.anomalies(AnomalySettings.defaults());
    }
    return b.build();
  }

  /** The pipeline's meters, when Micrometer is there. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    AlertMetrics vigilAlertMetrics(NotificationPipeline pipeline) {
      return new AlertMetrics(pipeline);
    }
  }
}
