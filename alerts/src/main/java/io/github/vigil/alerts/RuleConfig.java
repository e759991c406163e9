package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The alert rules for one process: which types are on, their severities and thresholds. Start from
 * {@link #defaults()} and derive with the {@code with…} methods; {@link AlertRules} keeps one for all
 * processes and overrides per process.
 *
 * <p>Thresholds: CPU in percent of one core (100 = one core busy), either absolute
 * ({@link #withHighCpu(double, Duration)}) or a share of the process's CPU limit
 * ({@link #withHighCpuShare(double, Duration)} with {@link #withCpuLimitPercent(double)}); memory in
 * bytes, absolute ({@link #withHighMemory(long, Duration)}) or a share of its memory limit
 * ({@link #withHighMemoryShare(double, Duration)}), the limit being {@link #withMemoryLimit(long)} or,
 * when not set, the process's own {@code residentMemoryAbove} resource rule (an attachment has none). They apply to
 * attached processes as to supervised ones: {@link Alerting} samples both.
 *
 * <p>Immutable and thread-safe.
 *
 * @param enabled the alert types on
 * @param severities severity per type (types not listed use {@link AlertType#defaultSeverity()})
 * @param notRunningGrace how long a process may be down before NOT_RUNNING fires
 * @param stableAfter how long a run must last before CRASHED resolves
 * @param flappingRestarts FLAPPING fires at more than this many restarts within {@code flappingWindow}
 * @param flappingWindow the window of FLAPPING
 * @param cpuThreshold absolute CPU threshold in percent of one core, or NaN
 * @param cpuShare CPU threshold as a share (0..1] of {@code cpuLimitPercent}, or NaN
 * @param cpuLimitPercent the process's CPU limit in percent of one core (100 × cores it may use)
 * @param cpuFor how long CPU must stay above its threshold
 * @param memoryThreshold absolute resident-memory threshold in bytes, or -1
 * @param memoryShare memory threshold as a share (0..1] of the memory limit, or NaN
 * @param memoryLimit the process's memory limit in bytes, or -1 for its resource rule's
 * @param memoryFor how long memory must stay above its threshold
 */
public record RuleConfig(Set<AlertType> enabled, Map<AlertType, Severity> severities, Duration notRunningGrace,
    Duration stableAfter, int flappingRestarts, Duration flappingWindow, double cpuThreshold, double cpuShare,
    double cpuLimitPercent, Duration cpuFor, long memoryThreshold, double memoryShare, long memoryLimit,
    Duration memoryFor) {

  public RuleConfig {
    enabled = enabled.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(AlertType.class))
        : Collections.unmodifiableSet(EnumSet.copyOf(enabled));
    severities = severities.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(severities));
    positive(notRunningGrace, "notRunningGrace", true);
    positive(stableAfter, "stableAfter", true);
    positive(flappingWindow, "flappingWindow", false);
    positive(cpuFor, "cpuFor", true);
    positive(memoryFor, "memoryFor", true);
    if (flappingRestarts < 1) {
      throw new IllegalArgumentException("flappingRestarts must be at least 1: " + flappingRestarts);
    }
    if (!Double.isNaN(cpuThreshold) && !(cpuThreshold > 0)) {
      throw new IllegalArgumentException("cpuThreshold must be positive: " + cpuThreshold);
    }
    share(cpuShare, "cpuShare");
    share(memoryShare, "memoryShare");
    if (!(cpuLimitPercent > 0)) {
      throw new IllegalArgumentException("cpuLimitPercent must be positive: " + cpuLimitPercent);
    }
    if (memoryThreshold == 0 || memoryThreshold < -1) {
      throw new IllegalArgumentException("memoryThreshold must be positive (or -1 for none): " + memoryThreshold);
    }
    if (memoryLimit == 0 || memoryLimit < -1) {
      throw new IllegalArgumentException("memoryLimit must be positive (or -1 for the resource rule's): " + memoryLimit);
    }
  }

  private static void positive(Duration d, String name, boolean zeroAllowed) {
    requireNonNull(d, name);
    if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? "non-negative" : "positive") + ": " + HumanFormat.duration(d));
    }
  }

  private static void share(double s, String name) {
    if (!Double.isNaN(s) && !(s > 0 && s <= 1)) {
      throw new IllegalArgumentException(name + " must be in (0, 1]: " + s);
    }
  }

  /**
   * Every type on except HIGH_CPU and HIGH_MEMORY (which need thresholds); not running after 30 s,
   * stable after 1 min, flapping at more than 3 restarts in 5 min, CPU limit one core.
   */
  public static RuleConfig defaults() {
    return new RuleConfig(EnumSet.complementOf(EnumSet.of(AlertType.HIGH_CPU, AlertType.HIGH_MEMORY)), Map.of(),
        Duration.ofSeconds(30), Duration.ofMinutes(1), 3, Duration.ofMinutes(5), Double.NaN, Double.NaN, 100,
        Duration.ofMinutes(1), -1, Double.NaN, -1, Duration.ofMinutes(1));
  }

  /** The severity of {@code type}. */
  public Severity severity(AlertType type) {
    return severities.getOrDefault(type, type.defaultSeverity());
  }

  /** Whether {@code type} is on. */
  public boolean isEnabled(AlertType type) {
    return enabled.contains(type);
  }

  /** With {@code type} off. */
  public RuleConfig without(AlertType type) {
    EnumSet<AlertType> e = enabled.isEmpty() ? EnumSet.noneOf(AlertType.class) : EnumSet.copyOf(enabled);
    e.remove(type);
    return new RuleConfig(e, severities, notRunningGrace, stableAfter, flappingRestarts, flappingWindow, cpuThreshold,
        cpuShare, cpuLimitPercent, cpuFor, memoryThreshold, memoryShare, memoryLimit, memoryFor);
  }

  private RuleConfig with(AlertType type) {
    EnumSet<AlertType> e = enabled.isEmpty() ? EnumSet.noneOf(AlertType.class) : EnumSet.copyOf(enabled);
    e.add(type);
    return new RuleConfig(e, severities, notRunningGrace, stableAfter, flappingRestarts, flappingWindow, cpuThreshold,
        cpuShare, cpuLimitPercent, cpuFor, memoryThreshold, memoryShare, memoryLimit, memoryFor);
  }

  /** With {@code type} at {@code severity}. */
  public RuleConfig withSeverity(AlertType type, Severity severity) {
    EnumMap<AlertType, Severity> s = new EnumMap<>(AlertType.class);
    s.putAll(severities);
    s.put(requireNonNull(type, "type"), requireNonNull(severity, "severity"));
    return new RuleConfig(enabled, s, notRunningGrace, stableAfter, flappingRestarts, flappingWindow, cpuThreshold,
        cpuShare, cpuLimitPercent, cpuFor, memoryThreshold, memoryShare, memoryLimit, memoryFor);
  }

  /** NOT_RUNNING after {@code grace} down. */
  public RuleConfig withNotRunningGrace(Duration grace) {
    return new RuleConfig(enabled, severities, grace, stableAfter, flappingRestarts, flappingWindow, cpuThreshold,
        cpuShare, cpuLimitPercent, cpuFor, memoryThreshold, memoryShare, memoryLimit, memoryFor);
  }

  /** CRASHED resolves once a run has lasted {@code stable}. */
  public RuleConfig withStableAfter(Duration stable) {
    return new RuleConfig(enabled, severities, notRunningGrace, stable, flappingRestarts, flappingWindow, cpuThreshold,
        cpuShare, cpuLimitPercent, cpuFor, memoryThreshold, memoryShare, memoryLimit, memoryFor);
  }

  /** FLAPPING at more than {@code restarts} restarts within {@code window}. */
  public RuleConfig withFlapping(int restarts, Duration window) {
    return new RuleConfig(enabled, severities, notRunningGrace, stableAfter, restarts, window, cpuThreshold, cpuShare,
        cpuLimitPercent, cpuFor, memoryThreshold, memoryShare, memoryLimit, memoryFor);
  }

  /** HIGH_CPU on, above {@code percent} of one core for {@code duration}. */
  public RuleConfig withHighCpu(double percent, Duration duration) {
    // NaN is the record's "no threshold": HIGH_CPU on with it (or with infinity) could never fire
    if (!(percent > 0) || Double.isInfinite(percent)) {
      throw new IllegalArgumentException("cpuThreshold must be positive and finite: " + percent);
    }
    return new RuleConfig(enabled, severities, notRunningGrace, stableAfter, flappingRestarts, flappingWindow, percent,
        Double.NaN, cpuLimitPercent, duration, memoryThreshold, memoryShare, memoryLimit, memoryFor).with(AlertType.HIGH_CPU);
  }

  /** HIGH_CPU on, above {@code share} of the CPU limit for {@code duration}. */
  public RuleConfig withHighCpuShare(double share, Duration duration) {
    if (Double.isNaN(share)) {
      throw new IllegalArgumentException("cpuShare must be in (0, 1]: " + share);   // NaN: the record's "no share"
    }
    return new RuleConfig(enabled, severities, notRunningGrace, stableAfter, flappingRestarts, flappingWindow,
        Double.NaN, share, cpuLimitPercent, duration, memoryThreshold, memoryShare, memoryLimit, memoryFor)
        .with(AlertType.HIGH_CPU);
  }

  /** The process's CPU limit, percent of one core (e.g. 200 for two cores). */
  public RuleConfig withCpuLimitPercent(double limit) {
    return new RuleConfig(enabled, severities, notRunningGrace, stableAfter, flappingRestarts, flappingWindow,
        cpuThreshold, cpuShare, limit, cpuFor, memoryThreshold, memoryShare, memoryLimit, memoryFor);
  }

  /** HIGH_MEMORY on, above {@code bytes} resident for {@code duration}. */
  public RuleConfig withHighMemory(long bytes, Duration duration) {
    if (bytes <= 0) {
      // -1 is the record's "no threshold": HIGH_MEMORY on with it could never fire
      throw new IllegalArgumentException("memoryThreshold must be positive: " + bytes);
    }
    return new RuleConfig(enabled, severities, notRunningGrace, stableAfter, flappingRestarts, flappingWindow,
        cpuThreshold, cpuShare, cpuLimitPercent, cpuFor, bytes, Double.NaN, memoryLimit, duration).with(AlertType.HIGH_MEMORY);
  }

  /** HIGH_MEMORY on, above {@code share} of the memory limit for {@code duration}. */
  public RuleConfig withHighMemoryShare(double share, Duration duration) {
    if (Double.isNaN(share)) {
      throw new IllegalArgumentException("memoryShare must be in (0, 1]: " + share);   // NaN: the record's "no share"
    }
    return new RuleConfig(enabled, severities, notRunningGrace, stableAfter, flappingRestarts, flappingWindow,
        cpuThreshold, cpuShare, cpuLimitPercent, cpuFor, -1, share, memoryLimit, duration).with(AlertType.HIGH_MEMORY);
  }

  /** The process's memory limit in bytes (a cgroup's, or what the operator allows). */
  public RuleConfig withMemoryLimit(long bytes) {
    return new RuleConfig(enabled, severities, notRunningGrace, stableAfter, flappingRestarts, flappingWindow,
        cpuThreshold, cpuShare, cpuLimitPercent, cpuFor, memoryThreshold, memoryShare, bytes, memoryFor);
  }

  /** The CPU threshold in percent of one core, NaN when HIGH_CPU has none. */
  double cpuThresholdPercent() {
    return !Double.isNaN(cpuThreshold) ? cpuThreshold : cpuShare * cpuLimitPercent;
  }
}
