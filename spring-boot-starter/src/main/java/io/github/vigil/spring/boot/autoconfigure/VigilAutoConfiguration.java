package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import io.github.vigil.AttachSpec;
import io.github.vigil.HealthCheck;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures a {@link Supervisor} from the {@code vigil.*} properties and a
 * {@link VigilLifecycle} that registers every process, from {@code vigil.processes} and from
 * {@link ProcessSpec} beans, and runs them with the application context.
 *
 * <p>Switched off by {@code vigil.enabled=false}. Each bean backs off when the application defines
 * its own: a {@code Supervisor} bean is used as it is (the starter still registers the configured
 * processes with it), and a {@code VigilLifecycle} bean replaces the starter's.
 *
 * <p>Every key under {@code vigil.} must be a Vigil property: an unknown one (a typo) fails
 * start-up naming it, where it was written and the closest valid key ({@link StrictVigilProperties}), with every other
 * mistake of the {@code vigil.*} properties ({@link VigilPropertyProblems}).
 *
 * <p>The backend is the best available one unless {@code vigil.backend} names one; with
 * {@code vigil-linux-native} on the class path that is the Linux backend (found through
 * {@link java.util.ServiceLoader}).
 */
@AutoConfiguration
@ConditionalOnClass(Supervisor.class)
@ConditionalOnBooleanProperty(name = "vigil.enabled", matchIfMissing = true)
@EnableConfigurationProperties(VigilProperties.class)
public class VigilAutoConfiguration {

  /**
   * Finds the unknown {@code vigil.*} keys before any bean is bound or created; they fail the start with the other
   * mistakes ({@link #vigilPropertyProblems}).
   */
  @Bean
  static StrictVigilProperties vigilStrictProperties() {
    return new StrictVigilProperties();
  }

  /**
   * The supervisor; closed (every child stopped, then killed) when the context is destroyed. A refused setting of its own
   * ({@code vigil.name}, {@code vigil.close-timeout}, {@code vigil.metrics.sample-interval}, {@code vigil.backend},
   * {@code vigil.state-directory}) is gathered with the other parts' mistakes ({@link VigilPropertyProblems}), not thrown
   * before them: the supervisor is then built without it (the default in its place), starts nothing, and is closed when
   * the start fails. The {@link SupervisorBuilderCustomizer}s run at most once: for the builder of the supervisor the
   * application gets, or whose build {@code vigil.backend} or {@code vigil.state-directory} made fail, never for the
   * stand-in the rest is then checked against. The stand-in has the backend the application would get when that is known
   * ({@code vigil.backend} beside a refused state directory, or the default, and no customizer, which may set a backend of
   * its own); else a check that depends on the backend (a {@code systemd-notify} health check) is not judged against it.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Supervisor vigilSupervisor(VigilProperties properties, ObjectProvider<SupervisorBuilderCustomizer> customizers, Environment environment,
      ObjectProvider<VigilPropertyProblems> shared) {
    VigilPropertyProblems gathered = VigilPropertyProblems.of(shared);
    // checked here, not only where vigil-micrometer reads it: a bad value fails the start whether or not that module is present
    java.time.Duration sampleInterval = properties.getMetrics().getSampleInterval();
    if (sampleInterval == null || sampleInterval.isNegative() || sampleInterval.isZero()) {
      gathered.add(new InvalidVigilPropertyException("vigil.metrics.sample-interval", sampleInterval, "must be positive",
          ProcessSpecFactory.origin(environment, "vigil.metrics.sample-interval")));
    }
    Supervisor.Builder builder = builder(properties, environment, gathered, true, true);
    // the application's customizers run once, for this builder only: never again for the stand-in below
    List<SupervisorBuilderCustomizer> applied = customizers.orderedStream().toList();
    applied.forEach(c -> c.customize(builder));
    Supervisor supervisor;
    try {
      supervisor = builder.build();
    } catch (IllegalStateException e) {
      // no such backend, or the state directory is in use
      String message = String.valueOf(e.getMessage());
      boolean backend = properties.getBackend() != null && message.contains("backend");
      if (!backend && properties.getStateDirectory() == null) {
        throw e;
      }
      InvalidVigilPropertyException ex = backend
          ? new InvalidVigilPropertyException("vigil.backend", properties.getBackend(), message, ProcessSpecFactory.origin(environment, "vigil.backend"))
          : new InvalidVigilPropertyException("vigil.state-directory", properties.getStateDirectory(), message,
              ProcessSpecFactory.origin(environment, "vigil.state-directory"));
      ex.initCause(e);
      gathered.add(ex);
      // the rest is still checked against a stand-in with neither (a refusal of the others, said again, is listed once),
      // built without the application's customizers: they ran for the refused builder, and one with side effects (a
      // registration elsewhere, a connection, a count) ran a second time for a supervisor nobody gets. Its backend is the
      // one the application would get (vigil.backend, when only the state directory was refused) only when no customizer
      // ran, as one may set a backend of its own: else what depends on the backend is not judged against it
      Supervisor standIn = null;
      if (!backend && properties.getBackend() != null) {
        try {
          standIn = builder(properties, environment, gathered, true, false).build();
        } catch (IllegalStateException refusedToo) {
          // that backend is not available either: the default stands in, and is not the application's
        }
      }
      boolean applicationsBackend = standIn != null || !backend && properties.getBackend() == null;
      supervisor = standIn != null ? standIn : builder(properties, environment, gathered, false, false).build();
      if (!applicationsBackend || !applied.isEmpty()) {
        gathered.backendUnknown(supervisor);
      }
    }
    if (!gathered.isEmpty() && !gathered.isShared()) {
      supervisor.close();   // an application's own gathering ends here, and this supervisor is no bean
    }
    gathered.end();
    return supervisor;
  }

  /**
   * A builder from the supervisor's own settings, each refused one gathered in {@code gathered} and left at its default;
   * the application's customizers are not applied here.
   */
  private static Supervisor.Builder builder(VigilProperties properties, Environment environment, VigilPropertyProblems gathered,
      boolean withBackend, boolean withStateDirectory) {
    // the context closes it (Spring Boot's own shutdown hook): stops in the lifecycle's order, after the web server's
    // graceful shutdown; a hook of the supervisor's own would stop the processes at once, beside it
    Supervisor.Builder builder = Supervisor.builder().closeOnJvmShutdown(false);
    gathered.collect(() -> at("vigil.name", properties.getName(), environment, () -> builder.name(properties.getName())));
    gathered.collect(() -> at("vigil.close-timeout", properties.getCloseTimeout(), environment,
        () -> builder.closeTimeout(properties.getCloseTimeout())));
    if (withStateDirectory && properties.getStateDirectory() != null) {
      builder.stateDirectory(properties.getStateDirectory());
    }
    if (withBackend && properties.getBackend() != null) {
      builder.backend(properties.getBackend());
    }
    return builder;
  }

  /**
   * Gathers the mistakes of every part of the {@code vigil.*} properties (processes, attachments, critical processes,
   * groups, calendars, schedules, alert sinks and routes) and fails the start on all of them at once, once every bean
   * is made and before any process starts.
   */
  @Bean
  static VigilPropertyProblems vigilPropertyProblems(ObjectProvider<StrictVigilProperties> strict) {
    VigilPropertyProblems problems = new VigilPropertyProblems();
    // the unknown keys, found before any bean was made, fail the start with the rest
    strict.ifAvailable(s -> {
      problems.addAll(s.found());
      problems.unbound(s.unbindable());   // the values Spring cannot bind, left at their defaults
    });
    return problems;
  }

  /**
   * Registers the processes and runs them with the context. The mistakes of the processes' properties, of the
   * dependencies between them (a cycle too), of the attachments' and of {@code vigil.health.critical-processes} are
   * gathered with the other parts' ({@link VigilPropertyProblems}); with any, nothing is registered. A name the
   * application's own supervisor has already (a process, an attachment or a group it registered itself) is such a mistake,
   * for a process of {@code vigil.processes} and for an attachment of {@code vigil.attach} alike.
   */
  @Bean
  @ConditionalOnMissingBean
  public VigilLifecycle vigilLifecycle(Supervisor supervisor, VigilProperties properties, Environment environment,
      ObjectProvider<ProcessSpec> specBeans, BeanFactory beanFactory, ObjectProvider<VigilPropertyProblems> shared) {
    VigilPropertyProblems gathered = VigilPropertyProblems.of(shared);
    ProcessSpecFactory factory = new ProcessSpecFactory(environment, name -> beanFactory.containsBean(name) ? beanFactory.getBean(name) : null);
    // every mistake of the processes' own properties, and of the dependencies between them, in one failure
    List<InvalidVigilPropertyException> problems = new ArrayList<>();
    List<ProcessSpec> specs = new ArrayList<>(factory.create(properties, problems));
    // a process whose properties have mistakes is still a name others may depend on
    Set<String> names = new LinkedHashSet<>(properties.getProcesses().keySet());
    Set<String> fromProperties = Set.copyOf(names);
    Set<String> unbuilt = new LinkedHashSet<>(names);
    specs.forEach(s -> unbuilt.remove(s.name()));
    specBeans.orderedStream().forEach(bean -> {
      if (!names.add(bean.name())) {
        problems.add(new InvalidVigilPropertyException("vigil.processes." + bean.name(), bean.name(),
            "a ProcessSpec bean defines a process with the same name", null));
      } else {
        specs.add(bean);
      }
    });
    // what each process depends on: a process not built for its mistakes, as its properties say
    java.util.Map<String, java.util.Map<String, io.github.vigil.Dependency.Condition>> dependencies = new java.util.LinkedHashMap<>();
    for (ProcessSpec spec : specs) {
      java.util.Map<String, io.github.vigil.Dependency.Condition> of = new java.util.LinkedHashMap<>();
      spec.dependencies().forEach(d -> of.put(d.name(), d.condition()));
      dependencies.put(spec.name(), of);
    }
    unbuilt.forEach(name -> {
      java.util.Map<String, io.github.vigil.Dependency.Condition> of = new java.util.LinkedHashMap<>();
      factory.merged(name).getDependsOn().forEach((dependency, condition) -> {
        try {
          ProcessSpec.builder(name).dependsOn(dependency, condition);   // the core's rule for a dependency's name
          of.put(dependency, condition);
        } catch (IllegalArgumentException refused) {
          // already among the problems, as the spec's build refused it: not named twice
        }
      });
      dependencies.put(name, of);
    });
    dependencies.forEach((process, on) -> on.forEach((dependency, condition) -> {
      if (!names.contains(dependency) && supervisor.controller(dependency).isEmpty()) {
        String closest = StrictVigilProperties.closest(dependency, List.copyOf(names));
        String reason = "no process named '" + dependency + "' is defined"
            + (closest != null ? "; did you mean `" + closest + "`?" : " (known: " + names + ")");
        problems.add(fromProperties.contains(process)
            ? factory.invalid(process, "depends-on." + dependency, condition.name().toLowerCase(java.util.Locale.ROOT), reason)
            : new InvalidVigilPropertyException("vigil.processes." + process + ".depends-on", dependency, reason, null));
      } else if (condition == io.github.vigil.Dependency.Condition.HEALTHY && !unbuilt.contains(dependency)
          && !hasHealthChecks(dependency, specs, supervisor)) {   // an unbuilt one's health checks are not known
        problems.add(factory.invalid(process, "depends-on." + dependency, "healthy", "'" + dependency
            + "' has no health checks, so it never becomes healthy: give it some (health-checks) or depend on it being started"));
      }
    }));
    // a cycle, found here among what the properties say (it was found by the registration, with nothing else said)
    cycles(dependencies, fromProperties, factory, problems);
    // what the registration refuses, found here with the rest (it failed the start alone, once the rest had none)
    taken(names, fromProperties, supervisor, factory, problems);
    if (!gathered.isBackendUnknown(supervisor)) {   // a stand-in's backend may not be the application's: not judged by it
      unsupportedChecks(specs, fromProperties, supervisor, properties, factory, problems);
    }
    java.time.Duration startTimeout = properties.getLifecycle().getStartTimeout();
    if (startTimeout == null || startTimeout.isNegative()) {
      problems.add(new InvalidVigilPropertyException("vigil.lifecycle.start-timeout", startTimeout, "must not be negative",
          ProcessSpecFactory.origin(environment, "vigil.lifecycle.start-timeout")));
    }
    List<AttachSpec> attachments = new ArrayList<>();
    for (AttachSpec a : factory.attachments(properties, problems)) {
      if (names.contains(a.name()) || supervisor.controller(a.name()).isPresent()) {
        problems.add(factory.invalidAttachment(a.name(), "a supervised process has the same name; names are shared by processes and attachments"));
      } else if (supervisor.attached(a.name()).isPresent()) {   // the attach, when the context started, skipped it with no word
        problems.add(factory.invalidAttachment(a.name(), "the supervisor has an attachment of that name already (registered by the"
            + " application, not by vigil.* properties); names are shared by processes, attachments and groups"));
      } else if (supervisor.group(a.name()).isPresent()) {   // the attach, when the context started, refused it naming no property
        problems.add(factory.invalidAttachment(a.name(), "the supervisor has a group of that name already (registered by the application,"
            + " not by vigil.* properties); names are shared by processes, attachments and groups"));
      } else {
        attachments.add(a);
      }
    }
    // an attachment with mistakes is still a name: not said to be unknown
    Set<String> known = new LinkedHashSet<>(names);
    known.addAll(properties.getAttach().keySet());
    supervisor.controllers().forEach(c -> known.add(c.name()));
    supervisor.attachedProcesses().forEach(a -> known.add(a.name()));
    factory.checkCriticalNames(properties, known, problems);
    gathered.addAll(problems);
    gathered.processes(names);
    supervisor.controllers().forEach(c -> gathered.processes(Set.of(c.name())));
    gathered.end();
    VigilProperties.Lifecycle lifecycle = properties.getLifecycle();
    if (!gathered.isEmpty()) {
      // the start fails once every part is checked (VigilPropertyProblems): nothing is registered meanwhile
      return new VigilLifecycle(supervisor, List.of(), List.of(), lifecycle.getPhase(), java.time.Duration.ZERO);
    }
    try {
      // the processes of vigil.groups are started by their groups (VigilGroupLifecycle), in declared order
      return gathered.failing(() -> new VigilLifecycle(supervisor, GroupFactory.startedByGroups(specs, environment), attachments,
          lifecycle.getPhase(), lifecycle.getStartTimeout()));
    } catch (InvalidVigilPropertyException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      InvalidVigilPropertyException unsupported = unsupportedCheck(e, specs, factory);
      if (unsupported != null) {
        throw unsupported;
      }
      // a name the supervisor already has, or what the starter did not foresee
      InvalidVigilPropertyException ex = new InvalidVigilPropertyException("vigil.processes", names, String.valueOf(e.getMessage()), null);
      ex.initCause(e);
      throw ex;
    }
  }

  /**
   * Adds each dependency cycle among {@code dependencies} (process to what it depends on) to {@code problems}, once,
   * named at the dependency of its first process (in declared order) on the next:
   * {@code vigil.processes.a.depends-on.b}, "dependency cycle: a -> b -> a", as the supervisor words it.
   */
  private static void cycles(java.util.Map<String, java.util.Map<String, io.github.vigil.Dependency.Condition>> dependencies,
      Set<String> fromProperties, ProcessSpecFactory factory, List<InvalidVigilPropertyException> problems) {
    java.util.Map<String, Integer> color = new java.util.HashMap<>();   // absent: unvisited, 1: on the path, 2: done
    for (String start : dependencies.keySet()) {
      visit(start, dependencies, color, new ArrayList<>(), cycle -> {
        String process = cycle.get(0);
        String next = cycle.get(1);
        String reason = "dependency cycle: " + String.join(" -> ", cycle);
        io.github.vigil.Dependency.Condition condition = dependencies.get(process).get(next);
        problems.add(fromProperties.contains(process)
            ? factory.invalid(process, "depends-on." + next, condition.name().toLowerCase(java.util.Locale.ROOT), reason)
            : new InvalidVigilPropertyException("vigil.processes." + process + ".depends-on", next, reason, null));
      });
    }
  }

  private static void visit(String name, java.util.Map<String, java.util.Map<String, io.github.vigil.Dependency.Condition>> dependencies,
      java.util.Map<String, Integer> color, List<String> path, java.util.function.Consumer<List<String>> cycle) {
    Integer c = color.get(name);
    if (c != null && c == 2 || !dependencies.containsKey(name)) {
      return;
    }
    if (c != null) {   // on the path: a cycle, said from where it was entered
      List<String> found = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
      found.add(name);
      cycle.accept(found);
      return;
    }
    color.put(name, 1);
    path.add(name);
    for (String dependency : dependencies.get(name).keySet()) {
      visit(dependency, dependencies, color, path, cycle);
    }
    path.remove(path.size() - 1);
    color.put(name, 2);
  }

  private static boolean hasHealthChecks(String name, List<ProcessSpec> specs, Supervisor supervisor) {
    for (ProcessSpec spec : specs) {
      if (spec.name().equals(name)) {
        return !spec.healthChecks().isEmpty();
      }
    }
    return supervisor.controller(name).map(c -> !c.spec().healthChecks().isEmpty()).orElse(false);
  }

  /**
   * Adds each of {@code names} (the processes of {@code vigil.processes}, with mistakes or not, and of the
   * {@code ProcessSpec} beans) that {@code supervisor} has already (an application's own supervisor, with what it
   * registered or attached itself): the registration refused it, alone, as {@code vigil.processes} with every name.
   */
  private static void taken(Set<String> names, Set<String> fromProperties, Supervisor supervisor, ProcessSpecFactory factory,
      List<InvalidVigilPropertyException> problems) {
    for (String name : names) {
      String by = supervisor.controller(name).isPresent() ? "a process"
          : supervisor.attached(name).isPresent() ? "an attachment" : supervisor.group(name).isPresent() ? "a group" : null;
      if (by != null) {
        String reason = "the supervisor has " + by + " of that name already (registered by the application, not by vigil.*"
            + " properties); names are shared by processes, attachments and groups";
        problems.add(fromProperties.contains(name) ? factory.invalid(name, "", name, reason)
            : new InvalidVigilPropertyException("vigil.processes." + name, name, "a ProcessSpec bean defines it: " + reason, null));
      }
    }
  }

  /**
   * Adds each {@code systemd-notify} health check of the processes of {@code vigil.processes} that the supervisor's
   * backend does not offer, decided from the backend's name, without starting anything: the JDK backend offers no notify
   * sockets, the Linux backend does (a backend of another name is left to the registration, and a refused
   * {@code vigil.backend}, said already, to the next start; so is a stand-in's when the application's backend is not
   * known, a customizer having run). Worded as the supervisor's registration refuses it.
   */
  private static void unsupportedChecks(List<ProcessSpec> specs, Set<String> fromProperties, Supervisor supervisor, VigilProperties properties,
      ProcessSpecFactory factory, List<InvalidVigilPropertyException> problems) {
    String backend = supervisor.backendName();
    if (!"jdk".equals(backend) || properties.getBackend() != null && !properties.getBackend().equals(backend)) {
      return;
    }
    for (ProcessSpec spec : specs) {
      List<HealthCheck> checks = spec.healthChecks();
      for (int i = 0; i < checks.size(); i++) {
        if (fromProperties.contains(spec.name()) && checks.get(i).probe() instanceof HealthCheck.Probe.SystemdNotify) {
          problems.add(factory.invalid(spec.name(), "health-checks[" + i + "].kind", "systemd-notify", "health check '"
              + checks.get(i).name() + "' of '" + spec.name() + "' needs systemd's notify protocol, which backend '" + backend
              + "' does not offer (the Linux backend does)"));
        }
      }
    }
  }

  /** A check the backend cannot run (systemd-notify without the Linux backend), named by its property. */
  private static @Nullable InvalidVigilPropertyException unsupportedCheck(IllegalArgumentException e, List<ProcessSpec> specs,
      ProcessSpecFactory factory) {
    String message = String.valueOf(e.getMessage());
    for (ProcessSpec spec : specs) {
      List<HealthCheck> checks = spec.healthChecks();
      for (int i = 0; i < checks.size(); i++) {
        if (checks.get(i).probe() instanceof HealthCheck.Probe.SystemdNotify
            && message.startsWith("health check '" + checks.get(i).name() + "' of '" + spec.name() + "'")) {
          InvalidVigilPropertyException ex = factory.invalid(spec.name(), "health-checks[" + i + "].kind", "systemd-notify", message);
          ex.initCause(e);
          return ex;
        }
      }
    }
    return null;
  }

  private static <T> T at(String property, @Nullable Object value, Environment environment, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      InvalidVigilPropertyException ex = new InvalidVigilPropertyException(property, value, String.valueOf(e.getMessage()),
          ProcessSpecFactory.origin(environment, property));
      ex.initCause(e);
      throw ex;
    }
  }
}
