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
 *     .resourceRule(ResourceRule.residentMemoryAbove(512L << 20).failureThreshold(3).interval(Duration.ofSeconds(10)).build())
 *     .resourceRule(ResourceRule.cpuPercentAbove(90).failureThreshold(5).action(HealthCheck.Action.NOTIFY).build())
 *     .build();
 * }</pre>
 *
 * <p>The rule is broken when {@link #failureThreshold()} samples in a row are above the limit. It then
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
 * <p><b>Units.</b> CPU is a percent here (100 = one core), as in {@link ProcessSample#cpuPercent()},
 * the Actuator endpoint and alerts, and each such name says so; the Micrometer binding publishes the
 * same figure as a ratio ({@code vigil.process.cpu.usage}, 1 = one core, base unit {@code ratio}).
 *
 * <p>Immutable and thread-safe; the {@link Builder} is not.
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

    /** A value of this metric as a person reads it: a size ({@link HumanFormat#bytes(long)}), percent, ratio. */
    public String format(double value) {
      switch (this) {
        case RESIDENT_MEMORY:
          return HumanFormat.bytes(Math.round(value));
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
  private final int failureThreshold;
  private final Duration interval;
  private final HealthCheck.Action action;

  private ResourceRule(Builder b) {
    this.name = b.name;
    this.metric = b.metric;
    this.limit = b.limit;
    this.failureThreshold = b.failureThreshold;
    this.interval = b.interval;
    this.action = b.action;
  }

  /** A rule broken when the tree's resident memory stays above {@code bytes}; named {@code memory} unless renamed. */
  public static Builder residentMemoryAbove(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("residentMemoryAbove limit must be positive bytes: " + bytes);
    }
    return new Builder("memory", Metric.RESIDENT_MEMORY, bytes);
  }

  /**
   * A rule broken when the tree's CPU stays above {@code percent}: 100 is one core fully busy, so a
   * tree using several cores may exceed 100 (as {@code top} shows it). Named {@code cpu} unless renamed.
   */
  public static Builder cpuPercentAbove(double percent) {
    if (!(percent > 0) || Double.isInfinite(percent)) {
      throw new IllegalArgumentException("cpuPercentAbove limit must be a positive percentage: " + percent);
    }
    return new Builder("cpu", Metric.CPU_PERCENT, percent);
  }

  /**
   * A rule broken when some member's open descriptors stay above {@code ratio} of its limit
   * ({@code RLIMIT_NOFILE}); named {@code fds} unless renamed.
   */
  public static Builder fdRatioAbove(double ratio) {
    if (!(ratio > 0 && ratio < 1)) {
      throw new IllegalArgumentException("fdRatioAbove limit must be between 0 and 1 (exclusive): " + ratio);
    }
    return new Builder("fds", Metric.FD_RATIO, ratio);
  }

  /** A builder holding this rule's settings, to derive another rule from it. */
  public Builder toBuilder() {
    Builder b = new Builder(name, metric, limit);
    b.failureThreshold = failureThreshold;
    b.interval = interval;
    b.action = action;
    return b;
  }

  /** The rule's name, unique within its process: given, or {@code memory}, {@code cpu} or {@code fds}. */
  public String name() {
    return name;
  }

  /** What the rule limits. */
  public Metric metric() {
    return metric;
  }

  /** The limit, in the metric's unit: bytes, percent, or a ratio. */
  public double limit() {
    return limit;
  }

  /** Samples in a row above the limit that break the rule (as {@link HealthCheck#failureThreshold()} counts failures). */
  public int failureThreshold() {
    return failureThreshold;
  }

  /** Time between samples. */
  public Duration interval() {
    return interval;
  }

  /** What a breach does: {@link HealthCheck.Action#RESTART} (default) or {@link HealthCheck.Action#NOTIFY}. */
  public HealthCheck.Action action() {
    return action;
  }

  @Override
  public String toString() {
    return "ResourceRule{" + name + ": " + metric.label() + " above " + metric.format(limit) + " for "
        + HumanFormat.count(failureThreshold, "sample", "samples") + " every " + HumanFormat.duration(interval) + ", " + action + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceRule r && r.name.equals(name) && r.metric == metric && Double.compare(r.limit, limit) == 0
        && r.failureThreshold == failureThreshold && r.interval.equals(interval) && r.action == action;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, metric, limit, failureThreshold, interval, action);
  }

  /**
   * Builds a {@link ResourceRule}; made by {@link #residentMemoryAbove}, {@link #cpuPercentAbove} or
   * {@link #fdRatioAbove}, with the same setters as {@link HealthCheck.Builder} for what the two share
   * ({@code name}, {@code interval}, {@code failureThreshold}, {@code action}). Setters check their
   * argument at once and name the setting and value they reject; {@link #build()} can be called again.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private String name;
    private final Metric metric;
    private final double limit;
    private int failureThreshold = 3;
    private Duration interval = Duration.ofSeconds(10);
    private HealthCheck.Action action = HealthCheck.Action.RESTART;

    private Builder(String name, Metric metric, double limit) {
      this.name = name;
      this.metric = metric;
      this.limit = limit;
    }

    /** A name for status, events and logs, unique within the process: letters, digits and {@code . _ : / @ -}. */
    public Builder name(String ruleName) {
      if (ruleName == null || !NAME.matcher(ruleName).matches()) {
        throw new IllegalArgumentException(
            "resource rule name must be 1 to 128 letters, digits, '.', '_', ':', '/', '@' or '-': '" + ruleName + "'");
      }
      this.name = ruleName;
      return this;
    }

    /** Samples in a row above the limit that break the rule (default 3); at least 1. */
    public Builder failureThreshold(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("failureThreshold of resource rule '" + name + "' must be at least 1: " + n);
      }
      Limits.atMostMax("failureThreshold of resource rule '" + name + "'", n);
      this.failureThreshold = n;
      return this;
    }

    /** Time between samples (default 10 s); must be positive. */
    public Builder interval(Duration d) {
      requireNonNull(d, "interval");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("interval of resource rule '" + name + "' must be positive: " + HumanFormat.duration(d));
      }
      Limits.atMostMax("interval of resource rule '" + name + "'", d);
      this.interval = d;
      return this;
    }

    /** What a breach does: {@link HealthCheck.Action#RESTART} (default) or {@link HealthCheck.Action#NOTIFY}. */
    public Builder action(HealthCheck.Action a) {
      this.action = requireNonNull(a, "action");
      return this;
    }

    /** The rule. */
    public ResourceRule build() {
      return new ResourceRule(this);
    }

    @Override
    public String toString() {
      return "ResourceRule.Builder{" + name + ", " + metric + " above " + metric.format(limit) + "}";
    }
  }
}
