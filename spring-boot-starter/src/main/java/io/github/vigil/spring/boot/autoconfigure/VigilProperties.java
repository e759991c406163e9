package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import io.github.vigil.Dependency;
import io.github.vigil.HealthCheck;
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
 *       health-checks:
 *         - kind: tcp
 *           port: 9101
 *           interval: 2s
 *     order-gateway:
 *       command: [/opt/gateway/bin/orders]
 *       depends-on:
 *         quote-feed: healthy
 *   attach:
 *     recorder:
 *       command-line: "md-recorder .*--venue XLON"
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

  private final Metrics metrics = new Metrics();

  /** Settings every process starts from. */
  @NestedConfigurationProperty
  private final ProcessProperties defaults = new ProcessProperties();

  /** Processes to supervise, by name. */
  private final Map<String, ProcessProperties> processes = new LinkedHashMap<>();

  /**
   * Processes Vigil did not start and watches, by name: each found by one of pid, pid-file,
   * process-name or command-line. Never signalled or stopped unless allow-signals says so.
   */
  private final Map<String, AttachProperties> attach = new LinkedHashMap<>();

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

  public Metrics getMetrics() {
    return metrics;
  }

  public ProcessProperties getDefaults() {
    return defaults;
  }

  public Map<String, ProcessProperties> getProcesses() {
    return processes;
  }

  public Map<String, AttachProperties> getAttach() {
    return attach;
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
     * Names of further processes, or attachments (vigil.attach), that take the application's health
     * DOWN when unavailable, e.g. ones defined as ProcessSpec beans; processes under vigil.processes
     * say so with "critical". A name that is neither a process nor an attachment fails start-up.
     */
    private Set<String> criticalProcesses = new LinkedHashSet<>();

    /**
     * How long a critical process may be unavailable (not RUNNING and healthy: starting, in backoff,
     * crashed, exited) before the application's health is DOWN; a crash loop counts from its first
     * exit. FAILED and UNHEALTHY are DOWN at once, STOPPED on request is OUT_OF_SERVICE. For an
     * attachment: how long it may match nothing.
     */
    private Duration downAfter = Duration.ofSeconds(30);

    public Duration getDownAfter() {
      return downAfter;
    }

    public void setDownAfter(Duration downAfter) {
      this.downAfter = downAfter;
    }

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

    /**
     * Most lines of each output stream (stderr, stdout) shown per process, from what the process keeps
     * in memory (output.tail-lines); 0 shows none. Output may hold secrets: expose the endpoint with care.
     */
    private int outputLines = 20;

    /** Longest output line shown, in characters; longer lines are cut. */
    private int outputLineLength = 500;

    public int getOutputLines() {
      return outputLines;
    }

    public void setOutputLines(int outputLines) {
      this.outputLines = outputLines;
    }

    public int getOutputLineLength() {
      return outputLineLength;
    }

    public void setOutputLineLength(int outputLineLength) {
      this.outputLineLength = outputLineLength;
    }

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

  /** Vigil's meters (vigil-micrometer), bound to the application's MeterRegistry. */
  public static class Metrics {

    /** Whether to publish Vigil's meters when vigil-micrometer and a MeterRegistry are present. */
    private boolean enabled = true;

    /**
     * How meters read from process samples are named: "micrometer" (vigil.process.*) or
     * "process-exporter" (namedprocess_namegroup_*, so its dashboards work unchanged).
     */
    private Naming naming = Naming.MICROMETER;

    /**
     * Process labels that become tags on every meter of a process; no label does unless listed, as each
     * distinct value is a new series.
     */
    private List<String> labelTags = new ArrayList<>();

    /** Tags added to every meter, e.g. the supervisor's name when several share a registry. */
    private Map<String, String> tags = new LinkedHashMap<>();

    /** How long one sample of a process serves all its meters before a read takes a new one; positive. */
    private Duration sampleInterval = Duration.ofSeconds(5);

    /** Most processes that get meters; later ones are logged and left out. */
    private int maxProcesses = 1000;

    /**
     * The oldest a value served by a process meter may be, slow fields such as Pss included; not shorter
     * than the sample interval. Unset: the sample interval in process-exporter naming, no bound in Micrometer
     * naming (the sampler re-reads slow fields every 10 s on its own).
     */
    private @Nullable Duration maxAge;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Naming getNaming() {
      return naming;
    }

    public void setNaming(Naming naming) {
      this.naming = naming;
    }

    public List<String> getLabelTags() {
      return labelTags;
    }

    public void setLabelTags(List<String> labelTags) {
      this.labelTags = labelTags;
    }

    public Map<String, String> getTags() {
      return tags;
    }

    public void setTags(Map<String, String> tags) {
      this.tags = tags;
    }

    public Duration getSampleInterval() {
      return sampleInterval;
    }

    public void setSampleInterval(Duration sampleInterval) {
      this.sampleInterval = sampleInterval;
    }

    public int getMaxProcesses() {
      return maxProcesses;
    }

    public @Nullable Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(@Nullable Duration maxAge) {
      this.maxAge = maxAge;
    }

    public void setMaxProcesses(int maxProcesses) {
      this.maxProcesses = maxProcesses;
    }

    /**
     * The naming styles of {@code io.github.vigil.micrometer.MetricNaming}, repeated here so that these
     * properties bind without vigil-micrometer on the class path.
     */
    public enum Naming {
      /** Micrometer's conventions: vigil.process.cpu.time, vigil.process.memory, ... tagged process. */
      MICROMETER,
      /** Prometheus process-exporter's names and labels: namedprocess_namegroup_*, tagged groupname. */
      PROCESS_EXPORTER
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
     * startup grace) or "healthy" (running and all its health checks passed; it must have some).
     */
    private Map<String, Dependency.Condition> dependsOn = new LinkedHashMap<>();

    /** How long a run must stay up before it counts as started. */
    private Duration startupGrace = Duration.ofSeconds(1);

    /** Whether to start the process with the application context. */
    private boolean autoStart = true;

    /**
     * Whether the application's health is DOWN while this process is FAILED (start limit reached),
     * UNHEALTHY, or not RUNNING for longer than vigil.health.down-after (a crash loop).
     */
    private boolean critical = false;

    private final Restart restart = new Restart();

    private final Stop stop = new Stop();

    private final Output output = new Output();

    /**
     * Health checks, each with a kind (exec, tcp, http, process-alive, systemd-notify, custom) and its
     * settings; a process's own list replaces the one under vigil.defaults.
     */
    private List<HealthCheckProperties> healthChecks = new ArrayList<>();

    /**
     * Limits on the resources of the process tree, each on one of resident-memory-above, cpu-percent-above
     * or fd-ratio-above; a process's own list replaces the one under vigil.defaults.
     */
    private List<ResourceRuleProperties> resourceRules = new ArrayList<>();

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

    public List<HealthCheckProperties> getHealthChecks() {
      return healthChecks;
    }

    public void setHealthChecks(List<HealthCheckProperties> healthChecks) {
      this.healthChecks = healthChecks;
    }

    public List<ResourceRuleProperties> getResourceRules() {
      return resourceRules;
    }

    public void setResourceRules(List<ResourceRuleProperties> resourceRules) {
      this.resourceRules = resourceRules;
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
     * Whether each line is also logged through SLF4J, under the logger vigil.output with key process=NAME (stdout at
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

  /**
   * One health check of a process. {@code kind} says what it does; the settings of other kinds are
   * rejected. Unset timings and thresholds are the core's defaults.
   */
  public static class HealthCheckProperties {

    /** What the check does: exec, tcp, http, process-alive, systemd-notify (Linux backend) or custom. */
    private @Nullable Kind kind;

    /** Name shown in status, events and logs, unique within the process; by default made from kind and target. */
    private @Nullable String name;

    /** Exec checks: the command (no shell) that must exit 0 within the timeout. */
    private List<String> command = new ArrayList<>();

    /** Tcp checks: host to connect to. */
    private String host = "localhost";

    /** Tcp checks: port to connect to. */
    private @Nullable Integer port;

    /** Http checks: absolute http or https URL to GET. */
    private @Nullable String url;

    /** Http checks: lowest status that passes. */
    private int minStatus = 200;

    /** Http checks: highest status that passes. */
    private int maxStatus = 399;

    /** Http checks: text the response body must contain (in its first 64 KiB). */
    private @Nullable String expectBody;

    /** Http checks: request headers, e.g. an authorization token. */
    private Map<String, String> headers = new LinkedHashMap<>();

    /**
     * Systemd-notify checks: the child must send WATCHDOG=1 at least this often; none by default
     * (only READY=1 is awaited).
     */
    private @Nullable Duration watchdog;

    /** Custom checks: name of the bean, a HealthCheck.CustomProbe or HealthCheck.AsyncProbe, that decides. */
    private @Nullable String bean;

    /** Liveness checks restart the process when unhealthy (by default); readiness checks only gate dependents. */
    private HealthCheck.Role role = HealthCheck.Role.LIVENESS;

    /**
     * What becoming unhealthy does: "restart" (the default for liveness) or "notify" (the only one for
     * readiness).
     */
    private HealthCheck.@Nullable Action action;

    /** Time between the starts of two attempts; 10s by default (for systemd-notify, the watchdog). */
    private @Nullable Duration interval;

    /** How long one attempt may take, at most the interval; 5s by default, or the interval if shorter. */
    private @Nullable Duration timeout;

    /** Grace after a run starts during which failures do not count; ends early at the first pass. */
    private Duration startPeriod = Duration.ZERO;

    /** Time from the start of a run to the first attempt. */
    private Duration initialDelay = Duration.ZERO;

    /** Consecutive counted failures that make the check unhealthy; 3 by default (1 for systemd-notify). */
    private @Nullable Integer failureThreshold;

    /** Consecutive passes that make the check healthy. */
    private int successThreshold = 1;

    public @Nullable Kind getKind() {
      return kind;
    }

    public void setKind(@Nullable Kind kind) {
      this.kind = kind;
    }

    public @Nullable String getName() {
      return name;
    }

    public void setName(@Nullable String name) {
      this.name = name;
    }

    public List<String> getCommand() {
      return command;
    }

    public void setCommand(List<String> command) {
      this.command = command;
    }

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public @Nullable Integer getPort() {
      return port;
    }

    public void setPort(@Nullable Integer port) {
      this.port = port;
    }

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public int getMinStatus() {
      return minStatus;
    }

    public void setMinStatus(int minStatus) {
      this.minStatus = minStatus;
    }

    public int getMaxStatus() {
      return maxStatus;
    }

    public void setMaxStatus(int maxStatus) {
      this.maxStatus = maxStatus;
    }

    public @Nullable String getExpectBody() {
      return expectBody;
    }

    public void setExpectBody(@Nullable String expectBody) {
      this.expectBody = expectBody;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    public @Nullable Duration getWatchdog() {
      return watchdog;
    }

    public void setWatchdog(@Nullable Duration watchdog) {
      this.watchdog = watchdog;
    }

    public @Nullable String getBean() {
      return bean;
    }

    public void setBean(@Nullable String bean) {
      this.bean = bean;
    }

    public HealthCheck.Role getRole() {
      return role;
    }

    public void setRole(HealthCheck.Role role) {
      this.role = role;
    }

    public HealthCheck.@Nullable Action getAction() {
      return action;
    }

    public void setAction(HealthCheck.@Nullable Action action) {
      this.action = action;
    }

    public @Nullable Duration getInterval() {
      return interval;
    }

    public void setInterval(@Nullable Duration interval) {
      this.interval = interval;
    }

    public @Nullable Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(@Nullable Duration timeout) {
      this.timeout = timeout;
    }

    public Duration getStartPeriod() {
      return startPeriod;
    }

    public void setStartPeriod(Duration startPeriod) {
      this.startPeriod = startPeriod;
    }

    public Duration getInitialDelay() {
      return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    public @Nullable Integer getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(@Nullable Integer failureThreshold) {
      this.failureThreshold = failureThreshold;
    }

    public int getSuccessThreshold() {
      return successThreshold;
    }

    public void setSuccessThreshold(int successThreshold) {
      this.successThreshold = successThreshold;
    }

    /** The kinds of health check. */
    public enum Kind {
      /** Runs a command that must exit 0. */
      EXEC,
      /** Opens a TCP connection. */
      TCP,
      /** Sends an HTTP(S) GET. */
      HTTP,
      /** Passes while the process is alive. */
      PROCESS_ALIVE,
      /** Systemd's notify protocol (READY=1, WATCHDOG=1); needs the Linux backend. */
      SYSTEMD_NOTIFY,
      /** A bean written in Java. */
      CUSTOM
    }
  }

  /**
   * One limit on the resources of a process tree (the process and its living descendants): exactly
   * one of resident-memory-above, cpu-percent-above and fd-ratio-above.
   */
  public static class ResourceRuleProperties {

    /** Name shown in status, events and logs, unique within the process; by default "memory", "cpu" or "fds". */
    private @Nullable String name;

    /** Limit on the tree's resident memory, e.g. 512MB (needs the Linux backend's sampler). */
    private @Nullable DataSize residentMemoryAbove;

    /** Limit on the tree's CPU in percent, 100 being one core fully busy (may exceed 100 on several cores). */
    private @Nullable Double cpuPercentAbove;

    /** Limit, between 0 and 1, on the open-descriptor ratio of any member (open descriptors over RLIMIT_NOFILE). */
    private @Nullable Double fdRatioAbove;

    /** Samples in a row above the limit that break the rule, as a health check's failure-threshold. */
    private int failureThreshold = 3;

    /** Time between samples. */
    private Duration interval = Duration.ofSeconds(10);

    /** What breaking the rule does: "restart" the process, or only "notify". */
    private HealthCheck.Action action = HealthCheck.Action.RESTART;

    public @Nullable String getName() {
      return name;
    }

    public void setName(@Nullable String name) {
      this.name = name;
    }

    public @Nullable DataSize getResidentMemoryAbove() {
      return residentMemoryAbove;
    }

    public void setResidentMemoryAbove(@Nullable DataSize residentMemoryAbove) {
      this.residentMemoryAbove = residentMemoryAbove;
    }

    public @Nullable Double getCpuPercentAbove() {
      return cpuPercentAbove;
    }

    public void setCpuPercentAbove(@Nullable Double cpuPercentAbove) {
      this.cpuPercentAbove = cpuPercentAbove;
    }

    public @Nullable Double getFdRatioAbove() {
      return fdRatioAbove;
    }

    public void setFdRatioAbove(@Nullable Double fdRatioAbove) {
      this.fdRatioAbove = fdRatioAbove;
    }

    public int getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(int failureThreshold) {
      this.failureThreshold = failureThreshold;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public HealthCheck.Action getAction() {
      return action;
    }

    public void setAction(HealthCheck.Action action) {
      this.action = action;
    }
  }

  /**
   * A process, or processes, Vigil did not start and watches (attaches to): exactly one of pid,
   * pid-file, process-name and command-line.
   */
  public static class AttachProperties {

    /** Process id to watch; once it exits, the attachment stays STOPPED. */
    private @Nullable Long pid;

    /** File holding the pid to watch; read again on every rescan, so a restarted process is picked up. */
    private @Nullable Path pidFile;

    /** Exact process name (comm on Linux, at most 15 characters there) of every process to watch. */
    private @Nullable String processName;

    /** Regular expression; every process whose command line contains a match is watched. */
    private @Nullable String commandLine;

    /** Free-form labels, e.g. type=TRADER, account=account001: the same as a supervised process's labels. */
    private Map<String, String> labels = new LinkedHashMap<>();

    /** How often to look for the target again, and for new matches; at least 10ms. */
    private Duration rescanInterval = Duration.ofSeconds(5);

    /** How often to check that matched processes live, on a backend that cannot be told of exits (JDK); at least 10ms. */
    private Duration exitPollInterval = Duration.ofMillis(250);

    /** Whether the application may signal the matched processes; off, attaching only observes. */
    private boolean allowSignals = false;

    /**
     * Whether the application's health is DOWN while nothing matches for longer than
     * vigil.health.down-after.
     */
    private boolean critical = false;

    public boolean isCritical() {
      return critical;
    }

    public void setCritical(boolean critical) {
      this.critical = critical;
    }

    public @Nullable Long getPid() {
      return pid;
    }

    public void setPid(@Nullable Long pid) {
      this.pid = pid;
    }

    public @Nullable Path getPidFile() {
      return pidFile;
    }

    public void setPidFile(@Nullable Path pidFile) {
      this.pidFile = pidFile;
    }

    public @Nullable String getProcessName() {
      return processName;
    }

    public void setProcessName(@Nullable String processName) {
      this.processName = processName;
    }

    public @Nullable String getCommandLine() {
      return commandLine;
    }

    public void setCommandLine(@Nullable String commandLine) {
      this.commandLine = commandLine;
    }

    public Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
    }

    public Duration getRescanInterval() {
      return rescanInterval;
    }

    public void setRescanInterval(Duration rescanInterval) {
      this.rescanInterval = rescanInterval;
    }

    public Duration getExitPollInterval() {
      return exitPollInterval;
    }

    public void setExitPollInterval(Duration exitPollInterval) {
      this.exitPollInterval = exitPollInterval;
    }

    public boolean isAllowSignals() {
      return allowSignals;
    }

    public void setAllowSignals(boolean allowSignals) {
      this.allowSignals = allowSignals;
    }
  }
}
