package io.github.vigil.spring.boot.autoconfigure;

import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Alerts of the supervised processes ({@code vigil-alerts}): rules, routes, sinks and silences.
 *
 * <pre>
 * vigil.alerts:
 *   rules: {not-running-grace: 30s, high-memory-share: 0.9, high-memory-for: 2m}
 *   overrides: {quote-feed: {flapping-restarts: 5, severities: {crashed: critical}}}
 *   sinks:
 *     desk-ding: {type: dingtalk, token: ${DING_TOKEN}, secret: ${DING_SECRET}}
 *     fleet: {type: alertmanager, url: http://alertmanager:9093, labels: {instance: gateway-1}}
 *   routes:
 *     desk: {sinks: [desk-ding], min-severity: warning, escalate-to: oncall, escalate-after: 15m}
 *     fleet: {sinks: [fleet], group-wait: 0s, repeat-interval: 3m}
 * </pre>
 *
 * Tokens, secrets and passwords are never logged nor shown by the {@code vigilalerts} endpoint.
 */
@ConfigurationProperties("vigil.alerts")
public class VigilAlertsProperties {

  /** Whether alerts are on (when vigil-alerts is on the class path). */
  private boolean enabled = true;

  /**
   * How often running processes and attachments ({@code vigil.attach}, while they have found their processes) are sampled
   * for the CPU and memory rules and the anomaly detectors; 0 turns sampling off.
   */
  private Duration sampleInterval = Duration.ofSeconds(10);

  /** Whether the anomaly detectors (leaks, spikes, zombies, restart rate) run. */
  private boolean anomalies = true;

  /**
   * Directory where the alerts keep which alerts the sinks were told fire (its file alerts.state), so that the next start
   * after the application was killed tells them of those that resolved meanwhile; by default vigil.state-directory, none
   * without one.
   */
  private java.nio.file.@Nullable Path stateDirectory;

  /** Rules for every process. */
  private Rules rules = new Rules();

  /** Rules per process name; set fields replace the defaults of {@code rules}. */
  private Map<String, Rules> overrides = new LinkedHashMap<>();

  /** Sinks by name. Without any, alerts are logged through SLF4J. */
  private Map<String, Sink> sinks = new LinkedHashMap<>();

  /** Routes by name. Without any, one route takes every alert to every sink. */
  private Map<String, RouteProperties> routes = new LinkedHashMap<>();

  /** Silences: label matchers and a one-off or daily window, or outside the sessions of a trading calendar. */
  private List<SilenceProperties> silences = new ArrayList<>();

  /** Retries of failed deliveries. */
  private Retry retry = new Retry();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public java.nio.file.@Nullable Path getStateDirectory() {
    return stateDirectory;
  }

  public void setStateDirectory(java.nio.file.@Nullable Path stateDirectory) {
    this.stateDirectory = stateDirectory;
  }

  public Duration getSampleInterval() {
    return sampleInterval;
  }

  public void setSampleInterval(Duration sampleInterval) {
    this.sampleInterval = sampleInterval;
  }

  public boolean isAnomalies() {
    return anomalies;
  }

  public void setAnomalies(boolean anomalies) {
    this.anomalies = anomalies;
  }

  public Rules getRules() {
    return rules;
  }

  public void setRules(Rules rules) {
    this.rules = rules;
  }

  public Map<String, Rules> getOverrides() {
    return overrides;
  }

  public void setOverrides(Map<String, Rules> overrides) {
    this.overrides = overrides;
  }

  public Map<String, Sink> getSinks() {
    return sinks;
  }

  public void setSinks(Map<String, Sink> sinks) {
    this.sinks = sinks;
  }

  public Map<String, RouteProperties> getRoutes() {
    return routes;
  }

  public void setRoutes(Map<String, RouteProperties> routes) {
    this.routes = routes;
  }

  public List<SilenceProperties> getSilences() {
    return silences;
  }

  public void setSilences(List<SilenceProperties> silences) {
    this.silences = silences;
  }

  public Retry getRetry() {
    return retry;
  }

  public void setRetry(Retry retry) {
    this.retry = retry;
  }

  /** Alert rules; unset fields keep the library's defaults (or, in an override, the {@code rules} values). */
  public static class Rules {
    /** Alert types turned off (not-running, crashed, flapping, failed, high-cpu, high-memory, health-check-failing, attachment-lost, anomaly). */
    private Set<AlertTypeName> disabled = EnumSet.noneOf(AlertTypeName.class);

    /** Severity per alert type (info, warning, critical). */
    private Map<AlertTypeName, SeverityName> severities = new LinkedHashMap<>();

    /** How long a process may be down before NOT_RUNNING fires (default 30s). */
    private @Nullable Duration notRunningGrace;

    /** How long a run must last before CRASHED resolves (default 1m). */
    private @Nullable Duration stableAfter;

    /** FLAPPING fires at more than this many restarts within the flapping window (default 3). */
    private @Nullable Integer flappingRestarts;

    /** The window of FLAPPING (default 5m). */
    private @Nullable Duration flappingWindow;

    /** HIGH_CPU threshold in percent of one core. */
    private @Nullable Double highCpuPercent;

    /** HIGH_CPU threshold as a share (0..1] of cpu-limit-percent. */
    private @Nullable Double highCpuShare;

    /** The process's CPU limit in percent of one core (default 100). */
    private @Nullable Double cpuLimitPercent;

    /** How long CPU must stay above its threshold (default 1m). */
    private @Nullable Duration highCpuFor;

    /** HIGH_MEMORY threshold, resident memory. */
    private @Nullable DataSize highMemory;

    /** HIGH_MEMORY threshold as a share (0..1] of memory-limit (or of the process's resident-memory-above rule). */
    private @Nullable Double highMemoryShare;

    /** The process's memory limit. */
    private @Nullable DataSize memoryLimit;

    /** How long memory must stay above its threshold (default 1m). */
    private @Nullable Duration highMemoryFor;

    public Set<AlertTypeName> getDisabled() {
      return disabled;
    }

    public void setDisabled(Set<AlertTypeName> disabled) {
      this.disabled = disabled;
    }

    public Map<AlertTypeName, SeverityName> getSeverities() {
      return severities;
    }

    public void setSeverities(Map<AlertTypeName, SeverityName> severities) {
      this.severities = severities;
    }

    public @Nullable Duration getNotRunningGrace() {
      return notRunningGrace;
    }

    public void setNotRunningGrace(@Nullable Duration notRunningGrace) {
      this.notRunningGrace = notRunningGrace;
    }

    public @Nullable Duration getStableAfter() {
      return stableAfter;
    }

    public void setStableAfter(@Nullable Duration stableAfter) {
      this.stableAfter = stableAfter;
    }

    public @Nullable Integer getFlappingRestarts() {
      return flappingRestarts;
    }

    public void setFlappingRestarts(@Nullable Integer flappingRestarts) {
      this.flappingRestarts = flappingRestarts;
    }

    public @Nullable Duration getFlappingWindow() {
      return flappingWindow;
    }

    public void setFlappingWindow(@Nullable Duration flappingWindow) {
      this.flappingWindow = flappingWindow;
    }

    public @Nullable Double getHighCpuPercent() {
      return highCpuPercent;
    }

    public void setHighCpuPercent(@Nullable Double highCpuPercent) {
      this.highCpuPercent = highCpuPercent;
    }

    public @Nullable Double getHighCpuShare() {
      return highCpuShare;
    }

    public void setHighCpuShare(@Nullable Double highCpuShare) {
      this.highCpuShare = highCpuShare;
    }

    public @Nullable Double getCpuLimitPercent() {
      return cpuLimitPercent;
    }

    public void setCpuLimitPercent(@Nullable Double cpuLimitPercent) {
      this.cpuLimitPercent = cpuLimitPercent;
    }

    public @Nullable Duration getHighCpuFor() {
      return highCpuFor;
    }

    public void setHighCpuFor(@Nullable Duration highCpuFor) {
      this.highCpuFor = highCpuFor;
    }

    public @Nullable DataSize getHighMemory() {
      return highMemory;
    }

    public void setHighMemory(@Nullable DataSize highMemory) {
      this.highMemory = highMemory;
    }

    public @Nullable Double getHighMemoryShare() {
      return highMemoryShare;
    }

    public void setHighMemoryShare(@Nullable Double highMemoryShare) {
      this.highMemoryShare = highMemoryShare;
    }

    public @Nullable DataSize getMemoryLimit() {
      return memoryLimit;
    }

    public void setMemoryLimit(@Nullable DataSize memoryLimit) {
      this.memoryLimit = memoryLimit;
    }

    public @Nullable Duration getHighMemoryFor() {
      return highMemoryFor;
    }

    public void setHighMemoryFor(@Nullable Duration highMemoryFor) {
      this.highMemoryFor = highMemoryFor;
    }
  }

  /** Alert types, as property values. */
  public enum AlertTypeName {
    NOT_RUNNING, CRASHED, FLAPPING, FAILED, HIGH_CPU, HIGH_MEMORY, HEALTH_CHECK_FAILING, ATTACHMENT_LOST, ANOMALY, GROUP_FAILED
  }

  /** Severities, as property values. */
  public enum SeverityName {
    INFO, WARNING, CRITICAL
  }

  /**
   * Kinds of sink, each with the sink properties it uses: the table a sink's properties are checked against, one line
   * per type. {@code type}, {@code rate-limit} and {@code rate-limit-period} are every type's and are not listed; a
   * property listed as {@code smtp} stands for all of {@code smtp.*}. A property its type does not use fails the start:
   * ignored, a signing secret or SMTP settings on the wrong type left the sink unsigned or mailing nobody, unsaid.
   */
  public enum SinkType {
    /** SLF4J. */
    LOG(),
    /** JSON to any URL (Alertmanager's webhook shape, or a template). */
    WEBHOOK("url", "headers", "template", "timeout"),
    /** Slack incoming webhook (url). */
    SLACK("url", "timeout"),
    /** DingTalk custom robot (token, optional secret). */
    DINGTALK("token", "secret", "url", "timeout"),
    /** WeCom group robot (token = the robot's key). */
    WECOM("token", "url", "timeout"),
    /** Feishu or Lark custom bot (url = the hook URL, optional secret). */
    FEISHU("url", "secret", "timeout"),
    /** E-mail over SMTP (smtp.*). */
    EMAIL("smtp", "timeout"),
    /** Prometheus Alertmanager's v2 API (url = its base URL). */
    ALERTMANAGER("url", "labels", "headers", "timeout");

    private final Set<String> properties;

    SinkType(String... properties) {
      this.properties = Set.of(properties);
    }

    /**
     * Whether a sink of this type uses {@code property}, a key under {@code vigil.alerts.sinks.NAME} as written in
     * kebab case ({@code secret}, {@code smtp.host}); the common ones are not asked about.
     */
    boolean uses(String property) {
      int dot = property.indexOf('.');
      return properties.contains(property) || (dot > 0 && properties.contains(property.substring(0, dot)));
    }
  }

  /** Records {@code key} as given, with {@code value} as it is shown, or as not given when {@code value} is null. */
  private static void give(Map<String, Object> given, String key, @Nullable Object value) {
    if (value == null) {
      given.remove(key);
    } else {
      given.put(key, value);
    }
  }

  /** Records {@code key} as given, its secret {@code value} shown as {@code <hidden>}, or as not given when null. */
  private static void giveSecret(Map<String, Object> given, String key, @Nullable Object value) {
    give(given, key, value == null ? null : "<hidden>");
  }

  /**
   * One sink. Its {@code type} says which of its other properties it uses ({@link SinkType}); a property given that the
   * type does not use fails the start, naming it (each key of a map), the type and the types that use it, with every
   * other such mistake of every sink.
   */
  public static class Sink {
    /**
     * The type-specific properties given (set), by key, with their value as it may be shown (a secret's as
     * {@code <hidden>}): a value given equal to the default counts too.
     */
    private final Map<String, Object> given = new LinkedHashMap<>();

    /**
     * What it sends to. A property of the sink that this type does not use fails the start (type, rate-limit and
     * rate-limit-period are every type's).
     */
    private SinkType type = SinkType.LOG;

    /** Webhook URL, Slack incoming-webhook URL, Feishu/Lark hook URL, Alertmanager base URL, or another DingTalk/WeCom endpoint. */
    private @Nullable URI url;

    /** DingTalk access token or WeCom robot key; never logged nor shown. */
    private @Nullable String token;

    /**
     * DingTalk or Feishu signing secret, left out when the robot does not verify signatures; a blank one fails the start.
     * Never logged nor shown.
     */
    private @Nullable String secret;

    /**
     * Headers of webhook and Alertmanager requests; never logged nor shown. One that could not be sent (Host, a name with a
     * space, a line break in the value), Content-Type (the sink sets it) or a blank value fails the start, named by its key.
     */
    private Map<String, String> headers = new LinkedHashMap<>();

    /** Webhook body template ({{title}}, {{text}}, {{markdown}}, {{status}}, {{severity}}, {{route}}, {{process}}, {{alerts}}). */
    private @Nullable String template;

    /**
     * Labels added to every alert sent to Alertmanager (e.g. instance). A name Alertmanager refuses or one every alert sets
     * itself (alertname, process, severity, anomaly), or an empty value (Alertmanager drops it), fails the start, named by
     * its key.
     */
    private Map<String, String> labels = new LinkedHashMap<>();

    /** Request (or SMTP) timeout. */
    private Duration timeout = Duration.ofSeconds(10);

    /** Notifications allowed per rate-limit-period (default 20). */
    private int rateLimit = 20;

    /** The period of rate-limit. */
    private Duration rateLimitPeriod = Duration.ofMinutes(1);

    /** SMTP settings of an e-mail sink. */
    private Smtp smtp = new Smtp();

    public SinkType getType() {
      return type;
    }

    public void setType(SinkType type) {
      this.type = type;
    }

    public @Nullable URI getUrl() {
      return url;
    }

    public void setUrl(@Nullable URI url) {
      this.url = url;
      giveSecret(given, "url", url);
    }

    public @Nullable String getToken() {
      return token;
    }

    public void setToken(@Nullable String token) {
      this.token = token;
      giveSecret(given, "token", token);
    }

    public @Nullable String getSecret() {
      return secret;
    }

    public void setSecret(@Nullable String secret) {
      this.secret = secret;
      giveSecret(given, "secret", secret);
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
      giveSecret(given, "headers", headers);
    }

    public @Nullable String getTemplate() {
      return template;
    }

    public void setTemplate(@Nullable String template) {
      this.template = template;
      give(given, "template", template);
    }

    public Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
      give(given, "labels", labels);
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
      give(given, "timeout", timeout);
    }

    public int getRateLimit() {
      return rateLimit;
    }

    public void setRateLimit(int rateLimit) {
      this.rateLimit = rateLimit;
    }

    public Duration getRateLimitPeriod() {
      return rateLimitPeriod;
    }

    public void setRateLimitPeriod(Duration rateLimitPeriod) {
      this.rateLimitPeriod = rateLimitPeriod;
    }

    public Smtp getSmtp() {
      return smtp;
    }

    public void setSmtp(Smtp smtp) {
      this.smtp = smtp;
    }

    /** The type-specific properties given, {@code smtp}'s by their keys ({@code smtp.host}), in the order given. */
    Map<String, Object> given() {
      Map<String, Object> all = new LinkedHashMap<>(given);
      smtp.given.forEach((key, value) -> all.put("smtp." + key, value));
      return all;
    }

    @Override
    public String toString() {
      return "Sink{" + type + "}";   // never the token, secret, headers or password
    }
  }

  /** SMTP settings. */
  public static class Smtp {
    /** The settings given, by key, with their value as it may be shown (the password's as {@code <hidden>}). */
    private final Map<String, Object> given = new LinkedHashMap<>();

    /** SMTP host. */
    private @Nullable String host;

    /** SMTP port. */
    private int port = 25;

    /** SMTP user (AUTH when set). */
    private @Nullable String username;

    /** SMTP password; never logged nor shown. */
    private @Nullable String password;

    /** Whether STARTTLS is required. */
    private boolean startTls;

    /** Sender address. */
    private @Nullable String from;

    /** Recipient addresses. */
    private List<String> to = new ArrayList<>();

    public @Nullable String getHost() {
      return host;
    }

    public void setHost(@Nullable String host) {
      this.host = host;
      give(given, "host", host);
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
      give(given, "port", port);
    }

    public @Nullable String getUsername() {
      return username;
    }

    public void setUsername(@Nullable String username) {
      this.username = username;
      give(given, "username", username);
    }

    public @Nullable String getPassword() {
      return password;
    }

    public void setPassword(@Nullable String password) {
      this.password = password;
      giveSecret(given, "password", password);
    }

    public boolean isStartTls() {
      return startTls;
    }

    public void setStartTls(boolean startTls) {
      this.startTls = startTls;
      give(given, "start-tls", startTls);
    }

    public @Nullable String getFrom() {
      return from;
    }

    public void setFrom(@Nullable String from) {
      this.from = from;
      give(given, "from", from);
    }

    public List<String> getTo() {
      return to;
    }

    public void setTo(List<String> to) {
      this.to = to;
      give(given, "to", to);
    }
  }

  /** One route. */
  public static class RouteProperties {
    /** Names of its sinks (keys of vigil.alerts.sinks). */
    private List<String> sinks = new ArrayList<>();

    /** Only alerts at least this severe. */
    private @Nullable SeverityName minSeverity;

    /** Only alerts of these processes. */
    private List<String> processes = new ArrayList<>();

    /** Only alerts with these label values. */
    private Map<String, String> labels = new LinkedHashMap<>();

    /** Whether it takes alerts only by escalation from other routes. */
    private boolean escalationOnly;

    /** Labels its alerts are grouped by. */
    private List<String> groupBy = new ArrayList<>(List.of("process"));

    /** How long a new group waits before its first notification. */
    private Duration groupWait = Duration.ofSeconds(30);

    /** Least time between notifications of a changed group. */
    private Duration groupInterval = Duration.ofMinutes(5);

    /** How often a group firing without change is notified again. */
    private Duration repeatInterval = Duration.ofHours(4);

    /** Route an alert unresolved for escalate-after is handed to as well. */
    private @Nullable String escalateTo;

    /** How long unresolved before escalation. */
    private @Nullable Duration escalateAfter;

    public List<String> getSinks() {
      return sinks;
    }

    public void setSinks(List<String> sinks) {
      this.sinks = sinks;
    }

    public @Nullable SeverityName getMinSeverity() {
      return minSeverity;
    }

    public void setMinSeverity(@Nullable SeverityName minSeverity) {
      this.minSeverity = minSeverity;
    }

    public List<String> getProcesses() {
      return processes;
    }

    public void setProcesses(List<String> processes) {
      this.processes = processes;
    }

    public Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
    }

    public boolean isEscalationOnly() {
      return escalationOnly;
    }

    public void setEscalationOnly(boolean escalationOnly) {
      this.escalationOnly = escalationOnly;
    }

    public List<String> getGroupBy() {
      return groupBy;
    }

    public void setGroupBy(List<String> groupBy) {
      this.groupBy = groupBy;
    }

    public Duration getGroupWait() {
      return groupWait;
    }

    public void setGroupWait(Duration groupWait) {
      this.groupWait = groupWait;
    }

    public Duration getGroupInterval() {
      return groupInterval;
    }

    public void setGroupInterval(Duration groupInterval) {
      this.groupInterval = groupInterval;
    }

    public Duration getRepeatInterval() {
      return repeatInterval;
    }

    public void setRepeatInterval(Duration repeatInterval) {
      this.repeatInterval = repeatInterval;
    }

    public @Nullable String getEscalateTo() {
      return escalateTo;
    }

    public void setEscalateTo(@Nullable String escalateTo) {
      this.escalateTo = escalateTo;
    }

    public @Nullable Duration getEscalateAfter() {
      return escalateAfter;
    }

    public void setEscalateAfter(@Nullable Duration escalateAfter) {
      this.escalateAfter = escalateAfter;
    }
  }

  /** One silence: either starts-at/ends-at, daily-from/daily-to on days in zone, or outside-sessions-of a calendar. */
  public static class SilenceProperties {
    /** Identity. */
    private @Nullable String id;

    /** Label equalities an alert must all meet (e.g. process: quote-feed); empty matches every alert. */
    private Map<String, String> matchers = new LinkedHashMap<>();

    /** Start of a one-off silence (ISO-8601 instant). */
    private @Nullable Instant startsAt;

    /** End of a one-off silence (ISO-8601 instant). */
    private @Nullable Instant endsAt;

    /** Start of a daily silence, local time. */
    private @Nullable LocalTime dailyFrom;

    /** End of a daily silence, local time (before daily-from: past midnight). */
    private @Nullable LocalTime dailyTo;

    /** Days of a daily silence. */
    private Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);

    /** Time zone of a daily silence. */
    private String zone = "UTC";

    /** Name of a trading calendar (vigil.calendars.NAME): silences while it is not in session. */
    private @Nullable String outsideSessionsOf;

    /** Who made it. */
    private String createdBy = "application.yml";

    /** Why. */
    private String comment = "";

    public @Nullable String getOutsideSessionsOf() {
      return outsideSessionsOf;
    }

    public void setOutsideSessionsOf(@Nullable String outsideSessionsOf) {
      this.outsideSessionsOf = outsideSessionsOf;
    }

    public @Nullable String getId() {
      return id;
    }

    public void setId(@Nullable String id) {
      this.id = id;
    }

    public Map<String, String> getMatchers() {
      return matchers;
    }

    public void setMatchers(Map<String, String> matchers) {
      this.matchers = matchers;
    }

    public @Nullable Instant getStartsAt() {
      return startsAt;
    }

    public void setStartsAt(@Nullable Instant startsAt) {
      this.startsAt = startsAt;
    }

    public @Nullable Instant getEndsAt() {
      return endsAt;
    }

    public void setEndsAt(@Nullable Instant endsAt) {
      this.endsAt = endsAt;
    }

    public @Nullable LocalTime getDailyFrom() {
      return dailyFrom;
    }

    public void setDailyFrom(@Nullable LocalTime dailyFrom) {
      this.dailyFrom = dailyFrom;
    }

    public @Nullable LocalTime getDailyTo() {
      return dailyTo;
    }

    public void setDailyTo(@Nullable LocalTime dailyTo) {
      this.dailyTo = dailyTo;
    }

    public Set<DayOfWeek> getDays() {
      return days;
    }

    public void setDays(Set<DayOfWeek> days) {
      this.days = days;
    }

    public String getZone() {
      return zone;
    }

    public void setZone(String zone) {
      this.zone = zone;
    }

    public String getCreatedBy() {
      return createdBy;
    }

    public void setCreatedBy(String createdBy) {
      this.createdBy = createdBy;
    }

    public String getComment() {
      return comment;
    }

    public void setComment(String comment) {
      this.comment = comment;
    }
  }

  /** Retries of failed deliveries. */
  public static class Retry {
    /** Attempts in all (1 = no retry). */
    private int maxAttempts = 4;

    /** Wait before the second attempt. */
    private Duration initialBackoff = Duration.ofSeconds(1);

    /** Growth of the wait. */
    private double multiplier = 2.0;

    /** Longest wait. */
    private Duration maxBackoff = Duration.ofMinutes(1);

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(double multiplier) {
      this.multiplier = multiplier;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }
  }
}
