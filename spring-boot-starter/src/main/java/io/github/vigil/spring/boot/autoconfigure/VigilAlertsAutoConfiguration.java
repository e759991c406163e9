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

  /**
   * The pipeline; closed with the context. The mistakes of the sinks and routes are gathered with the other parts'
   * ({@link VigilPropertyProblems}); with any, the bean is a pipeline to the log alone, never started.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public NotificationPipeline vigilNotificationPipeline(VigilAlertsProperties properties, ObjectProvider<TradingSupervision> trading,
      ObjectProvider<VigilCalendarProperties> calendars, ObjectProvider<VigilPropertyProblems> shared) {
    VigilPropertyProblems gathered = VigilPropertyProblems.of(shared);
    TradingSupervision t = trading.getIfUnique();
    // the calendars configured but not built (their mistakes fail the start): a silence outside their sessions is not wrong for it
    java.util.Set<String> unbuilt = new java.util.HashSet<>();
    VigilCalendarProperties configured = calendars.getIfAvailable();
    if (configured != null) {
      unbuilt.addAll(configured.getCalendars().keySet());
      if (t != null) {
        t.calendars().forEach(c -> unbuilt.remove(c.name()));
      }
    }
    java.util.List<InvalidVigilPropertyException> problems = new java.util.ArrayList<>();
    NotificationPipeline pipeline = gathered.failing(() -> VigilAlertsFactory.pipeline(properties, t, unbuilt, problems));
    gathered.addAll(problems);
    gathered.end();
    return pipeline != null ? pipeline : VigilAlertsFactory.placeholder();
  }

  /**
   * Alerting on the supervisor; closed with the context. The mistakes of {@code vigil.alerts.rules} and {@code overrides}
   * are gathered with the other parts' ({@link VigilPropertyProblems}). Without its state directory while the start is failing for
   * mistakes ({@link VigilPropertyProblems}): the remembered alerts are left for the next start.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Alerting vigilAlerting(Supervisor supervisor, NotificationPipeline pipeline, VigilAlertsProperties properties,
      ObjectProvider<TradingSupervision> trading, ObjectProvider<VigilProperties> vigil, ObjectProvider<VigilLifecycle> lifecycle,
      ObjectProvider<VigilPropertyProblems> shared) {
    lifecycle.ifAvailable(l -> { }); // the processes are registered, or their names gathered, when the VigilLifecycle bean is made
    VigilPropertyProblems gathered = VigilPropertyProblems.of(shared);
    java.util.List<InvalidVigilPropertyException> problems = new java.util.ArrayList<>();
    VigilAlertsFactory.checkOverrideNames(properties, supervisor, gathered.processes(), problems);
    // every mistake of the rules and overrides with the rest (they failed the start at once, one at a time)
    io.github.vigil.alerts.AlertRules rules = VigilAlertsFactory.rules(properties, problems);
    gathered.addAll(problems);
    gathered.end();
    Alerting.Builder b = Alerting.builder(supervisor).rules(rules).listener(pipeline)
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
    if (state != null && gathered.isEmpty()) {
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
