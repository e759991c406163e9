package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A limit on what a process may use, checked on samples of its process tree (the process and its
 * living descendants, summed) from the backend's {@link io.github.vigil.spi.ProcessSampler}: resident
 * memory (PM2's {@code max_memory_restart}), CPU (monit's {@code if cpu > 90% for 5 cycles}) or the
 * open-descriptor ratio of its worst member.
 *
 * <pre>{@code
 * ProcessSpec.builder("quote-feed").command("/opt/feed")
 *     .resourceRule(ResourceRule.residentMemoryAbove(512L << 20).forSamples(3).every(Duration.ofSeconds(10)))
 *     .resourceRule(ResourceRule.cpuAbove(90).forSamples(5).onViolation(HealthCheck.Action.NOTIFY))
 *     .build();
 * }</pre>
 *
 * <p>The rule is broken when {@link #samples()} samples in a row are above the limit. It then
 * publishes a {@link SupervisorEvent.ResourceLimitExceeded} and, with {@link HealthCheck.Action#RESTART}
 * (the default), stops the run like any stop; the run ends with {@link ExitCause#RESOURCE_LIMIT} and
 * the restart policy and its start limit decide what follows. A rule does not change the process's
 * {@link HealthState}. Each sample's result is kept in {@link HealthReport#rules()}, with the rule's
 * {@linkplain HealthReport.Rule#state() state} (WITHIN, ABOVE, BREACHED). The first sample within the
 * limit after a breach, in the same run or the next, publishes a
 * {@link SupervisorEvent.ResourceLimitRecovered} saying how long the breach lasted.
 *
 * <p>Samples are read on the health threads (see {@link HealthCheck}). A figure the sampler cannot
 * read (the portable JDK sampler has CPU only; memory and descriptors need the Linux one) leaves the
 * rule inactive, said once in the log and in each result's message; it is never taken as zero. CPU
 * percent needs two samples, so a CPU rule counts from its second sample on.
 *
 * <p>Immutable and thread-safe.
 */
public final class ResourceRule {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");

  /** What a rule limits. */
  public enum Metric {
    /** Resident memory of the tree, bytes ({@link ProcessSample.Field#MEMORY_RESIDENT}). */
    RESIDENT_MEMORY("resident memory"),
    /** CPU of the tree since the previous sample, 100 = one core ({@link ProcessSample.Field#CPU_PERCENT}). */
    CPU_PERCENT("CPU"),
    /** The highest open/limit descriptor ratio of any member, 0 to 1 ({@link ProcessSample.Field#WORST_FD_RATIO}). */
    FD_RATIO("open-descriptor ratio");

    private final String label;

    Metric(String label) {
      this.label = label;
    }

    /** How messages name it. */
    public String label() {
      return label;
    }

    /** The sample field the metric is read from. */
    public ProcessSample.Field field() {
      switch (this) {
        case RESIDENT_MEMORY:
          return ProcessSample.Field.MEMORY_RESIDENT;
        case CPU_PERCENT:
          return ProcessSample.Field.CPU_PERCENT;
        default:
          return ProcessSample.Field.WORST_FD_RATIO;
      }
    }

    /** A value of this metric as a person reads it: MiB, percent, ratio. */
    public String format(double value) {
      switch (this) {
        case RESIDENT_MEMORY:
          return String.format(Locale.ROOT, "%.1f MiB", value / (1024.0 * 1024.0));
        case CPU_PERCENT:
          return String.format(Locale.ROOT, "%.1f%%", value);
        default:
          return String.format(Locale.ROOT, "%.3f", value);
      }
    }
  }

  private final String name;
  private final Metric metric;
  private final double limit;
  private final int samples;
  private final Duration interval;
  private final HealthCheck.Action action;

  private ResourceRule(String name, Metric metric, double limit, int samples, Duration interval, HealthCheck.Action action) {
    this.name = name;
    this.metric = metric;
    this.limit = limit;
    this.samples = samples;
    this.interval = interval;
    this.action = action;
  }

  /** Broken when the tree's resident memory stays above {@code bytes}. */
  public static ResourceRule residentMemoryAbove(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("residentMemoryAbove limit must be positive bytes: " + bytes);
    }
    return new ResourceRule("memory", Metric.RESIDENT_MEMORY, bytes, 3, Duration.ofSeconds(10), HealthCheck.Action.RESTART);
  }

  /** Broken when the tree's CPU stays above {@code percent} (100 = one core; may exceed 100 on several cores). */
  public static ResourceRule cpuAbove(double percent) {
    if (!(percent > 0) || Double.isInfinite(percent)) {
      throw new IllegalArgumentException("cpuAbove limit must be a positive percentage: " + percent);
    }
    return new ResourceRule("cpu", Metric.CPU_PERCENT, percent, 3, Duration.ofSeconds(10), HealthCheck.Action.RESTART);
  }

  /** Broken when some member's open descriptors stay above {@code ratio} of its limit ({@code RLIMIT_NOFILE}). */
  public static ResourceRule fdRatioAbove(double ratio) {
    if (!(ratio > 0 && ratio < 1)) {
      throw new IllegalArgumentException("fdRatioAbove limit must be between 0 and 1 (exclusive): " + ratio);
    }
    return new ResourceRule("fds", Metric.FD_RATIO, ratio, 3, Duration.ofSeconds(10), HealthCheck.Action.RESTART);
  }

  /** The same rule under another name (unique within the process): letters, digits and {@code . _ : / @ -}. */
  public ResourceRule named(String ruleName) {
    if (ruleName == null || !NAME.matcher(ruleName).matches()) {
      throw new IllegalArgumentException(
          "resource rule name must be 1 to 128 letters, digits, '.', '_', ':', '/', '@' or '-': '" + ruleName + "'");
    }
    return new ResourceRule(ruleName, metric, limit, samples, interval, action);
  }

  /** The same rule, broken after {@code n} samples in a row above the limit (default 3); at least 1. */
  public ResourceRule forSamples(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("samples of resource rule '" + name + "' must be at least 1: " + n);
    }
    Limits.atMostMax("samples of resource rule '" + name + "'", n);
    return new ResourceRule(name, metric, limit, n, interval, action);
  }

  /** The same rule, sampled every {@code d} (default 10 s); must be positive. */
  public ResourceRule every(Duration d) {
    requireNonNull(d, "interval");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("interval of resource rule '" + name + "' must be positive: " + d);
    }
    Limits.atMostMax("interval of resource rule '" + name + "'", d);
    return new ResourceRule(name, metric, limit, samples, d, action);
  }

  /** The same rule with another action: {@link HealthCheck.Action#RESTART} (default) or {@link HealthCheck.Action#NOTIFY}. */
  public ResourceRule onViolation(HealthCheck.Action a) {
    return new ResourceRule(name, metric, limit, samples, interval, requireNonNull(a, "onViolation"));
  }

  public String name() {
    return name;
  }

  public Metric metric() {
    return metric;
  }

  /** The limit, in the metric's unit: bytes, percent, or a ratio. */
  public double limit() {
    return limit;
  }

  /** Samples in a row above the limit that break the rule. */
  public int samples() {
    return samples;
  }

  /** Time between samples. */
  public Duration interval() {
    return interval;
  }

  public HealthCheck.Action action() {
    return action;
  }

  @Override
  public String toString() {
    return "ResourceRule{" + name + ": " + metric.label() + " above " + metric.format(limit) + " for " + samples
        + " sample(s) every " + HumanFormat.duration(interval) + ", " + action + "}";
  }
}
