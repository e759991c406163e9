package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import io.github.vigil.Dependency;
import io.github.vigil.RestartPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * The {@code vigil.*} properties: the supervisor, and the processes it runs.
 *
 * <pre>
 * vigil:
 *   defaults:                       # applies to every process below, each may override
 *     stop:
 *       timeout: 15s
 *   processes:
 *     quote-feed:
 *       command: [/opt/feeds/quote-feed, --venue, XLON]
 *       critical: true
 *       restart:
 *         max-restarts: 10
 *         window: 1h
 *     order-gateway:
 *       command: [/opt/gateway/bin/orders]
 *       depends-on:
 *         quote-feed: started
 * </pre>
 *
 * <p>Every process starts from {@code vigil.defaults}, and its own properties override them one
 * by one (maps such as {@code environment} and {@code labels} are merged). The defaults of
 * {@code vigil.defaults} are the core's ({@code ProcessSpec.builder}).
 *
 * <p>A mutable JavaBean for binding; not thread-safe. The starter reads it once, at start-up.
 */
@ConfigurationProperties("vigil")
public class VigilProperties {

  /** Whether to auto-configure a supervisor and run the configured processes. */
  private boolean enabled = true;

  /** Supervisor name, used in thread names and logs. */
  private String name = "vigil";

  /**
   * Backend to use, by provider name ("jdk", "linux"); by default the best available one, which is
   * "linux" when vigil-linux-native is on the class path and usable.
   */
  private @Nullable String backend;

  /** Directory for the supervisor's state and relative log-file paths; none by default. */
  private @Nullable Path stateDirectory;

  /** Longest time closing the supervisor waits for processes to stop before it kills what is left. */
  private Duration closeTimeout = Duration.ofSeconds(60);

  private final Lifecycle lifecycle = new Lifecycle();

  private final Health health = new Health();

  private final Endpoint endpoint = new Endpoint();

  /** Settings every process starts from. */
  @NestedConfigurationProperty
  private final ProcessProperties defaults = new ProcessProperties();

  /** Processes to supervise, by name. */
  private final Map<String, ProcessProperties> processes = new LinkedHashMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public @Nullable String getBackend() {
    return backend;
  }

  public void setBackend(@Nullable String backend) {
    this.backend = backend;
  }

  public @Nullable Path getStateDirectory() {
    return stateDirectory;
  }

  public void setStateDirectory(@Nullable Path stateDirectory) {
    this.stateDirectory = stateDirectory;
  }

  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  public Lifecycle getLifecycle() {
    return lifecycle;
  }

  public Health getHealth() {
    return health;
  }

  public Endpoint getEndpoint() {
    return endpoint;
  }

  public ProcessProperties getDefaults() {
    return defaults;
  }

  public Map<String, ProcessProperties> getProcesses() {
    return processes;
  }

  /** How the processes follow the application context. */
  public static class Lifecycle {

    /**
     * SmartLifecycle phase in which processes start (and, in reverse, stop). The default starts them
     * before the web server and stops them after the web server's graceful shutdown.
     */
    private int phase = VigilLifecycle.DEFAULT_PHASE;

    /**
     * How long the context start waits for the auto-started processes to be running; 0 does not
     * wait. A process that is not running by then is logged and left to its restart policy.
     */
    private Duration startTimeout = Duration.ofSeconds(60);

    public int getPhase() {
      return phase;
    }

    public void setPhase(int phase) {
      this.phase = phase;
    }

    public Duration getStartTimeout() {
      return startTimeout;
    }

    public void setStartTimeout(Duration startTimeout) {
      this.startTimeout = startTimeout;
    }
  }

  /** How supervised processes count in the application's health. */
  public static class Health {

    /**
     * Names of further processes that take the application's health DOWN when FAILED or UNHEALTHY,
     * e.g. ones defined as ProcessSpec beans; processes under vigil.processes say so with "critical".
     */
    private Set<String> criticalProcesses = new LinkedHashSet<>();

    public Set<String> getCriticalProcesses() {
      return criticalProcesses;
    }

    public void setCriticalProcesses(Set<String> criticalProcesses) {
      this.criticalProcesses = criticalProcesses;
    }
  }

  /** The Actuator endpoint "vigil". */
  public static class Endpoint {

    /** Longest time a start, stop or restart through the endpoint waits for its outcome. */
    private Duration commandTimeout = Duration.ofSeconds(30);

    /** Most recent runs listed per process. */
    private int historySize = 10;

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public int getHistorySize() {
      return historySize;
    }

    public void setHistorySize(int historySize) {
      this.historySize = historySize;
    }
  }

  /**
   * The settings of one process, or of {@code vigil.defaults}. Defaults are the core's.
   */
  public static class ProcessProperties {

    /** Program and its arguments, as a list; no shell is involved unless the command names one. */
    private List<String> command = new ArrayList<>();

    /** Working directory; the application's when not set. */
    private @Nullable Path workingDirectory;

    /** Whether the process inherits the application's environment variables. */
    private boolean inheritEnvironment = true;

    /** Environment variables to set or override. */
    private Map<String, String> environment = new LinkedHashMap<>();

    /** Inherited environment variables to remove. */
    private Set<String> unsetEnvironment = new LinkedHashSet<>();

    /** Free-form labels, e.g. type=QUOTE, account=001. */
    private Map<String, String> labels = new LinkedHashMap<>();

    /**
     * Processes that must be up before this one starts, with how far: "started" (running past its
     * startup grace).
     */
    private Map<String, Dependency.Condition> dependsOn = new LinkedHashMap<>();

    /** How long a run must stay up before it counts as started. */
    private Duration startupGrace = Duration.ofSeconds(1);

    /** Whether to start the process with the application context. */
    private boolean autoStart = true;

    /**
     * Whether the application's health is DOWN while this process is FAILED (start limit reached)
     * or UNHEALTHY.
     */
    private boolean critical = false;

    private final Restart restart = new Restart();

    private final Stop stop = new Stop();

    private final Output output = new Output();

    public List<String> getCommand() {
      return command;
    }

    public void setCommand(List<String> command) {
      this.command = command;
    }

    public @Nullable Path getWorkingDirectory() {
      return workingDirectory;
    }

    public void setWorkingDirectory(@Nullable Path workingDirectory) {
      this.workingDirectory = workingDirectory;
    }

    public boolean isInheritEnvironment() {
      return inheritEnvironment;
    }

    public void setInheritEnvironment(boolean inheritEnvironment) {
      this.inheritEnvironment = inheritEnvironment;
    }

    public Map<String, String> getEnvironment() {
      return environment;
    }

    public void setEnvironment(Map<String, String> environment) {
      this.environment = environment;
    }

    public Set<String> getUnsetEnvironment() {
      return unsetEnvironment;
    }

    public void setUnsetEnvironment(Set<String> unsetEnvironment) {
      this.unsetEnvironment = unsetEnvironment;
    }

    public Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
    }

    public Map<String, Dependency.Condition> getDependsOn() {
      return dependsOn;
    }

    public void setDependsOn(Map<String, Dependency.Condition> dependsOn) {
      this.dependsOn = dependsOn;
    }

    public Duration getStartupGrace() {
      return startupGrace;
    }

    public void setStartupGrace(Duration startupGrace) {
      this.startupGrace = startupGrace;
    }

    public boolean isAutoStart() {
      return autoStart;
    }

    public void setAutoStart(boolean autoStart) {
      this.autoStart = autoStart;
    }

    public boolean isCritical() {
      return critical;
    }

    public void setCritical(boolean critical) {
      this.critical = critical;
    }

    public Restart getRestart() {
      return restart;
    }

    public Stop getStop() {
      return stop;
    }

    public Output getOutput() {
      return output;
    }
  }

  /** When and how fast a process is restarted (systemd's Restart= and start limit). */
  public static class Restart {

    /** When to restart: "never", "on-failure" (error exit, signal, failed start) or "always". */
    private RestartPolicy.Mode mode = RestartPolicy.Mode.ON_FAILURE;

    /** Exit codes that count as a clean exit. */
    private Set<Integer> successExitCodes = new LinkedHashSet<>(Set.of(0));

    /** Most restarts allowed within the window; the next failure gives up (FAILED). */
    private int maxRestarts = 10;

    /** Sliding window of the start limit. */
    private Duration window = Duration.ofHours(1);

    /** Least time between two restarts, whatever the backoff says. */
    private Duration cooldown = Duration.ZERO;

    /** How long a run must stay up for the backoff to start again from its first delay. */
    private Duration stableAfter = Duration.ofSeconds(60);

    private final BackoffProperties backoff = new BackoffProperties();

    public RestartPolicy.Mode getMode() {
      return mode;
    }

    public void setMode(RestartPolicy.Mode mode) {
      this.mode = mode;
    }

    public Set<Integer> getSuccessExitCodes() {
      return successExitCodes;
    }

    public void setSuccessExitCodes(Set<Integer> successExitCodes) {
      this.successExitCodes = successExitCodes;
    }

    public int getMaxRestarts() {
      return maxRestarts;
    }

    public void setMaxRestarts(int maxRestarts) {
      this.maxRestarts = maxRestarts;
    }

    public Duration getWindow() {
      return window;
    }

    public void setWindow(Duration window) {
      this.window = window;
    }

    public Duration getCooldown() {
      return cooldown;
    }

    public void setCooldown(Duration cooldown) {
      this.cooldown = cooldown;
    }

    public Duration getStableAfter() {
      return stableAfter;
    }

    public void setStableAfter(Duration stableAfter) {
      this.stableAfter = stableAfter;
    }

    public BackoffProperties getBackoff() {
      return backoff;
    }
  }

  /** Delay before each restart: initial-delay times multiplier per attempt, up to max-delay. */
  public static class BackoffProperties {

    /** Delay before the first restart. */
    private Duration initialDelay = Duration.ofMillis(100);

    /** Growth of the delay per attempt; 1 for a fixed delay. */
    private double multiplier = 2.0;

    /** Largest delay. */
    private Duration maxDelay = Duration.ofSeconds(30);

    /** Fraction in [0, 1] of each delay that is randomised away. */
    private double jitter = 0.0;

    public Duration getInitialDelay() {
      return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(double multiplier) {
      this.multiplier = multiplier;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public double getJitter() {
      return jitter;
    }

    public void setJitter(double jitter) {
      this.jitter = jitter;
    }
  }

  /** How a process is stopped. */
  public static class Stop {

    /** Signal sent first to the process and all its descendants, e.g. "SIGTERM", "INT" or "2". */
    private String signal = "SIGTERM";

    /** How long a stop waits after the signal before it sends SIGKILL. */
    private Duration timeout = Duration.ofSeconds(10);

    public String getSignal() {
      return signal;
    }

    public void setSignal(String signal) {
      this.signal = signal;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** What happens to a process's standard output and error (both are always drained). */
  public static class Output {

    /** Lines of each stream kept in memory; 0 keeps none. */
    private int tailLines = 200;

    /**
     * File standard output is appended to; relative paths are resolved against the state directory.
     */
    private @Nullable Path stdoutFile;

    /** File standard error is appended to; relative paths are resolved against the state directory. */
    private @Nullable Path stderrFile;

    /** Size at which a log file is rotated. */
    private DataSize maxFileSize = DataSize.ofMegabytes(10);

    /** Rotated files kept per stream. */
    private int backups = 5;

    /**
     * Whether each line is also logged through SLF4J, under the logger vigil.output.NAME (stdout at
     * INFO, stderr at WARN).
     */
    private boolean logToSlf4j = false;

    public int getTailLines() {
      return tailLines;
    }

    public void setTailLines(int tailLines) {
      this.tailLines = tailLines;
    }

    public @Nullable Path getStdoutFile() {
      return stdoutFile;
    }

    public void setStdoutFile(@Nullable Path stdoutFile) {
      this.stdoutFile = stdoutFile;
    }

    public @Nullable Path getStderrFile() {
      return stderrFile;
    }

    public void setStderrFile(@Nullable Path stderrFile) {
      this.stderrFile = stderrFile;
    }

    public DataSize getMaxFileSize() {
      return maxFileSize;
    }

    public void setMaxFileSize(DataSize maxFileSize) {
      this.maxFileSize = maxFileSize;
    }

    public int getBackups() {
      return backups;
    }

    public void setBackups(int backups) {
      this.backups = backups;
    }

    public boolean isLogToSlf4j() {
      return logToSlf4j;
    }

    public void setLogToSlf4j(boolean logToSlf4j) {
      this.logToSlf4j = logToSlf4j;
    }
  }
}
