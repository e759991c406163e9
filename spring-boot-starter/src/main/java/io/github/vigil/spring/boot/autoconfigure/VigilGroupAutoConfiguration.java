package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.Supervisor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures the supervision trees of {@code vigil.groups.*} ({@link VigilGroupProperties}):
 * checks them, registers them with the {@link Supervisor} once the processes are registered, and runs
 * them with the context ({@link VigilGroupLifecycle}). The processes of a group are started by their
 * group, in declared order, not by {@code startAll}. A group follows a trading schedule
 * ({@code vigil.schedules.<group>}) as a process does ({@link VigilCalendarAutoConfiguration}).
 */
@AutoConfiguration(after = VigilAutoConfiguration.class)
@ConditionalOnClass(Supervisor.class)
@ConditionalOnBean({Supervisor.class, VigilLifecycle.class})
@ConditionalOnBooleanProperty(name = "vigil.enabled", matchIfMissing = true)
@EnableConfigurationProperties({VigilGroupProperties.class, VigilProperties.class})
public class VigilGroupAutoConfiguration {

  /**
   * Registers the groups (after the processes, which {@code lifecycle} registered) and runs them with the context. Their
   * mistakes are gathered with the other parts' ({@link VigilPropertyProblems}); with any, no group is registered.
   */
  @Bean
  @ConditionalOnMissingBean
  public VigilGroupLifecycle vigilGroupLifecycle(Supervisor supervisor, VigilLifecycle lifecycle, VigilGroupProperties groups,
      VigilProperties vigil, Environment environment, ObjectProvider<VigilPropertyProblems> shared) {
    VigilPropertyProblems gathered = VigilPropertyProblems.of(shared);
    // the processes with mistakes of their own too: a group naming one is not wrong for it
    Set<String> processes = new LinkedHashSet<>(gathered.processes());
    supervisor.controllers().forEach(c -> processes.add(c.name()));
    List<String> attachments = new ArrayList<>(vigil.getAttach().keySet());
    supervisor.attachedProcesses().forEach(a -> attachments.add(a.name()));
    GroupFactory factory = new GroupFactory(environment, groups);
    List<InvalidVigilPropertyException> problems = new ArrayList<>();
    GroupFactory.Tree tree = factory.create(processes, attachments, problems);
    gathered.addAll(problems);
    gathered.groups(groups.getGroups().keySet(), tree.parents());
    gathered.end();
    if (!gathered.isEmpty()) {
      // the start fails once every part is checked: nothing is registered meanwhile
      return new VigilGroupLifecycle(supervisor, List.of(), List.of(), lifecycle.getPhase(), vigil.getLifecycle().getStartTimeout(),
          vigil.getCloseTimeout());
    }
    try {
      return new VigilGroupLifecycle(supervisor, tree.specs(), tree.autoStart(), lifecycle.getPhase(), vigil.getLifecycle().getStartTimeout(),
          vigil.getCloseTimeout());
    } catch (IllegalArgumentException e) {
      // what the starter did not foresee, e.g. a child already in a group the application registered itself
      InvalidVigilPropertyException ex = new InvalidVigilPropertyException(GroupFactory.GROUPS, groups.getGroups().keySet(),
          String.valueOf(e.getMessage()), null);
      ex.initCause(e);
      throw ex;
    }
  }
}
