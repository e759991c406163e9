package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.Supervisor;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configures a {@link TradingSupervision} from {@code vigil.calendars.*} and
 * {@code vigil.schedules.*} when any calendar is configured: each schedule is applied to the process
 * of its name, or is the watch window of the attachment ({@code vigil.attach.*}) of its name. A
 * {@link VigilTradingLifecycle} starts it one phase after the processes.
 *
 * <p>A process with an in-session schedule should have {@code auto-start: false}: it is started by
 * its schedule (otherwise it starts with the context and is stopped at once outside its window).
 */
@AutoConfiguration(after = VigilAutoConfiguration.class)
@ConditionalOnClass(TradingSupervision.class)
@ConditionalOnBean(Supervisor.class)
@ConditionalOnBooleanProperty(name = "vigil.enabled", matchIfMissing = true)
@Conditional(VigilCalendarAutoConfiguration.OnCalendars.class)
@EnableConfigurationProperties({VigilCalendarProperties.class, VigilProperties.class})
public class VigilCalendarAutoConfiguration {

  /** The calendars and schedules, applied to the supervisor; closed with the context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public TradingSupervision vigilTradingSupervision(Supervisor supervisor, VigilCalendarProperties properties, VigilProperties vigil,
      ObjectProvider<VigilLifecycle> lifecycle, ObjectProvider<VigilGroupLifecycle> groups) {
    lifecycle.ifAvailable(l -> { }); // the processes are registered when the VigilLifecycle bean is made
    groups.ifAvailable(g -> { }); // and the groups (vigil.groups) when the VigilGroupLifecycle bean is
    Map<String, TradingCalendar> calendars = CalendarFactory.calendars(properties);
    TradingSupervision.Builder b = TradingSupervision.builder(supervisor);
    calendars.values().forEach(b::calendar);
    properties.getSchedules().forEach((name, s) -> {
      Schedule schedule = CalendarFactory.schedule(name, s, calendars);
      if (supervisor.controller(name).isPresent() || supervisor.group(name).isPresent()) {
        GroupFactory.checkScheduleNotInAGroup(supervisor, name);
        b.schedule(name, schedule);
      } else if (vigil.getAttach().containsKey(name)) {
        if (!schedule.freezes().isEmpty()) {
          throw new InvalidVigilPropertyException("vigil.schedules." + name + ".freezes", s.getFreezes().size() + " windows",
              "freeze windows apply to supervised processes, and '" + name + "' is an attachment", null);
        }
        b.watch(name, schedule);
      } else {
        throw new InvalidVigilPropertyException("vigil.schedules." + name, name, "no process, group or attachment of that name is defined", null);
      }
    });
    return b.build();
  }

  /** Starts the schedules after the processes and attachments. */
  @Bean
  @ConditionalOnMissingBean
  public VigilTradingLifecycle vigilTradingLifecycle(TradingSupervision trading, VigilProperties vigil) {
    return new VigilTradingLifecycle(trading, vigil.getLifecycle().getPhase() + 1);
  }

  /** Matches when {@code vigil.calendars} has an entry. */
  static final class OnCalendars extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean any = Binder.get(context.getEnvironment()).bind("vigil.calendars", Bindable.mapOf(String.class, Object.class))
          .map(m -> !m.isEmpty()).orElse(false);
      return any ? ConditionOutcome.match("vigil.calendars is set") : ConditionOutcome.noMatch("no vigil.calendars");
    }
  }
}
