package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import io.github.vigil.Backoff;
import io.github.vigil.Environment;
import io.github.vigil.OutputSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.AttachSpec;
import io.github.vigil.HealthCheck;
import io.github.vigil.spring.boot.autoconfigure.VigilProperties.AttachProperties;
import io.github.vigil.ResourceRule;
import io.github.vigil.spring.boot.autoconfigure.VigilProperties.HealthCheckProperties;
import io.github.vigil.spring.boot.autoconfigure.VigilProperties.HealthCheckProperties.Kind;
import io.github.vigil.spring.boot.autoconfigure.VigilProperties.ProcessProperties;
import io.github.vigil.spring.boot.autoconfigure.VigilProperties.ResourceRuleProperties;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.util.unit.DataSize;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;

/**
 * Turns the {@code vigil.processes.*} properties into {@link ProcessSpec}s.
 *
 * <p>Each process is bound from {@code vigil.defaults} first and then from its own properties, so
 * it overrides the defaults one property at a time. Each property then goes through the core's
 * own validation separately, so a rejected value is reported under its full property name (the
 * process's, or {@code vigil.defaults.*} where the value came from there), with where it was
 * defined, as an {@link InvalidVigilPropertyException}. Every mistake of every process is found before the start-up
 * fails, in one exception listing each ({@link InvalidVigilPropertyException#all()}), sorted by property name; a mistake
 * that leaves later checks of its part meaningless (no command, a health check's kind or target, a backoff's initial
 * delay) ends the checks of that part, and a process with any mistake is not built (its cross-field checks are not made,
 * but a health check's timeout against its interval, when both were taken).
 *
 * <p>Not thread-safe; used once at start-up.
 */
final class ProcessSpecFactory {

  static final String PREFIX = "vigil";
  /** How a value that may be a secret (a header's) is shown. */
  private static final String HIDDEN = "<hidden>";

  private final Binder binder;
  /** Leaves a value Spring cannot bind at its default: StrictVigilProperties named it among the mistakes. */
  private final org.springframework.boot.context.properties.bind.BindHandler leavingUnbound;
  private final Iterable<ConfigurationPropertySource> sources;
  private final Function<String, @Nullable Object> beans;

  ProcessSpecFactory(org.springframework.core.env.Environment environment) {
    this(environment, name -> null);
  }

  /**
   * @param beans finds the bean a custom health check names ({@code bean: feedCheck}); null when there is none
   */
  ProcessSpecFactory(org.springframework.core.env.Environment environment, Function<String, @Nullable Object> beans) {
    this.binder = Binder.get(environment);
    this.leavingUnbound = StrictVigilProperties.leavingUnbound(environment);
    this.sources = ConfigurationPropertySources.get(environment);
    this.beans = beans;
  }

  /**
   * An invalid setting of process {@code process}, e.g. {@code depends-on.quote-feed}, named by its
   * full property and where it was defined.
   */
  InvalidVigilPropertyException invalid(String process, String relative, @Nullable Object value, String reason) {
    return new Scope(process).reject(relative, value, reason);
  }

  /**
   * The specs of all processes under {@code vigil.processes}, in the order they are declared; every mistake of every
   * process in one failure, sorted by property name.
   */
  List<ProcessSpec> create(VigilProperties properties) {
    List<InvalidVigilPropertyException> problems = new ArrayList<>();
    List<ProcessSpec> specs = create(properties, problems);
    InvalidVigilPropertyException.throwAll(problems);
    return specs;
  }

  /**
   * The specs of the processes under {@code vigil.processes} that have no mistake, in the order they are declared; every
   * mistake of the others (and two names relaxed binding cannot tell apart) added to {@code problems}.
   */
  List<ProcessSpec> create(VigilProperties properties, List<InvalidVigilPropertyException> problems) {
    // an environment variable cannot spell a dash: VIGIL_PROCESSES_QUOTEFEED_... binds to a new process 'quotefeed',
    // which started a second feed beside quote-feed (found by a black-box run)
    java.util.Map<String, String> byLooseName = new java.util.HashMap<>();
    Set<String> second = new java.util.HashSet<>();
    for (String name : properties.getProcesses().keySet()) {
      String loose = name.replaceAll("[-_.]", "").toLowerCase(java.util.Locale.ROOT);
      String other = byLooseName.putIfAbsent(loose, name);
      if (other != null) {
        second.add(name);
        problems.add(new InvalidVigilPropertyException(PREFIX + ".processes." + name, name, "is the name of process '" + other
            + "' to Spring's relaxed binding, which an environment variable (VIGIL_PROCESSES_" + loose.toUpperCase(java.util.Locale.ROOT)
            + "_...) cannot tell apart: set the properties of " + other + " in the application's configuration or through "
            + "SPRING_APPLICATION_JSON, or give the two processes names that differ in more than dashes, dots and case", null));
      }
    }
    List<ProcessSpec> specs = new ArrayList<>();
    for (String name : properties.getProcesses().keySet()) {
      if (second.contains(name)) {
        // its properties are the first spelling's to the binder: what they lack for it ("command is not set") is no mistake of its own
        continue;
      }
      ProcessSpec spec = create(name, problems);
      if (spec != null) {
        specs.add(spec);
      }
    }
    return specs;
  }

  /**
   * The critical processes and attachments: those marked {@code critical} plus
   * {@code vigil.health.critical-processes}.
   */
  Set<String> criticalProcesses(VigilProperties properties) {
    Set<String> critical = new LinkedHashSet<>(properties.getHealth().getCriticalProcesses());
    for (String name : properties.getProcesses().keySet()) {
      if (merged(name).isCritical()) {
        critical.add(name);
      }
    }
    properties.getAttach().forEach((name, a) -> {
      if (a.isCritical()) {
        critical.add(name);
      }
    });
    return critical;
  }

  /**
   * Fails on a name in {@code vigil.health.critical-processes} that is neither a process nor an
   * attachment, naming where it was written.
   *
   * @param known every process and attachment name
   */
  void checkCriticalNames(VigilProperties properties, Set<String> known) {
    List<InvalidVigilPropertyException> problems = new ArrayList<>();
    checkCriticalNames(properties, known, problems);
    InvalidVigilPropertyException.throwAll(problems);
  }

  /**
   * Adds to {@code problems} each name in {@code vigil.health.critical-processes} that is neither a process nor an
   * attachment, naming where it was written.
   *
   * @param known every process and attachment name
   */
  void checkCriticalNames(VigilProperties properties, Set<String> known, List<InvalidVigilPropertyException> problems) {
    List<String> listed = new ArrayList<>(properties.getHealth().getCriticalProcesses());
    for (int i = 0; i < listed.size(); i++) {
      String name = listed.get(i);
      if (!known.contains(name)) {
        String property = PREFIX + ".health.critical-processes";
        ConfigurationProperty found = find(ConfigurationPropertyName.of(property + "[" + i + "]"));
        if (found == null) {
          found = find(ConfigurationPropertyName.of(property));
        }
        String origin = found != null && found.getOrigin() != null ? found.getOrigin().toString() : null;
        problems.add(new InvalidVigilPropertyException(property + "[" + i + "]", name,
            "no process or attachment is named '" + name + "' (known: " + known + ")", origin));
      }
    }
  }

  /** The property called {@code name} in the first source that has it. */
  private @Nullable ConfigurationProperty find(ConfigurationPropertyName name) {
    for (ConfigurationPropertySource source : sources) {
      ConfigurationProperty p = source.getConfigurationProperty(name);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /**
   * The key {@code key} of the map property {@code map} as Spring Boot reads it from a file: {@code map.key}, or
   * {@code map[key]} when the key holds other than letters, digits, {@code -} and {@code _} (as it must be written there:
   * {@code "[X Token]"}). A wrong key is named so, as its own property, so that its file and line are found
   * ({@link #origin}): a sink's header or label, a health check's header.
   */
  static String key(String map, String key) {
    return key.matches("[A-Za-z0-9_-]+") ? map + "." + key : map + "[" + key + "]";
  }

  /**
   * Where {@code property} was defined, e.g. {@code class path resource [application.yml] - 12:23}; null when unknown. A
   * name that is not canonical, a map's key as it was written ({@code vigil.alerts.sinks.ops.headers.X-Token}), is read
   * as Spring Boot's property sources read their own names ({@link ConfigurationPropertyName#adapt}).
   */
  static @Nullable String origin(org.springframework.core.env.Environment environment, String property) {
    ConfigurationPropertyName name = lookupName(property);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty p = source.getConfigurationProperty(name);
      if (p != null) {
        return p.getOrigin() != null ? p.getOrigin().toString() : null;
      }
    }
    return null;
  }

  /** {@code property} as the property sources read their own names, a map's key as written ({@code headers.X-Token}) too. */
  private static ConfigurationPropertyName lookupName(String property) {
    return ConfigurationPropertyName.isValid(property) ? ConfigurationPropertyName.of(property)
        : ConfigurationPropertyName.adapt(property, '.');
  }

  /** The settings of one process: {@code vigil.defaults} overridden by its own properties. */
  ProcessProperties merged(String name) {
    ProcessProperties p = new ProcessProperties();
    // a value Spring cannot bind is left at its default: StrictVigilProperties named it among the mistakes
    binder.bind(defaultsName(), Bindable.ofInstance(p), leavingUnbound);
    binder.bind(processName(name), Bindable.ofInstance(p), leavingUnbound);
    return p;
  }

  /** The spec of process {@code name}; every mistake of its properties in one failure, sorted by property name. */
  ProcessSpec create(String name) {
    List<InvalidVigilPropertyException> problems = new ArrayList<>();
    ProcessSpec spec = create(name, problems);
    InvalidVigilPropertyException.throwAll(problems);
    return requireNonNull(spec);
  }

  /**
   * The spec of process {@code name}, or null when its properties have mistakes, each added to {@code problems}: every
   * setting is checked on its own, so that one start-up names them all.
   */
  private @Nullable ProcessSpec create(String name, List<InvalidVigilPropertyException> problems) {
    ProcessProperties p = merged(name);
    Scope s = new Scope(name);
    ProcessSpec.Builder b = s.attempt(() -> s.apply("", name, () -> ProcessSpec.builder(name)));
    if (b == null || p.getCommand().isEmpty()) {
      // no process without a valid name, nor one without a command: the rest of it is not worth checking (the build says
      // which command is missing, as it did)
      if (b != null) {
        s.attempt(() -> s.apply("command", p.getCommand(), b::build));
      }
      problems.addAll(s.problems);
      return null;
    }
    s.attempt(() -> s.apply("command", p.getCommand(), () -> b.command(p.getCommand())));
    if (p.getWorkingDirectory() != null) {
      b.workingDirectory(p.getWorkingDirectory());
    }
    s.attempt(() -> {
      // unset-environment is checked against the environment, so only once the environment is right
      s.apply("environment", p.getEnvironment(), () -> new Environment(p.isInheritEnvironment(), p.getEnvironment(), Set.of()));
      return b.environment(s.apply("unset-environment", p.getUnsetEnvironment(),
          () -> new Environment(p.isInheritEnvironment(), p.getEnvironment(), p.getUnsetEnvironment())));
    });
    s.attempt(() -> s.apply("labels", p.getLabels(), () -> b.labels(p.getLabels())));
    b.restartPolicy(restartPolicy(s, p.getRestart()));
    s.attempt(() -> s.apply("stop.signal", p.getStop().getSignal(), () -> b.stopSignal(Signal.parse(p.getStop().getSignal()))));
    s.attempt(() -> s.apply("stop.timeout", p.getStop().getTimeout(), () -> b.stopTimeout(p.getStop().getTimeout())));
    b.output(output(s, p.getOutput()));
    s.attempt(() -> s.apply("startup-grace", p.getStartupGrace(), () -> b.startupGrace(p.getStartupGrace())));
    for (Map.Entry<String, io.github.vigil.Dependency.Condition> d : p.getDependsOn().entrySet()) {
      s.attempt(() -> s.apply("depends-on", d.getKey(), () -> b.dependsOn(d.getKey(), d.getValue())));
    }
    b.autoStart(p.isAutoStart());
    List<HealthCheckProperties> checks = p.getHealthChecks();
    for (int i = 0; i < checks.size(); i++) {
      String at = "health-checks[" + i + "]";
      HealthCheckProperties c = checks.get(i);
      HealthCheck check = s.attempt(() -> healthCheck(s, at, c));
      if (check != null) {
        s.attempt(() -> s.apply(at + ".name", check.name(), () -> b.healthCheck(check)));
      }
    }
    List<ResourceRuleProperties> rules = p.getResourceRules();
    for (int i = 0; i < rules.size(); i++) {
      String at = "resource-rules[" + i + "]";
      ResourceRuleProperties r = rules.get(i);
      ResourceRule rule = s.attempt(() -> resourceRule(s, at, r));
      if (rule != null) {
        s.attempt(() -> s.apply(at + ".name", rule.name(), () -> b.resourceRule(rule)));
      }
    }
    if (!s.problems.isEmpty()) {
      // the build's own checks would see a builder missing what was refused
      problems.addAll(s.problems);
      return null;
    }
    ProcessSpec spec = s.attempt(() -> s.apply("command", p.getCommand(), b::build));
    problems.addAll(s.problems);
    return spec;
  }

  /**
   * The health check {@code c}, or null when a setting of it was refused (kept in {@code s}'s problems, each setting
   * checked on its own); what leaves the rest meaningless (no kind, no target, a target refused) is thrown.
   */
  private @Nullable HealthCheck healthCheck(Scope s, String at, HealthCheckProperties c) {
    Kind kind = c.getKind();
    if (kind == null) {
      throw s.reject(at + ".kind", null, "the kind of health check is not set: exec, tcp, http, process-alive, systemd-notify or custom");
    }
    String kindName = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    HealthCheckProperties unset = new HealthCheckProperties();
    int before = s.problems.size();
    onlyFor(s, at, kind, Kind.EXEC, "command", c.getCommand(), !c.getCommand().isEmpty());
    onlyFor(s, at, kind, Kind.TCP, "host", c.getHost(), !c.getHost().equals(unset.getHost()));
    onlyFor(s, at, kind, Kind.TCP, "port", c.getPort(), c.getPort() != null);
    onlyFor(s, at, kind, Kind.HTTP, "url", c.getUrl(), c.getUrl() != null);
    onlyFor(s, at, kind, Kind.HTTP, "min-status", c.getMinStatus(), c.getMinStatus() != unset.getMinStatus());
    onlyFor(s, at, kind, Kind.HTTP, "max-status", c.getMaxStatus(), c.getMaxStatus() != unset.getMaxStatus());
    onlyFor(s, at, kind, Kind.HTTP, "expect-body", c.getExpectBody(), c.getExpectBody() != null);
    if (!c.getHeaders().isEmpty() && kind != Kind.HTTP) {   // named by a key, not the map, whose values may be tokens
      s.keep(s.rejectKey(at + ".headers", c.getHeaders().keySet().iterator().next(), HIDDEN, "headers applies to http health checks; "
          + "this one is a " + kindName + " check"));
    }
    onlyFor(s, at, kind, Kind.SYSTEMD_NOTIFY, "watchdog", c.getWatchdog(), c.getWatchdog() != null);
    onlyFor(s, at, kind, Kind.CUSTOM, "bean", c.getBean(), c.getBean() != null);
    if (s.problems.size() > before) {   // a setting of another kind: what this one is meant to be is unsure
      return null;
    }

    HealthCheck.Builder b;
    switch (kind) {
      case EXEC:
        if (c.getCommand().isEmpty()) {
          throw s.reject(at + ".command", c.getCommand(), "an exec health check needs a command");
        }
        b = s.apply(at + ".command", c.getCommand(), () -> HealthCheck.exec(c.getCommand()));
        break;
      case TCP:
        Integer port = c.getPort();
        if (port == null) {
          throw s.reject(at + ".port", null, "a tcp health check needs a port");
        }
        if (c.getHost() == null || c.getHost().isBlank()) {
          throw s.reject(at + ".host", c.getHost(), "the host of a tcp health check must not be blank");
        }
        b = s.apply(at + ".port", port, () -> HealthCheck.tcp(c.getHost(), port));
        break;
      case HTTP:
        String url = c.getUrl();
        if (url == null) {
          throw s.reject(at + ".url", null, "an http health check needs a url");
        }
        HealthCheck.Builder http = s.apply(at + ".url", url, () -> HealthCheck.http(url));
        boolean minWrong = c.getMinStatus() < 100 || c.getMinStatus() > 599;
        s.attempt(() -> s.apply(at + (minWrong ? ".min-status" : ".max-status"), minWrong ? c.getMinStatus() : c.getMaxStatus(),
            () -> http.expectStatus(c.getMinStatus(), c.getMaxStatus())));
        if (c.getExpectBody() != null) {
          s.attempt(() -> s.apply(at + ".expect-body", c.getExpectBody(), () -> http.expectBodyContaining(c.getExpectBody())));
        }
        // a header's value may be a token: never shown
        c.getHeaders().forEach((header, value) ->
            s.attempt(() -> s.applyKey(at + ".headers", header, HIDDEN, () -> http.header(header, value))));
        b = http;
        break;
      case PROCESS_ALIVE:
        b = HealthCheck.processAlive();
        break;
      case SYSTEMD_NOTIFY:
        HealthCheck.Builder notify = HealthCheck.systemdNotify();
        if (c.getWatchdog() != null) {
          s.attempt(() -> s.apply(at + ".watchdog", c.getWatchdog(), () -> notify.watchdog(c.getWatchdog())));
        }
        b = notify;
        break;
      default:
        String beanName = c.getBean();
        if (beanName == null) {
          throw s.reject(at + ".bean", null, "a custom health check needs the name of a bean that is a HealthCheck.CustomProbe or AsyncProbe");
        }
        Object bean = beans.apply(beanName);
        String checkName = c.getName() != null ? c.getName() : beanName;
        if (bean instanceof HealthCheck.CustomProbe probe) {
          b = s.apply(at + (c.getName() != null ? ".name" : ".bean"), checkName, () -> HealthCheck.custom(checkName, probe));
        } else if (bean instanceof HealthCheck.AsyncProbe probe) {
          b = s.apply(at + (c.getName() != null ? ".name" : ".bean"), checkName, () -> HealthCheck.customAsync(checkName, probe));
        } else {
          throw s.reject(at + ".bean", beanName, bean == null ? "there is no bean named '" + beanName + "'"
              : "bean '" + beanName + "' is a " + bean.getClass().getName() + ", not a HealthCheck.CustomProbe or AsyncProbe");
        }
    }
    if (c.getName() != null && kind != Kind.CUSTOM) {
      s.attempt(() -> s.apply(at + ".name", c.getName(), () -> b.name(c.getName())));
    }
    b.role(c.getRole());
    if (c.getAction() != null) {
      b.action(c.getAction());
    }
    // whether the interval and the timeout were taken: then they are compared even when another setting was refused
    boolean timing = c.getInterval() == null
        || s.attempt(() -> s.apply(at + ".interval", c.getInterval(), () -> b.interval(c.getInterval()))) != null;
    timing &= c.getTimeout() == null
        || s.attempt(() -> s.apply(at + ".timeout", c.getTimeout(), () -> b.timeout(c.getTimeout()))) != null;
    s.attempt(() -> s.apply(at + ".start-period", c.getStartPeriod(), () -> b.startPeriod(c.getStartPeriod())));
    s.attempt(() -> s.apply(at + ".initial-delay", c.getInitialDelay(), () -> b.initialDelay(c.getInitialDelay())));
    if (c.getFailureThreshold() != null) {
      s.attempt(() -> s.apply(at + ".failure-threshold", c.getFailureThreshold(), () -> b.failureThreshold(c.getFailureThreshold())));
    }
    s.attempt(() -> s.apply(at + ".success-threshold", c.getSuccessThreshold(), () -> b.successThreshold(c.getSuccessThreshold())));
    // cross-field checks: a timeout above the interval, or restart on a readiness check
    String blamed = c.getAction() != null && c.getRole() == HealthCheck.Role.READINESS ? ".action"
        : c.getTimeout() != null ? ".timeout" : ".interval";
    Object blamedValue = blamed.equals(".action") ? c.getAction() : blamed.equals(".timeout") ? c.getTimeout() : c.getInterval();
    if (s.problems.size() > before) {
      // a refused setting kept its default, which the build does not compare (a threshold, a start period, a name): the
      // interval and timeout are compared when both were taken (the timeout was said only once the rest was fixed)
      if (timing) {
        s.attempt(() -> s.apply(at + blamed, blamedValue != null ? blamedValue : kindName, b::build));
      }
      return null;
    }
    return s.apply(at + blamed, blamedValue != null ? blamedValue : kindName, b::build);
  }

  private static void onlyFor(Scope s, String at, Kind kind, Kind owner, String setting, @Nullable Object value, boolean set) {
    if (set && kind != owner) {
      s.keep(s.reject(at + "." + setting, value, setting + " applies to " + owner.name().toLowerCase(Locale.ROOT).replace('_', '-')
          + " health checks; this one is a " + kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + " check"));
    }
  }

  /**
   * The resource rule {@code r}, or null when a setting of it was refused (kept in {@code s}'s problems); no limit, or a
   * limit refused, is thrown: the rest of the rule is not worth checking.
   */
  private static @Nullable ResourceRule resourceRule(Scope s, String at, ResourceRuleProperties r) {
    int limits = (r.getResidentMemoryAbove() != null ? 1 : 0) + (r.getCpuPercentAbove() != null ? 1 : 0)
        + (r.getFdRatioAbove() != null ? 1 : 0);
    if (limits != 1) {
      throw s.reject(at, limits == 0 ? "no limit" : "several limits",
          "a resource rule needs exactly one of resident-memory-above, cpu-percent-above and fd-ratio-above");
    }
    ResourceRule.Builder rule;
    if (r.getResidentMemoryAbove() != null) {
      DataSize memory = r.getResidentMemoryAbove();
      rule = s.apply(at + ".resident-memory-above", memory, () -> ResourceRule.residentMemoryAbove(memory.toBytes()));
    } else if (r.getCpuPercentAbove() != null) {
      double cpu = r.getCpuPercentAbove();
      rule = s.apply(at + ".cpu-percent-above", cpu, () -> ResourceRule.cpuPercentAbove(cpu));
    } else {
      double ratio = r.getFdRatioAbove();
      rule = s.apply(at + ".fd-ratio-above", ratio, () -> ResourceRule.fdRatioAbove(ratio));
    }
    ResourceRule.Builder b = rule;
    int before = s.problems.size();
    if (r.getName() != null) {
      s.attempt(() -> s.apply(at + ".name", r.getName(), () -> b.name(r.getName())));
    }
    s.attempt(() -> s.apply(at + ".failure-threshold", r.getFailureThreshold(), () -> b.failureThreshold(r.getFailureThreshold())));
    s.attempt(() -> s.apply(at + ".interval", r.getInterval(), () -> b.interval(r.getInterval())));
    return s.problems.size() > before ? null : b.action(r.getAction()).build();
  }

  /**
   * The restart policy of {@code r}; a refused setting is kept in {@code s}'s problems and the policy goes on without it,
   * so that each other setting is still checked (each is checked alone, but max-delay against the initial delay: a
   * refused initial delay ends the backoff's checks).
   */
  private static RestartPolicy restartPolicy(Scope s, VigilProperties.Restart r) {
    VigilProperties.BackoffProperties bp = r.getBackoff();
    RestartPolicy policy = RestartPolicy.onFailure().withMode(r.getMode());
    Backoff initial = s.attempt(() -> s.apply("restart.backoff.initial-delay", bp.getInitialDelay(),
        () -> new Backoff(bp.getInitialDelay(), 1.0, bp.getInitialDelay(), 0.0)));
    if (initial != null) {
      Backoff withMultiplier = initial;
      Backoff backoff = s.applyOr(withMultiplier, "restart.backoff.multiplier", bp.getMultiplier(),
          () -> new Backoff(withMultiplier.initial(), bp.getMultiplier(), withMultiplier.cap(), 0.0));
      Backoff withCap = backoff;
      backoff = s.applyOr(withCap, "restart.backoff.max-delay", bp.getMaxDelay(),
          () -> new Backoff(withCap.initial(), withCap.multiplier(), bp.getMaxDelay(), 0.0));
      Backoff withJitter = backoff;
      backoff = s.applyOr(withJitter, "restart.backoff.jitter", bp.getJitter(), () -> withJitter.withJitter(bp.getJitter()));
      policy = policy.withBackoff(backoff);
    }
    RestartPolicy p1 = policy;
    policy = s.applyOr(p1, "restart.success-exit-codes", r.getSuccessExitCodes(), () -> p1.withSuccessExitCodes(r.getSuccessExitCodes()));
    RestartPolicy p2 = policy;
    policy = s.applyOr(p2, "restart.max-restarts", r.getMaxRestarts(), () -> p2.withStartLimit(r.getMaxRestarts(), p2.window()));
    RestartPolicy p3 = policy;
    policy = s.applyOr(p3, "restart.window", r.getWindow(), () -> p3.withStartLimit(p3.maxRestarts(), r.getWindow()));
    RestartPolicy p4 = policy;
    policy = s.applyOr(p4, "restart.cooldown", r.getCooldown(), () -> p4.withCooldown(r.getCooldown()));
    RestartPolicy p5 = policy;
    return s.applyOr(p5, "restart.stable-after", r.getStableAfter(), () -> p5.withStableAfter(r.getStableAfter()));
  }

  /** The output of {@code o}; a refused setting is kept in {@code s}'s problems, the others still checked. */
  private static OutputSpec output(Scope s, VigilProperties.Output o) {
    OutputSpec spec = s.applyOr(OutputSpec.defaults(), "output.tail-lines", o.getTailLines(),
        () -> OutputSpec.defaults().withTailLines(o.getTailLines()));
    OutputSpec o1 = spec;
    spec = s.applyOr(o1, "output.max-file-size", o.getMaxFileSize(), () -> o1.withRotation(o.getMaxFileSize().toBytes(), o1.backups()));
    OutputSpec o2 = spec;
    spec = s.applyOr(o2, "output.backups", o.getBackups(), () -> o2.withRotation(o2.maxFileBytes(), o.getBackups()));
    return spec.withFiles(o.getStdoutFile(), o.getStderrFile()).withSlf4j(o.isLogToSlf4j());
  }

  /**
   * The attachments under {@code vigil.attach}, in the order they are declared; every mistake of every attachment in
   * one failure, sorted by property name.
   */
  List<AttachSpec> attachments(VigilProperties properties) {
    List<InvalidVigilPropertyException> problems = new ArrayList<>();
    List<AttachSpec> specs = attachments(properties, problems);
    InvalidVigilPropertyException.throwAll(problems);
    return specs;
  }

  /**
   * The attachments under {@code vigil.attach} that have no mistake, in the order they are declared; every mistake of
   * the others added to {@code problems}.
   */
  List<AttachSpec> attachments(VigilProperties properties, List<InvalidVigilPropertyException> problems) {
    List<AttachSpec> specs = new ArrayList<>();
    properties.getAttach().forEach((name, a) -> {
      AttachSpec spec = attachment(name, a, problems);
      if (spec != null) {
        specs.add(spec);
      }
    });
    return specs;
  }

  /**
   * The attachment {@code name}, or null when its properties have mistakes, each added to {@code problems}: every
   * setting is checked on its own (they were said one a start).
   */
  private @Nullable AttachSpec attachment(String name, AttachProperties a, List<InvalidVigilPropertyException> problems) {
    Scope s = new Scope(elementName(PREFIX + ".attach", name), null);
    AttachSpec.Builder b = s.attempt(() -> s.apply("", name, () -> AttachSpec.builder(name)));
    if (b == null) {
      problems.addAll(s.problems);
      return null;
    }
    List<String> targets = new ArrayList<>();
    if (a.getPid() != null) {
      targets.add("pid");
      s.attempt(() -> s.apply("pid", a.getPid(), () -> b.pid(a.getPid())));
    }
    if (a.getPidFile() != null) {
      targets.add("pid-file");
      s.attempt(() -> s.apply("pid-file", a.getPidFile(), () -> b.pidFile(a.getPidFile())));
    }
    if (a.getProcessName() != null) {
      targets.add("process-name");
      s.attempt(() -> s.apply("process-name", a.getProcessName(), () -> b.processName(a.getProcessName())));
    }
    if (a.getCommandLine() != null) {
      targets.add("command-line");
      s.attempt(() -> s.apply("command-line", a.getCommandLine(), () -> b.commandLine(a.getCommandLine())));
    }
    if (targets.isEmpty()) {   // a second target is refused by the builder, at its property
      s.keep(s.reject("", name, "an attachment needs exactly one of pid, pid-file, process-name and command-line"));
    }
    a.getLabels().forEach((key, value) -> s.attempt(() -> s.apply("labels", key, () -> b.label(key, value))));
    s.attempt(() -> s.apply("rescan-interval", a.getRescanInterval(), () -> b.rescanInterval(a.getRescanInterval())));
    s.attempt(() -> s.apply("exit-poll-interval", a.getExitPollInterval(), () -> b.exitPollInterval(a.getExitPollInterval())));
    if (a.isAllowSignals()) {
      b.allowSignals();
    }
    if (!s.problems.isEmpty()) {
      problems.addAll(s.problems);
      return null;
    }
    AttachSpec spec = s.attempt(() -> s.apply("", name, b::build));
    problems.addAll(s.problems);
    return spec;
  }

  /** {@code vigil.attach} as a property name, with the name an attachment is declared under. */
  InvalidVigilPropertyException invalidAttachment(String name, String reason) {
    return new Scope(elementName(PREFIX + ".attach", name), null).reject("", name, reason);
  }

  private static ConfigurationPropertyName elementName(String parent, String name) {
    ConfigurationPropertyName map = ConfigurationPropertyName.of(parent);
    if (name.indexOf('.') < 0 && ConfigurationPropertyName.isValid(parent + "." + name)) {
      return map.append(name);
    }
    return map.append("[" + name + "]");
  }

  private static ConfigurationPropertyName defaultsName() {
    return ConfigurationPropertyName.of(PREFIX + ".defaults");
  }

  /** {@code vigil.processes.quote-feed}, or {@code vigil.processes[md.feed]} for a name that is not one element. */
  static ConfigurationPropertyName processName(String name) {
    ConfigurationPropertyName processes = ConfigurationPropertyName.of(PREFIX + ".processes");
    if (name.indexOf('.') < 0 && ConfigurationPropertyName.isValid(PREFIX + ".processes." + name)) {
      return processes.append(name);
    }
    return processes.append("[" + name + "]");
  }

  private static ConfigurationPropertyName child(ConfigurationPropertyName parent, String relative) {
    return relative.isEmpty() ? parent : parent.append(relative);
  }

  /** Applies the settings of one process, naming the property behind any rejected value. */
  private final class Scope {
    private final ConfigurationPropertyName base;
    private final @Nullable ConfigurationPropertyName defaults;
    /** The mistakes found so far ({@link #attempt}, {@link #keep}), in the order found. */
    final List<InvalidVigilPropertyException> problems = new ArrayList<>();

    /** The settings of a process, which may come from {@code vigil.defaults}. */
    Scope(String process) {
      this(processName(process), defaultsName());
    }

    Scope(ConfigurationPropertyName base, @Nullable ConfigurationPropertyName defaults) {
      this.base = base;
      this.defaults = defaults;
    }

    /**
     * What {@code step} gives, or null when it refuses a property: the refusal is kept in {@link #problems}, not thrown,
     * so that the settings after it are still checked.
     */
    <T> @Nullable T attempt(Supplier<T> step) {
      try {
        return step.get();
      } catch (InvalidVigilPropertyException e) {
        keep(e);
        return null;
      }
    }

    /** Like {@link #apply}, but a refusal is kept in {@link #problems} and {@code fallback} given instead. */
    <T> T applyOr(T fallback, String relative, @Nullable Object value, Supplier<T> step) {
      T result = attempt(() -> apply(relative, value, step));
      return result != null ? result : fallback;
    }

    /** Keeps {@code mistake} (each of its {@link InvalidVigilPropertyException#all()}) in {@link #problems}. */
    void keep(InvalidVigilPropertyException mistake) {
      problems.addAll(mistake.all());
    }

    <T> T apply(String relative, @Nullable Object value, Supplier<T> step) {
      try {
        return step.get();
      } catch (IllegalArgumentException | IllegalStateException e) {
        InvalidVigilPropertyException ex = reject(relative, value, String.valueOf(e.getMessage()));
        ex.initCause(e);
        throw ex;
      }
    }

    /**
     * Like {@link #apply}, for the key {@code key} of the map {@code map}: what {@code step} refuses is named as the key's
     * own property ({@link #rejectKey}).
     */
    <T> T applyKey(String map, String key, @Nullable Object value, Supplier<T> step) {
      try {
        return step.get();
      } catch (IllegalArgumentException | IllegalStateException e) {
        InvalidVigilPropertyException ex = rejectKey(map, key, value, String.valueOf(e.getMessage()));
        ex.initCause(e);
        throw ex;
      }
    }

    /**
     * A wrong key {@code key} of the map {@code map}, named as its own property as it is written
     * ({@code vigil.processes.api.health-checks[0].headers.X-Token}, {@link ProcessSpecFactory#key}), with its origin: the
     * map's name alone has none. {@code value} is shown as given, never the one bound (a header's may be a token).
     */
    InvalidVigilPropertyException rejectKey(String map, String key, @Nullable Object value, String reason) {
      InvalidVigilPropertyException ofMap = reject(map, value, reason);   // the process's own map, or vigil.defaults'
      String property = key(ofMap.property(), key);
      ConfigurationProperty found = find(lookupName(property));
      return new InvalidVigilPropertyException(property, value, ofMap.reason(),
          found != null && found.getOrigin() != null ? found.getOrigin().toString() : null);
    }

    InvalidVigilPropertyException reject(String relative, @Nullable Object value, String reason) {
      ConfigurationPropertyName own = child(base, relative);
      ConfigurationPropertyName name = own;
      ConfigurationProperty found = find(own);
      // an element of a list the process has itself never comes from vigil.defaults
      int index = relative.indexOf('[');
      boolean ownList = index > 0 && hasDescendants(child(base, relative.substring(0, index)));
      if (found == null && !hasDescendants(own) && !ownList && defaults != null) {
        ConfigurationPropertyName fromDefaults = child(defaults, relative);
        ConfigurationProperty d = find(fromDefaults);
        if (d != null || (!relative.isEmpty() && hasDescendants(fromDefaults))) {
          name = fromDefaults;
          found = d;
        }
      }
      // a list is taken whole from the first source that has it: an element's value in a source below it is not the one
      // bound, and showing it read as "the kind is not set" beside the kind that is set (found by a black-box run)
      if (found != null && index > 0) {
        ConfigurationPropertyName list = child(name == own ? base : defaults, relative.substring(0, index));
        ConfigurationPropertySource winner = firstWith(list);
        if (winner != null && winner.getConfigurationProperty(name) == null) {
          String from = winner.getUnderlyingSource() instanceof org.springframework.core.env.PropertySource<?> ps ? ps.getName()
              : String.valueOf(winner);
          return new InvalidVigilPropertyException(name.toString(), value, reason + "; " + list + " is taken whole from " + from
              + " (a list set in two places is replaced, not merged), which does not set it: set it there too", null);
        }
      }
      String origin = found != null && found.getOrigin() != null ? found.getOrigin().toString() : null;
      // the value as written ("0s"), where there is one, rather than as bound ("PT0S")
      Object shown = found != null ? found.getValue() : value;
      return new InvalidVigilPropertyException(name.toString(), shown, reason, origin);
    }

    /** The first source, in precedence order, with anything under {@code name}. */
    private @Nullable ConfigurationPropertySource firstWith(ConfigurationPropertyName name) {
      for (ConfigurationPropertySource source : sources) {
        if (source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
          return source;
        }
      }
      return null;
    }

    private @Nullable ConfigurationProperty find(ConfigurationPropertyName name) {
      for (ConfigurationPropertySource source : sources) {
        ConfigurationProperty p = source.getConfigurationProperty(name);
        if (p != null) {
          return p;
        }
      }
      return null;
    }

    private boolean hasDescendants(ConfigurationPropertyName name) {
      for (ConfigurationPropertySource source : sources) {
        if (source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
          return true;
        }
      }
      return false;
    }
  }
}
