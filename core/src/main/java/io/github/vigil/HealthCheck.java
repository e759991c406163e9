package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A periodic check of whether a supervised process works, the way Kubernetes probes, Docker's
 * {@code HEALTHCHECK} and monit do it: a command that must exit 0 ({@link #exec}), a TCP connect
 * ({@link #tcp}), an HTTP(S) GET ({@link #http}), whether the process is alive ({@link #processAlive()})
 * or a Java lambda ({@link #custom}, blocking, or {@link #customAsync}, returning a stage).
 *
 * <pre>{@code
 * ProcessSpec feed = ProcessSpec.builder("quote-feed")
 *     .command("/opt/feeds/quote-feed")
 *     .healthCheck(HealthCheck.http("http://localhost:8080/health")
 *         .expectStatus(200, 299).expectBodyContaining("UP")
 *         .interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(2))
 *         .failureThreshold(3).startPeriod(Duration.ofSeconds(30))
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p><b>How results count.</b> A check first runs {@link #initialDelay()} after a run starts, then
 * every {@link #interval()}, each attempt abandoned after {@link #timeout()} (a timeout is a
 * failure). {@link #failureThreshold()} failures in a row make the check {@link HealthState#UNHEALTHY},
 * {@link #successThreshold()} passes in a row make it {@link HealthState#HEALTHY}. Failures of attempts
 * begun within {@link #startPeriod()} of the start do not count, until the first pass ends the start
 * period early (Docker's {@code start_period}). The process's health is {@code UNHEALTHY} when any of
 * its checks is, {@code HEALTHY} when all are, and {@code STARTING} in between while a run is up.
 *
 * <p><b>Roles and actions.</b> A {@link Role#LIVENESS} check whose action is {@link Action#RESTART}
 * (the default) restarts the process when it becomes unhealthy: the run is stopped like any stop
 * (stop signal, stop timeout, {@code SIGKILL}), ends with {@link ExitCause#HEALTH_CHECK_FAILED}, and
 * the restart policy and its start limit decide what follows. {@link Action#NOTIFY} only reports. A
 * {@link Role#READINESS} check never restarts; like every check it gates dependents declared with
 * {@link Dependency.Condition#HEALTHY}.
 *
 * <p><b>Threads.</b> Checks never run on the supervision thread and never block one thread per
 * check. A supervisor that has checks adds a fixed set of daemon threads, whatever the number of
 * checks: {@code vigil-<name>-health-1} and {@code -2} (spawn exec checks, resolve TCP host names,
 * kill the trees of hung exec checks, complete HTTP exchanges), {@code vigil-<name>-health-io} (all
 * TCP connects, non-blocking), {@code vigil-<name>-health-custom-1} and {@code -2} (custom lambdas,
 * kept apart so that user code cannot starve the built-in kinds), and the JDK {@code HttpClient}'s
 * selector thread; with the first exec check, {@code vigil-<name>-health-exec-1}, which waits for the
 * exec checks' ends and handles them (one more for each exec check running at the same time, at most
 * 64, each ending after 60 s idle), so that an attempt starts no thread. Timeouts are timers of the
 * supervisor's {@link Scheduler}: when one fires, the attempt is abandoned (connection closed,
 * exchange cancelled, exec tree killed, custom thread interrupted) and counted as failed, so a hung
 * check costs no thread while it hangs, but for an exec check's waiter until its timeout. The JDK
 * keeps a reaper thread per live exec-check child, as for every child it spawns; each ends with its
 * child.
 * The JDK's {@code HttpClient} hands each finished exchange to {@code CompletableFuture}'s default
 * executor, which on machines with two CPUs or fewer starts a thread per task; those end at once.
 * Blocking custom lambdas share their two threads: one that hangs holds a thread until its timeout
 * interrupts it, so many hanging at once delay each other (and only each other); write such checks
 * with {@link #customAsync}, which holds no thread while it waits. A custom lambda that ignores
 * interruption keeps its thread until it returns; while it does, later attempts of that check fail
 * at once ("still running") instead of queueing.
 *
 * <p><b>Warm first checks.</b> Registering a process with TCP or HTTP checks warms up what they use
 * (the socket channel group, the HTTP client, TLS for https URLs, the hosts' addresses) on a
 * short-lived thread, so that the first attempt in a fresh JVM is timed like the later ones instead
 * of paying hundreds of milliseconds of class loading against its timeout; a first attempt waits for
 * the warm-up, at most 2 s. The system property {@code io.github.vigil.health.warmUp=false} turns it
 * off.
 *
 * <p>Immutable and thread-safe.
 */
public final class HealthCheck {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");
  /** The most of a response body an HTTP check looks at for {@link Builder#expectBodyContaining}. */
  public static final int MAX_BODY_CHARS = 64 * 1024;

  /** What a check does to decide. */
  public sealed interface Probe {
    /** Runs a command (no shell) that must exit 0 within the timeout. */
    record Exec(List<String> command) implements Probe {
      public Exec {
        command = List.copyOf(command);
      }
    }

    /** Opens, then closes, a TCP connection. */
    record Tcp(String host, int port) implements Probe {
      public Tcp {
        requireNonNull(host, "host");
      }
    }

    /**
     * Sends a GET and expects a status within {@code [minStatus, maxStatus]} and, unless
     * {@code bodyContains} is empty, a body (its first {@link #MAX_BODY_CHARS} characters) containing it.
     */
    record Http(URI uri, int minStatus, int maxStatus, String bodyContains, Map<String, String> headers) implements Probe {
      public Http {
        requireNonNull(uri, "uri");
        requireNonNull(bodyContains, "bodyContains");
        headers = Map.copyOf(headers);
      }
    }

    /** Passes while the process of the current run is alive. */
    record ProcessAlive() implements Probe {}

    /** Calls a blocking Java function on a custom-check thread. */
    record Custom(CustomProbe probe) implements Probe {
      public Custom {
        requireNonNull(probe, "probe");
      }
    }

    /**
     * systemd's notify protocol: the child reports {@code READY=1}, {@code STATUS=…} and, when
     * {@code watchdog} is not zero, {@code WATCHDOG=1} at least once per {@code watchdog}.
     */
    record SystemdNotify(Duration watchdog) implements Probe {
      public SystemdNotify {
        requireNonNull(watchdog, "watchdog");
      }
    }

    /** Calls a non-blocking Java function and waits, holding no thread, for the stage it returns. */
    record CustomAsync(AsyncProbe probe) implements Probe {
      public CustomAsync {
        requireNonNull(probe, "probe");
      }
    }
  }

  /**
   * A check written in Java. It runs on one of the supervisor's custom-check threads, is interrupted
   * when its timeout passes and should then return or throw promptly. A thrown exception is a failure
   * whose message is the exception's.
   */
  @FunctionalInterface
  public interface CustomProbe {
    /** Checks the process whose current run has id {@code pid}. */
    Outcome check(long pid) throws Exception;
  }

  /**
   * A non-blocking check written in Java: it must return at once with a stage that completes with
   * the outcome (an exceptional completion is a failure). Its stage is cancelled at the timeout. As it
   * holds no thread while it waits, any number of these can hang without delaying other checks.
   */
  @FunctionalInterface
  public interface AsyncProbe {
    /** Starts checking the process whose current run has id {@code pid}. */
    java.util.concurrent.CompletionStage<Outcome> check(long pid);
  }

  /**
   * What a {@link CustomProbe} or {@link AsyncProbe} found. Immutable and thread-safe.
   *
   * @param healthy whether the check passed
   * @param message what was seen, shown in the status and events
   */
  public record Outcome(boolean healthy, String message) {
    public Outcome {
      requireNonNull(message, "message");
    }

    public static Outcome healthy(String message) {
      return new Outcome(true, message);
    }

    public static Outcome unhealthy(String message) {
      return new Outcome(false, message);
    }
  }

  /** What a check is for. */
  public enum Role {
    /** Whether the process works; failing ones restart it (Kubernetes' liveness probe). */
    LIVENESS,
    /** Whether the process is ready for work; gates dependents, never restarts (readiness probe). */
    READINESS
  }

  /** What happens when a check becomes {@link HealthState#UNHEALTHY}. */
  public enum Action {
    /** Stop the run with cause {@link ExitCause#HEALTH_CHECK_FAILED}; the restart policy decides. */
    RESTART,
    /** Report it in the status and a {@link SupervisorEvent.HealthChanged} event, nothing more. */
    NOTIFY
  }

  private final String name;
  private final Probe probe;
  private final Role role;
  private final Action action;
  private final Duration interval;
  private final Duration timeout;
  private final Duration startPeriod;
  private final Duration initialDelay;
  private final int failureThreshold;
  private final int successThreshold;

  private HealthCheck(Builder b, Duration timeout, Action action) {
    this.name = b.name;
    this.probe = b.probe();
    this.role = b.role;
    this.action = action;
    this.interval = b.interval;
    this.timeout = timeout;
    this.startPeriod = b.startPeriod;
    this.initialDelay = b.initialDelay;
    this.failureThreshold = b.failureThreshold;
    this.successThreshold = b.successThreshold;
  }

  /** A check that runs {@code command} (no shell) and passes when it exits 0 within the timeout. */
  public static Builder exec(String... command) {
    return exec(List.of(command));
  }

  /**
   * A check that runs {@code command} (no shell) and passes when it exits 0 within the timeout. It runs with the
   * environment of the run it checks, as that run's {@link ProcessSpec#environment()} resolves it (what the process
   * sees, as Docker's {@code HEALTHCHECK} runs in the container's), plus {@code VIGIL_PROCESS} (the process's name) and
   * {@code VIGIL_PID} (the run's pid); the loader's {@code LD_PRELOAD} and {@code LD_AUDIT} in it go to the command
   * alone, not to {@code setsid}. It runs in the process's {@link ProcessSpec#workingDirectory() working directory}
   * (this JVM's where the spec sets none), and its program is found as the process's own is: a bare name
   * ({@code "mycheck"}) on the {@code PATH} of that environment, a relative path ({@code "./check.sh"}) against that
   * directory. Where it is not found, or the directory is gone, the attempt fails saying so, as a process's failed start
   * does ({@code could not run mycheck: binary 'mycheck' not found on PATH (/opt/desk/bin:/usr/bin)}). At its timeout, and
   * when the supervisor closes, it is killed with everything it started. On Linux it runs in a session of its own
   * (util-linux {@code setsid}, same pid) where that program is installed, and what it leaves running when it ends by
   * itself (a background job) is killed then too: at once where this JVM adopts orphans (while a Linux backend runs),
   * elsewhere (re-parented to init) by a pass over {@code /proc} at a check's end at most every 30 s, and at the close.
   */
  public static Builder exec(List<String> command) {
    requireNonNull(command, "command");
    if (command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
      throw new IllegalArgumentException("exec health check command must name a program: " + ProcessSpec.quoted(command));
    }
    for (String arg : command) {
      if (arg == null || arg.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("exec health check command has an invalid argument: " + ProcessSpec.quoted(command));
      }
    }
    return new Builder(Kind.EXEC, "exec:" + command.get(0)).command(command);
  }

  /**
   * A check that passes when a TCP connection to {@code host:port} opens within the timeout.
   *
   * <p><b>Whose port it is.</b> When the backend can tell who holds a socket
   * ({@link io.github.vigil.spi.ProcessBackend#listeningSockets()}: the Linux backend, from
   * {@code /proc}) and {@code host} is this machine's, the listening socket must also be held by the
   * run's process or one of its descendants; otherwise the check fails naming the holder's pid and
   * command line ({@code port 19500 on 127.0.0.1 is held by pid 23901 (python3 -m http.server 19500),
   * not by comm-link (pid 4242) or its descendants}), as the supervised process probably failed to
   * bind it. The JDK backend cannot tell: there, any listener passes.
   */
  public static Builder tcp(String host, int port) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("tcp health check host must not be blank: '" + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("tcp health check port must be 1 to 65535: " + port);
    }
    Builder b = new Builder(Kind.TCP, "tcp:" + host + ":" + port);
    b.host = host;
    b.port = port;
    return b;
  }

  /**
   * A check that sends a GET to {@code url} ({@code http} or {@code https}) and passes on a status
   * from 200 to 399 unless told otherwise. Like {@link #tcp}, a URL on this machine must be served
   * from a socket the process tree holds, where the backend can tell.
   *
   * @throws IllegalArgumentException naming the URL when it is not an absolute http(s) URL
   */
  public static Builder http(String url) {
    URI uri;
    try {
      uri = URI.create(requireNonNull(url, "url"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("http health check url is malformed: '" + url + "' (" + e.getMessage() + ")", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("http health check url must use http or https: '" + url + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("http health check url must name a host: '" + url + "'");
    }
    Builder b = new Builder(Kind.HTTP, "http:" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()));
    b.uri = uri;
    return b;
  }

  /** A check that passes while the process of the current run is alive (cheap; useful with NOTIFY). */
  public static Builder processAlive() {
    return new Builder(Kind.ALIVE, "alive");
  }

  /** A blocking check in Java, called {@code name}; see {@link CustomProbe}. */
  public static Builder custom(String name, CustomProbe probe) {
    requireNonNull(probe, "probe");
    Builder b = new Builder(Kind.CUSTOM, "custom");
    b.name(name);
    b.custom = probe;
    return b;
  }

  /**
   * systemd's notify protocol ({@code Type=notify}), so that a service written for systemd runs
   * unchanged: the child is started with {@code NOTIFY_SOCKET} naming a Unix datagram socket, and
   * becomes {@link HealthState#HEALTHY} when it sends {@code READY=1}; what it sends as
   * {@code STATUS=…} is the message of the check's results. With {@link Builder#watchdog(Duration)}
   * the child also gets {@code WATCHDOG_USEC}, and a watchdog interval without {@code WATCHDOG=1} is a
   * failed attempt (one is enough by default, as in systemd's {@code WatchdogSec}). Needs a backend
   * that offers the protocol (the Linux one); registering it with another is an error.
   */
  public static Builder systemdNotify() {
    Builder b = new Builder(Kind.NOTIFY, "notify");
    b.failureThreshold = 1;
    b.interval = Duration.ofSeconds(3600); // no polling: results come with the child's messages
    return b;
  }

  /** A non-blocking check in Java, called {@code name}; see {@link AsyncProbe}. */
  public static Builder customAsync(String name, AsyncProbe probe) {
    requireNonNull(probe, "probe");
    Builder b = new Builder(Kind.CUSTOM_ASYNC, "custom");
    b.name(name);
    b.customAsync = probe;
    return b;
  }

  /** The check's name, unique within its process: given, or made from its kind and target. */
  public String name() {
    return name;
  }

  public Probe probe() {
    return probe;
  }

  public Role role() {
    return role;
  }

  /** What becoming unhealthy does; always {@link Action#NOTIFY} for a {@link Role#READINESS} check. */
  public Action action() {
    return action;
  }

  /** Time between the starts of two attempts. */
  public Duration interval() {
    return interval;
  }

  /** How long an attempt may take before it is abandoned and counted as failed; at most {@link #interval()}. */
  public Duration timeout() {
    return timeout;
  }

  /** Grace after a run starts during which failures do not count. */
  public Duration startPeriod() {
    return startPeriod;
  }

  /** Time from the start of a run to the first attempt. */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** Consecutive counted failures that make the check unhealthy; at least 1. */
  public int failureThreshold() {
    return failureThreshold;
  }

  /** Consecutive passes that make the check healthy; at least 1. */
  public int successThreshold() {
    return successThreshold;
  }

  @Override
  public String toString() {
    return "HealthCheck{" + name + ", " + role + ", " + action + ", every " + HumanFormat.duration(interval) + ", timeout " + HumanFormat.duration(timeout)
        + ", failures " + failureThreshold + ", successes " + successThreshold
        + (startPeriod.isZero() ? "" : ", start period " + HumanFormat.duration(startPeriod))
        + (initialDelay.isZero() ? "" : ", initial delay " + HumanFormat.duration(initialDelay)) + "}";
  }

  private enum Kind {
    EXEC, TCP, HTTP, ALIVE, CUSTOM, CUSTOM_ASYNC, NOTIFY
  }

  /**
   * Builds a {@link HealthCheck}. Setters check their argument at once; {@link #build()} checks the
   * whole and can be called again. Errors name the check, the field and the value. Not thread-safe.
   */
  public static final class Builder {
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Kind kind;
    private String name;
    private List<String> command = List.of();
    private String host = "";
    private int port;
    private URI uri;
    private int minStatus = 200;
    private int maxStatus = 399;
    private String bodyContains = "";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private CustomProbe custom;
    private AsyncProbe customAsync;
    private Duration watchdog = Duration.ZERO;
    private Role role = Role.LIVENESS;
    private Action action;
    private Duration interval = DEFAULT_INTERVAL;
    private Duration timeout;
    private Duration startPeriod = Duration.ZERO;
    private Duration initialDelay = Duration.ZERO;
    private int failureThreshold = 3;
    private int successThreshold = 1;

    private Builder(Kind kind, String defaultName) {
      this.kind = kind;
      this.name = defaultName.length() > 128 ? defaultName.substring(0, 128) : defaultName;
    }

    private Builder command(List<String> c) {
      this.command = List.copyOf(c);
      return this;
    }

    /** A name for status, events and logs: letters, digits and {@code . _ : / @ -}, unique within the process. */
    public Builder name(String checkName) {
      if (checkName == null || !NAME.matcher(checkName).matches()) {
        throw new IllegalArgumentException(
            "health check name must be 1 to 128 letters, digits, '.', '_', ':', '/', '@' or '-': '" + checkName + "'");
      }
      this.name = checkName;
      return this;
    }

    /** Liveness (default) or readiness. */
    public Builder role(Role r) {
      this.role = requireNonNull(r, "role");
      return this;
    }

    /** What becoming unhealthy does: {@link Action#RESTART} (default for liveness) or {@link Action#NOTIFY}. */
    public Builder action(Action a) {
      this.action = requireNonNull(a, "action");
      return this;
    }

    /** Time between the starts of two attempts (default 10 s); must be positive. */
    public Builder interval(Duration d) {
      this.interval = positive("interval", d);
      return this;
    }

    /** Hard limit on one attempt (default 5 s, or the interval if shorter); positive, at most the interval. */
    public Builder timeout(Duration d) {
      this.timeout = positive("timeout", d);
      return this;
    }

    /** Grace after a run starts during which failures do not count (default none). */
    public Builder startPeriod(Duration d) {
      this.startPeriod = nonNegative("startPeriod", d);
      return this;
    }

    /** Time from the start of a run to the first attempt (default none). */
    public Builder initialDelay(Duration d) {
      this.initialDelay = nonNegative("initialDelay", d);
      return this;
    }

    /** Consecutive counted failures before the check is unhealthy (default 3); at least 1. */
    public Builder failureThreshold(int n) {
      this.failureThreshold = atLeastOne("failureThreshold", n);
      return this;
    }

    /** Consecutive passes before the check is healthy (default 1); at least 1. */
    public Builder successThreshold(int n) {
      this.successThreshold = atLeastOne("successThreshold", n);
      return this;
    }

    /** HTTP only: the accepted status range, inclusive (default 200 to 399). */
    public Builder expectStatus(int min, int max) {
      only(Kind.HTTP, "expectStatus");
      if (min < 100 || min > 599) {
        throw new IllegalArgumentException("expectStatus min of health check '" + name + "' must be 100 to 599: " + min);
      }
      if (max < min || max > 599) {
        throw new IllegalArgumentException("expectStatus max of health check '" + name + "' must be " + min + " to 599: " + max);
      }
      this.minStatus = min;
      this.maxStatus = max;
      return this;
    }

    /** HTTP only: the body must contain this text (looked for in its first {@link #MAX_BODY_CHARS} characters). */
    public Builder expectBodyContaining(String text) {
      only(Kind.HTTP, "expectBodyContaining");
      if (text == null || text.isEmpty()) {
        throw new IllegalArgumentException("expectBodyContaining of health check '" + name + "' must not be empty: '" + text + "'");
      }
      this.bodyContains = text;
      return this;
    }

    /**
     * systemd notify only: the child must send {@code WATCHDOG=1} at least this often (systemd's
     * {@code WatchdogSec}); sets the interval to it. Positive.
     */
    public Builder watchdog(Duration d) {
      only(Kind.NOTIFY, "watchdog");
      this.watchdog = positive("watchdog", d);
      this.interval = d;
      return this;
    }

    /**
     * HTTP only: a request header, e.g. an authorization token. Refused here when the JDK's HTTP client would refuse it at
     * every check, which then failed each one: a name that is no token ({@code X Token}) or a restricted one
     * ({@code Host}, {@code Content-Length}, {@code Connection}, {@code Expect}, {@code Upgrade}), or a value with a line
     * break or another control character; and a blank value (a variable that was not set). The message names the check
     * and the header, never the value.
     */
    public Builder header(String headerName, String value) {
      only(Kind.HTTP, "header");
      if (headerName == null || headerName.isBlank() || value == null) {
        throw new IllegalArgumentException("header of health check '" + name + "' needs a name and a value: '" + headerName + "'");
      }
      if (value.isBlank()) { // a variable not set: every check sent it and was refused, the process counted unhealthy
        throw new IllegalArgumentException("header of health check '" + name + "' '" + headerName + "' must not have a blank value: it is "
            + (value.isEmpty() ? "empty" : value.length() + " whitespace character" + (value.length() == 1 ? "" : "s")));
      }
      // the JDK's own request builder is asked, so its rules (and jdk.httpclient.allowRestrictedHeaders) are the ones used
      try {
        java.net.http.HttpRequest.newBuilder().header(headerName, "x");
      } catch (IllegalArgumentException e) { // "invalid header name: ..." or "restricted header name: ...": the name only
        throw new IllegalArgumentException("header of health check '" + name + "' '" + headerName
            + "' is refused by the JDK's HTTP client (" + e.getMessage() + ")");
      }
      try {
        java.net.http.HttpRequest.newBuilder().header(headerName, value);
      } catch (IllegalArgumentException e) { // its message shows the value, which may be a token
        throw new IllegalArgumentException("header of health check '" + name + "' '" + headerName
            + "' has a value the JDK's HTTP client refuses (a line break or another control character)");
      }
      headers.put(headerName, value);
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the field and value that are wrong, e.g. a timeout
     *     above the interval, or RESTART on a readiness check
     */
    public HealthCheck build() {
      Duration effectiveTimeout = timeout != null ? timeout : (DEFAULT_TIMEOUT.compareTo(interval) <= 0 ? DEFAULT_TIMEOUT : interval);
      if (effectiveTimeout.compareTo(interval) > 0) {
        throw new IllegalArgumentException("timeout of health check '" + name + "' must not exceed its interval of "
            + HumanFormat.duration(interval) + ": " + HumanFormat.duration(effectiveTimeout));
      }
      Action effectiveAction = action != null ? action : (role == Role.LIVENESS ? Action.RESTART : Action.NOTIFY);
      if (role == Role.READINESS && effectiveAction == Action.RESTART) {
        throw new IllegalArgumentException("action of readiness check '" + name + "' must be NOTIFY, not RESTART: "
            + "readiness gates dependents, liveness restarts");
      }
      return new HealthCheck(this, effectiveTimeout, effectiveAction);
    }

    private Probe probe() {
      switch (kind) {
        case EXEC:
          return new Probe.Exec(command);
        case TCP:
          return new Probe.Tcp(host, port);
        case HTTP:
          return new Probe.Http(uri, minStatus, maxStatus, bodyContains, headers);
        case ALIVE:
          return new Probe.ProcessAlive();
        case CUSTOM_ASYNC:
          return new Probe.CustomAsync(customAsync);
        case NOTIFY:
          return new Probe.SystemdNotify(watchdog);
        default:
          return new Probe.Custom(custom);
      }
    }

    private void only(Kind k, String field) {
      if (kind != k) {
        throw new IllegalStateException(field + " applies to " + k.name().toLowerCase(Locale.ROOT) + " checks; '" + name
            + "' is a " + kind.name().toLowerCase(Locale.ROOT) + " check");
      }
    }

    private Duration positive(String field, Duration d) {
      requireNonNull(d, field);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(field + " of health check '" + name + "' must be positive: " + HumanFormat.duration(d));
      }
      return Limits.atMostMax(field + " of health check '" + name + "'", d);
    }

    private Duration nonNegative(String field, Duration d) {
      requireNonNull(d, field);
      if (d.isNegative()) {
        throw new IllegalArgumentException(field + " of health check '" + name + "' must not be negative: " + HumanFormat.duration(d));
      }
      return Limits.atMostMax(field + " of health check '" + name + "'", d);
    }

    private int atLeastOne(String field, int n) {
      if (n < 1) {
        throw new IllegalArgumentException(field + " of health check '" + name + "' must be at least 1: " + n);
      }
      return Limits.atMostMax(field + " of health check '" + name + "'", n);
    }

    @Override
    public String toString() {
      return "HealthCheck.Builder{" + name + ", " + kind + "}";
    }
  }
}
