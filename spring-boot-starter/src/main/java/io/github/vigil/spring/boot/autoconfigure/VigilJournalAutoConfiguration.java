package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.Supervisor;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.Retention;
import io.github.vigil.spring.boot.actuate.VigilEndpoint;
import io.github.vigil.spring.boot.actuate.VigilJournalWebExtension;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configures a {@link Journal} attached to the {@link Supervisor} bean when {@code vigil-journal} is on
 * the class path and {@code vigil.journal.enabled=true}, and to the {@link TradingSupervision} of
 * {@code vigil.schedules.*} when there is one (its sessions, schedule starts and stops and deferred restarts are
 * journaled, and counted in the restart report); with Actuator's {@code vigil} endpoint available, adds
 * {@code GET /actuator/vigil/{name}/restarts?period=7d} and {@code GET /actuator/vigil/{name}/history?period=7d}
 * ({@link VigilJournalWebExtension}).
 */
@AutoConfiguration(after = {VigilAutoConfiguration.class, VigilEndpointAutoConfiguration.class, VigilCalendarAutoConfiguration.class})
@ConditionalOnClass(Journal.class)
@ConditionalOnBean(Supervisor.class)
@ConditionalOnProperty(prefix = "vigil.journal", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(VigilJournalProperties.class)
public class VigilJournalAutoConfiguration {
  /** The journal without {@code vigil.journal.url} nor {@code vigil.state-directory}: in the working directory. */
  static final String DEFAULT_URL = "jdbc:sqlite:vigil-journal.db";

  /** The journal, listening to the supervisor and to its trading schedules if any; closed with the context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Journal vigilJournal(Supervisor supervisor, VigilJournalProperties p, ObjectProvider<TradingSupervision> trading,
      ObjectProvider<VigilProperties> vigil) {
    Journal.Builder b = Journal.builder().snapshotInterval(p.getSnapshotInterval()).batchInterval(p.getBatchInterval())
        .retention(Retention.days(p.getEventsDays(), p.getRunsDays(), p.getSnapshotsDays()));
    // by default beside the supervisor's state, where `vigil status` is pointed (journal.db of the state directory)
    VigilProperties v = vigil.getIfAvailable();
    if (p.getUrl() != null) {
      b.url(p.getUrl());
    } else if (v != null && v.getStateDirectory() != null) {
      b.stateDirectory(v.getStateDirectory());
    } else {
      b.url(DEFAULT_URL);
    }
    if (p.getUser() != null) {
      b.user(p.getUser());
    }
    if (p.getPassword() != null) {
      b.password(p.getPassword());
    }
    if (p.getHost() != null) {
      b.host(p.getHost());
    }
    Journal journal = b.build();
    TradingSupervision schedules = trading.getIfUnique();
    if (schedules != null) {
      journal.attach(supervisor, schedules); // the schedule's own events reach only its listeners
    } else {
      journal.attach(supervisor);
    }
    return journal;
  }

  /** The journal's reports on the {@code vigil} endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({EndpointWebExtension.class, ConditionalOnAvailableEndpoint.class})
  @ConditionalOnBean(VigilEndpoint.class)
  static class Web {
    @Bean
    @ConditionalOnMissingBean
    VigilJournalWebExtension vigilJournalWebExtension(Journal journal) {
      return new VigilJournalWebExtension(journal);
    }
  }
}
