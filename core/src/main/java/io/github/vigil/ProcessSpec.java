package io.github.vigil;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What to run and how to supervise it: command, environment, restart policy, stop settings,
 * output handling, startup grace and dependencies.
 *
 * <pre>{@code
 * ProcessSpec feed = ProcessSpec.builder("quote-feed")
 *     .command("/opt/feeds/quote-feed", "--venue", "XLON")
 *     .label("type", "QUOTE")
 *     .restartPolicy(RestartPolicy.onFailure().withStartLimit(10, Duration.ofHours(1)))
 *     .startupGrace(Duration.ofSeconds(2))
 *     .build();
 * }</pre>
 *
 * <p>The command is an argument list and never goes through a shell unless it names one.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProcessSpec {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final String name;
  private final List<String> command;
  private final @Nullable Path workingDirectory;
  private final Environment environment;
  private final Map<String, String> labels;
  private final RestartPolicy restartPolicy;
  private final Signal stopSignal;
  private final Duration stopTimeout;
  private final OutputSpec output;
  private final Duration startupGrace;
  private final List<Dependency> dependencies;
  private final boolean autoStart;
  private final List<HealthCheck> healthChecks;
  private final List<ResourceRule> resourceRules;
  private final io.github.vigil.diagnosis.DiagnosisSpec diagnosis;

  private ProcessSpec(Builder b) {
    this.name = b.name;
    this.command = List.copyOf(b.command);
    this.workingDirectory = b.workingDirectory;
    this.environment = b.environment;
    this.labels = Map.copyOf(new TreeMap<>(b.labels));
    this.restartPolicy = b.restartPolicy;
    this.stopSignal = b.stopSignal;
    this.stopTimeout = b.stopTimeout;
    this.output = b.output;
    this.startupGrace = b.startupGrace;
    this.dependencies = List.copyOf(b.dependencies.values());
    this.autoStart = b.autoStart;
    this.healthChecks = List.copyOf(b.healthChecks.values());
    this.resourceRules = List.copyOf(b.resourceRules.values());
    this.diagnosis = b.diagnosis;
  }

  /** A builder for a process called {@code name}: letters, digits, {@code .}, {@code _} and {@code -}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder holding this spec's settings, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.command = new ArrayList<>(command);
    b.workingDirectory = workingDirectory;
    b.environment = environment;
    b.labels.putAll(labels);
    b.restartPolicy = restartPolicy;
    b.stopSignal = stopSignal;
    b.stopTimeout = stopTimeout;
    b.output = output;
    b.startupGrace = startupGrace;
    dependencies.forEach(d -> b.dependencies.put(d.name(), d));
    b.autoStart = autoStart;
    healthChecks.forEach(c -> b.healthChecks.put(c.name(), c));
    resourceRules.forEach(r -> b.resourceRules.put(r.name(), r));
    b.diagnosis = diagnosis;
    return b;
  }

  public String name() {
    return name;
  }

  /** The program and its arguments. */
  public List<String> command() {
    return command;
  }

  /** The working directory; the JVM's when empty. */
  public Optional<Path> workingDirectory() {
    return Optional.ofNullable(workingDirectory);
  }

  public Environment environment() {
    return environment;
  }

  /** Free-form labels, e.g. {@code type=QUOTE}, {@code account=001}. */
  public Map<String, String> labels() {
    return labels;
  }

  public RestartPolicy restartPolicy() {
    return restartPolicy;
  }

  /** The signal a stop sends first to the process and all its descendants. */
  public Signal stopSignal() {
    return stopSignal;
  }

  /** How long a stop waits after {@link #stopSignal()} before it sends {@code SIGKILL}. */
  public Duration stopTimeout() {
    return stopTimeout;
  }

  public OutputSpec output() {
    return output;
  }

  /** How long a run must stay up before it counts as started ({@code RUNNING}), like supervisord's {@code startsecs}. */
  public Duration startupGrace() {
    return startupGrace;
  }

  /** Processes that must be up before this one starts. */
  public List<Dependency> dependencies() {
    return dependencies;
  }

  /** Whether {@link Supervisor#startAll()} starts this process. */
  public boolean autoStart() {
    return autoStart;
  }

  /** The health checks of each run, in the order they were added; see {@link HealthCheck}. */
  public List<HealthCheck> healthChecks() {
    return healthChecks;
  }

  /** Limits on memory, CPU and descriptors, in the order they were added; see {@link ResourceRule}. */
  public List<ResourceRule> resourceRules() {
    return resourceRules;
  }

  /** What the process declares for its diagnosis; {@link io.github.vigil.diagnosis.DiagnosisSpec#NONE} unless set. */
  public io.github.vigil.diagnosis.DiagnosisSpec diagnosis() {
    return diagnosis;
  }

  @Override
  public String toString() {
    return "ProcessSpec{name=" + name + ", command=" + command + ", labels=" + labels + ", restart=" + restartPolicy.mode()
        + ", dependsOn=" + dependencies.stream().map(Dependency::name).toList() + "}";
  }

  /**
   * A command line as a message shows it: each argument quoted, so that an empty or blank one is seen ({@code ["", "a"]};
   * it read {@code [, a]}, and a command of one empty argument {@code []}, as if it had none), a NUL as {@code \0}.
   */
  static String quoted(List<String> commandLine) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < commandLine.size(); i++) {
      String arg = commandLine.get(i);
      b.append(i == 0 ? "" : ", ")
          .append(arg == null ? "null" : "\"" + arg.replace("\"", "\\\"").replace("\0", "\\0") + "\"");
    }
    return b.append(']').toString();
  }

  /**
   * Builds a {@link ProcessSpec}. Each setter checks its argument at once; {@link #build()} checks
   * the whole and can be called again. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private List<String> command = List.of();
    private @Nullable Path workingDirectory;
    private Environment environment = Environment.inherited();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private RestartPolicy restartPolicy = RestartPolicy.onFailure();
    private Signal stopSignal = Signal.SIGTERM;
    private Duration stopTimeout = Duration.ofSeconds(10);
    private OutputSpec output = OutputSpec.defaults();
    private Duration startupGrace = Duration.ofSeconds(1);
    private final Map<String, Dependency> dependencies = new LinkedHashMap<>();
    private boolean autoStart = true;
    private final Map<String, HealthCheck> healthChecks = new LinkedHashMap<>();
    private final Map<String, ResourceRule> resourceRules = new LinkedHashMap<>();
    private io.github.vigil.diagnosis.DiagnosisSpec diagnosis = io.github.vigil.diagnosis.DiagnosisSpec.NONE;

    private Builder(String name) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "name must be 1 to 128 letters, digits, '.', '_' or '-': '" + name + "'");
      }
      this.name = name;
    }

    /** The program and its arguments; no shell is involved. */
    public Builder command(String... commandLine) {
      return command(java.util.Arrays.asList(requireNonNull(commandLine, "command")));
    }

    /** The program and its arguments; no shell is involved. */
    public Builder command(List<String> commandLine) {
      requireNonNull(commandLine, "command");
      for (int i = 0; i < commandLine.size(); i++) {
        String arg = commandLine.get(i);
        if (arg == null || arg.indexOf('\0') >= 0) {
          throw new IllegalArgumentException("command of '" + name + "' has " + (arg == null ? "a null" : "a NUL character in its")
              + " argument " + i + ": " + quoted(commandLine));
        }
      }
      if (commandLine.isEmpty() || commandLine.get(0).isBlank()) {
        throw new IllegalArgumentException("command of '" + name + "' must name a program: " + quoted(commandLine));
      }
      this.command = List.copyOf(commandLine);
      return this;
    }

    public Builder workingDirectory(Path dir) {
      this.workingDirectory = requireNonNull(dir, "workingDirectory");
      return this;
    }

    public Builder environment(Environment env) {
      this.environment = requireNonNull(env, "environment");
      return this;
    }

    /** Sets or overrides one variable, keeping the rest of the environment. */
    public Builder env(String variable, String value) {
      Map<String, String> set = new LinkedHashMap<>(environment.set());
      set.put(variable, value);
      this.environment = new Environment(environment.inherit(), set, environment.remove());
      return this;
    }

    /** Removes one inherited variable. */
    public Builder unsetEnv(String variable) {
      Set<String> remove = new LinkedHashSet<>(environment.remove());
      remove.add(variable);
      this.environment = new Environment(environment.inherit(), environment.set(), remove);
      return this;
    }

    /**
     * A free-form label, e.g. {@code label("type", "QUOTE")}: Vigil never reads it; the Micrometer
     * binding, alerts and the endpoint carry it, the same way as an {@link AttachSpec}'s. A key set
     * again takes the new value.
     */
    public Builder label(String key, String value) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("label key of '" + name + "' must not be blank: '" + key + "'");
      }
      labels.put(key, requireNonNull(value, () -> "label " + key));
      return this;
    }

    /** Adds every entry of {@code all} as a {@linkplain #label(String, String) label}. */
    public Builder labels(Map<String, String> all) {
      requireNonNull(all, "labels").forEach(this::label);
      return this;
    }

    /**
     * Whether and when a run that ended is started again: the mode, the backoff, the start limit (see {@link
     * RestartPolicy}). Default {@link RestartPolicy#onFailure()}.
     */
    public Builder restartPolicy(RestartPolicy policy) {
      this.restartPolicy = requireNonNull(policy, "restartPolicy");
      return this;
    }

    /**
     * The signal a stop sends to the process and all its descendants; {@code SIGKILL} follows after the {@linkplain
     * #stopTimeout(Duration) stop timeout}. Default {@code SIGTERM}.
     */
    public Builder stopSignal(Signal signal) {
      this.stopSignal = requireNonNull(signal, "stopSignal");
      return this;
    }

    /**
     * How long a stop waits, after the {@linkplain #stopSignal(Signal) stop signal}, for the process and its
     * descendants to end before it sends them {@code SIGKILL}. Default 10 s; not negative.
     */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = nonNegative("stopTimeout", timeout);
      return this;
    }

    public Builder output(OutputSpec spec) {
      this.output = OutputSpec.requireValid(spec);
      return this;
    }

    /**
     * How long a run must stay up to count as started: it is {@code STARTING} until then, then {@code RUNNING}, which is
     * when {@link ProcessController#start()}'s and {@link Supervisor#startAll()}'s stages complete and a dependent
     * waiting for it to run starts. Default 1 s; zero: {@code RUNNING} as soon as it is spawned; not negative.
     */
    public Builder startupGrace(Duration grace) {
      this.startupGrace = nonNegative("startupGrace", grace);
      return this;
    }

    /** This process starts once {@code other} is {@code RUNNING}. */
    public Builder dependsOn(String other) {
      return dependsOn(other, Dependency.Condition.STARTED);
    }

    /**
     * This process starts once {@code other} has reached {@code condition}; {@link Dependency.Condition#HEALTHY}
     * needs {@code other} to have health checks.
     */
    public Builder dependsOn(String other, Dependency.Condition condition) {
      return dependsOn(other, condition, Dependency.OnExit.KEEP);
    }

    /**
     * Depends on {@code other} with {@code condition}, and says what the end of its run does to this
     * process (see {@link Dependency} for the table of effects and their systemd and OTP counterparts).
     * Naming {@code other} again replaces its dependency (so a {@link #toBuilder()} can change one).
     */
    public Builder dependsOn(String other, Dependency.Condition condition, Dependency.OnExit onExit) {
      if (other == null || !NAME.matcher(other).matches()) {
        // a name no process can have: refused here, naming it, not as an unknown process at the register
        throw new IllegalArgumentException("dependsOn of '" + name + "' must be a process name, 1 to 128 letters, digits, '.',"
            + " '_' or '-': " + (other == null ? "null" : "'" + other + "'"));
      }
      if (name.equals(other)) {
        throw new IllegalArgumentException("dependsOn of '" + name + "' must not name itself");
      }
      dependencies.put(other, new Dependency(other, condition, onExit));
      return this;
    }

    /** Whether {@link Supervisor#startAll()} starts it (default true). */
    public Builder autoStart(boolean start) {
      this.autoStart = start;
      return this;
    }

    /** Adds a health check; its name must be unique within this process. */
    public Builder healthCheck(HealthCheck check) {
      requireNonNull(check, "healthCheck");
      if (healthChecks.putIfAbsent(check.name(), check) != null) {
        throw new IllegalArgumentException("healthCheck names of '" + name + "' must be unique: '" + check.name()
            + "' is already added (give one a name())");
      }
      return this;
    }

    /** Adds a resource rule; its name must be unique within this process. */
    public Builder resourceRule(ResourceRule rule) {
      requireNonNull(rule, "resourceRule");
      if (resourceRules.putIfAbsent(rule.name(), rule) != null) {
        throw new IllegalArgumentException("resourceRule names of '" + name + "' must be unique: '" + rule.name()
            + "' is already added (give one a named())");
      }
      return this;
    }

    /**
     * What the process declares for its diagnosis: configuration files, writable directories, ports, a
     * configuration check (see {@link io.github.vigil.diagnosis.DiagnosisSpec}).
     */
    public Builder diagnosis(io.github.vigil.diagnosis.DiagnosisSpec spec) {
      this.diagnosis = requireNonNull(spec, "diagnosis");
      return this;
    }

    /** @throws IllegalArgumentException naming the field and value that are wrong */
    public ProcessSpec build() {
      if (command.isEmpty()) {
        throw new IllegalArgumentException("command of '" + name + "' is not set");
      }
      return new ProcessSpec(this);
    }

    private Duration nonNegative(String field, Duration d) {
      requireNonNull(d, field);
      if (d.isNegative()) {
        throw new IllegalArgumentException(field + " of '" + name + "' must not be negative: " + HumanFormat.duration(d));
      }
      return Limits.atMostMax(field + " of '" + name + "'", d);
    }
  }
}
