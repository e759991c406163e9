package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.Supervisor;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * The calendars and schedules, applied to the supervisor; closed with the context. Their mistakes are gathered with
   * the other parts' ({@link VigilPropertyProblems}); with any, no schedule is applied.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public TradingSupervision vigilTradingSupervision(Supervisor supervisor, VigilCalendarProperties properties, VigilProperties vigil,
      ObjectProvider<VigilLifecycle> lifecycle, ObjectProvider<VigilGroupLifecycle> groups, ObjectProvider<VigilPropertyProblems> shared) {
    lifecycle.ifAvailable(l -> { }); // the processes are registered when the VigilLifecycle bean is made
    groups.ifAvailable(g -> { }); // and the groups (vigil.groups) when the VigilGroupLifecycle bean is
    VigilPropertyProblems gathered = VigilPropertyProblems.of(shared);
    List<InvalidVigilPropertyException> problems = new ArrayList<>();
    Map<String, TradingCalendar> calendars = CalendarFactory.calendars(properties, problems);
    TradingSupervision.Builder b = TradingSupervision.builder(supervisor);
    calendars.values().forEach(b::calendar);
    Map<String, Schedule> processes = new LinkedHashMap<>();
    Map<String, Schedule> watches = new LinkedHashMap<>();
    properties.getSchedules().forEach((name, s) -> {
      Schedule schedule = CalendarFactory.schedule(name, s, calendars, properties.getCalendars().keySet(), problems);
      // a process or group with mistakes of its own (not registered) is one too
      boolean group = supervisor.group(name).isPresent() || gathered.groups().contains(name);
      if (supervisor.controller(name).isPresent() || gathered.processes().contains(name) || group) {
        String parent = supervisor.groups().stream().filter(g -> g.spec().children().contains(name)).map(g -> g.name()).findFirst()
            .orElse(gathered.parentOf(name));
        if (parent != null) {
          problems.add(GroupFactory.scheduleInAGroup(name, group ? "group" : "process", parent));
        } else if (schedule != null) {
          processes.put(name, schedule);
        }
      } else if (vigil.getAttach().containsKey(name)) {
        if (!s.getFreezes().isEmpty()) {
          problems.add(new InvalidVigilPropertyException("vigil.schedules." + name + ".freezes", s.getFreezes().size() + " windows",
              "freeze windows apply to supervised processes, and '" + name + "' is an attachment", null));
        } else if (schedule != null) {
          watches.put(name, schedule);
        }
      } else {
        problems.add(new InvalidVigilPropertyException("vigil.schedules." + name, name, "no process, group or attachment of that name is defined", null));
      }
    });
    gathered.addAll(problems);
    gathered.end();
    if (gathered.isEmpty()) {   // else the start fails once every part is checked: no schedule is applied meanwhile
      processes.forEach(b::schedule);
      watches.forEach(b::watch);
    }
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
