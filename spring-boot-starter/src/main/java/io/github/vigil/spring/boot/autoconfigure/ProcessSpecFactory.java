package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import io.github.vigil.Backoff;
import io.github.vigil.Environment;
import io.github.vigil.OutputSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.spring.boot.autoconfigure.VigilProperties.ProcessProperties;
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
 * defined, as an {@link InvalidVigilPropertyException}.
 *
 * <p>Not thread-safe; used once at start-up.
 */
final class ProcessSpecFactory {

  static final String PREFIX = "vigil";

  private final Binder binder;
  private final Iterable<ConfigurationPropertySource> sources;

  ProcessSpecFactory(org.springframework.core.env.Environment environment) {
    this.binder = Binder.get(environment);
    this.sources = ConfigurationPropertySources.get(environment);
  }

  /** The specs of all processes under {@code vigil.processes}, in the order they are declared. */
  List<ProcessSpec> create(VigilProperties properties) {
    List<ProcessSpec> specs = new ArrayList<>();
    for (String name : properties.getProcesses().keySet()) {
      specs.add(create(name));
    }
    return specs;
  }

  /** The critical processes: those marked {@code critical} plus {@code vigil.health.critical-processes}. */
  Set<String> criticalProcesses(VigilProperties properties) {
    Set<String> critical = new LinkedHashSet<>(properties.getHealth().getCriticalProcesses());
    for (String name : properties.getProcesses().keySet()) {
      if (merged(name).isCritical()) {
        critical.add(name);
      }
    }
    return critical;
  }

  /** The settings of one process: {@code vigil.defaults} overridden by its own properties. */
  ProcessProperties merged(String name) {
    ProcessProperties p = new ProcessProperties();
    binder.bind(defaultsName(), Bindable.ofInstance(p));
    binder.bind(processName(name), Bindable.ofInstance(p));
    return p;
  }

  ProcessSpec create(String name) {
    ProcessProperties p = merged(name);
    Scope s = new Scope(name);
    ProcessSpec.Builder b = s.apply("", name, () -> ProcessSpec.builder(name));
    if (!p.getCommand().isEmpty()) {
      s.apply("command", p.getCommand(), () -> b.command(p.getCommand()));
    }
    if (p.getWorkingDirectory() != null) {
      b.workingDirectory(p.getWorkingDirectory());
    }
    Environment env = s.apply("environment", p.getEnvironment(),
        () -> new Environment(p.isInheritEnvironment(), p.getEnvironment(), Set.of()));
    env = s.apply("unset-environment", p.getUnsetEnvironment(),
        () -> new Environment(p.isInheritEnvironment(), p.getEnvironment(), p.getUnsetEnvironment()));
    b.environment(env);
    s.apply("labels", p.getLabels(), () -> b.labels(p.getLabels()));
    b.restartPolicy(restartPolicy(s, p.getRestart()));
    s.apply("stop.signal", p.getStop().getSignal(), () -> b.stopSignal(Signal.parse(p.getStop().getSignal())));
    s.apply("stop.timeout", p.getStop().getTimeout(), () -> b.stopTimeout(p.getStop().getTimeout()));
    b.output(output(s, p.getOutput()));
    s.apply("startup-grace", p.getStartupGrace(), () -> b.startupGrace(p.getStartupGrace()));
    for (Map.Entry<String, io.github.vigil.Dependency.Condition> d : p.getDependsOn().entrySet()) {
      s.apply("depends-on", d.getKey(), () -> b.dependsOn(d.getKey(), d.getValue()));
    }
    b.autoStart(p.isAutoStart());
    return s.apply("command", p.getCommand(), b::build);
  }

  private static RestartPolicy restartPolicy(Scope s, VigilProperties.Restart r) {
    VigilProperties.BackoffProperties bp = r.getBackoff();
    Backoff backoff = s.apply("restart.backoff.initial-delay", bp.getInitialDelay(),
        () -> new Backoff(bp.getInitialDelay(), 1.0, bp.getInitialDelay(), 0.0));
    Backoff withMultiplier = backoff;
    backoff = s.apply("restart.backoff.multiplier", bp.getMultiplier(),
        () -> new Backoff(withMultiplier.initial(), bp.getMultiplier(), withMultiplier.cap(), 0.0));
    Backoff withCap = backoff;
    backoff = s.apply("restart.backoff.max-delay", bp.getMaxDelay(),
        () -> new Backoff(withCap.initial(), withCap.multiplier(), bp.getMaxDelay(), 0.0));
    Backoff withJitter = backoff;
    backoff = s.apply("restart.backoff.jitter", bp.getJitter(), () -> withJitter.withJitter(bp.getJitter()));

    RestartPolicy policy = RestartPolicy.onFailure().withMode(r.getMode()).withBackoff(backoff);
    RestartPolicy p1 = policy;
    policy = s.apply("restart.success-exit-codes", r.getSuccessExitCodes(), () -> p1.withSuccessExitCodes(r.getSuccessExitCodes()));
    RestartPolicy p2 = policy;
    policy = s.apply("restart.max-restarts", r.getMaxRestarts(), () -> p2.withStartLimit(r.getMaxRestarts(), p2.window()));
    RestartPolicy p3 = policy;
    policy = s.apply("restart.window", r.getWindow(), () -> p3.withStartLimit(p3.maxRestarts(), r.getWindow()));
    RestartPolicy p4 = policy;
    policy = s.apply("restart.cooldown", r.getCooldown(), () -> p4.withCooldown(r.getCooldown()));
    RestartPolicy p5 = policy;
    return s.apply("restart.stable-after", r.getStableAfter(), () -> p5.withStableAfter(r.getStableAfter()));
  }

  private static OutputSpec output(Scope s, VigilProperties.Output o) {
    OutputSpec spec = s.apply("output.tail-lines", o.getTailLines(), () -> OutputSpec.defaults().withTailLines(o.getTailLines()));
    OutputSpec o1 = spec;
    spec = s.apply("output.max-file-size", o.getMaxFileSize(), () -> o1.withRotation(o.getMaxFileSize().toBytes(), o1.backups()));
    OutputSpec o2 = spec;
    spec = s.apply("output.backups", o.getBackups(), () -> o2.withRotation(o2.maxFileBytes(), o.getBackups()));
    return spec.withFiles(o.getStdoutFile(), o.getStderrFile()).withSlf4j(o.isLogToSlf4j());
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
    private final String process;

    Scope(String process) {
      this.process = process;
    }

    <T> T apply(String relative, @Nullable Object value, Supplier<T> step) {
      try {
        return step.get();
      } catch (IllegalArgumentException e) {
        throw reject(relative, value, e);
      }
    }

    private InvalidVigilPropertyException reject(String relative, @Nullable Object value, IllegalArgumentException cause) {
      ConfigurationPropertyName own = child(processName(process), relative);
      ConfigurationPropertyName name = own;
      ConfigurationProperty found = find(own);
      if (found == null && !hasDescendants(own)) {
        ConfigurationPropertyName fromDefaults = child(defaultsName(), relative);
        ConfigurationProperty d = find(fromDefaults);
        if (d != null || (!relative.isEmpty() && hasDescendants(fromDefaults))) {
          name = fromDefaults;
          found = d;
        }
      }
      String origin = found != null && found.getOrigin() != null ? found.getOrigin().toString() : null;
      // the value as written ("0s"), where there is one, rather than as bound ("PT0S")
      Object shown = found != null ? found.getValue() : value;
      InvalidVigilPropertyException e = new InvalidVigilPropertyException(name.toString(), shown, String.valueOf(cause.getMessage()), origin);
      e.initCause(cause);
      return e;
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
