package io.github.vigil.alerts;

import io.github.vigil.HumanFormat;
import static java.util.Objects.requireNonNull;

import io.github.vigil.ProcessSample;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Online anomaly detection per process, in constant memory per series: leaks of resident memory,
 * descriptors and threads ({@link TrendDetector}, with a projection to the limit), spikes of CPU,
 * memory, descriptors and threads against the process's own recent behaviour
 * ({@link SpikeDetector}), zombies accumulating under it, and a restart rate unusual for it. Each
 * start and end of an anomaly goes to the consumer as an {@link Anomaly} (an {@link AlertEvaluator}
 * makes ANOMALY alerts of them).
 *
 * <p>Not thread-safe: feed it from one thread ({@link Alerting} feeds it from its sampling thread and
 * its event listener under one lock).
 */
public final class AnomalyDetectors {
  private final AnomalySettings settings;
  private final Consumer<Anomaly> out;
  private final Map<String, PerProcess> processes = new HashMap<>();

  private final class PerProcess {
    final String name;
    final SpikeDetector cpu = settings.spike(3, 0.05);
    final SpikeDetector memory = settings.spike(4 * 1024 * 1024, 0.01);
    final SpikeDetector fds = settings.spike(4, 0.02);
    final SpikeDetector threads = settings.spike(4, 0.02);
    final TrendDetector memoryTrend = settings.trend(settings.memoryMinGrowth(), settings.relativeGrowth());
    final TrendDetector fdTrend = settings.trend(settings.countMinGrowth(), 0.02);
    final TrendDetector threadTrend = settings.trend(settings.countMinGrowth(), 0.02);
    int zombieRun;
    long lastZombies = -1;
    boolean zombiesActive;
    final double[] restarts = new double[64];   // times (s) of the last restarts, a ring
    int restartHead;
    int restartCount;
    long restartTotal;
    double firstSeen = Double.NaN;
    boolean restartActive;

    PerProcess(String name) {
      this.name = name;
    }
  }

  /** Detectors with {@code settings}, reporting to {@code out}. */
  public AnomalyDetectors(AnomalySettings settings, Consumer<Anomaly> out) {
    this.settings = requireNonNull(settings, "settings");
    this.out = requireNonNull(out, "out");
  }

  /**
   * A sample of {@code process}.
   *
   * @param seconds monotonic time of the sample in seconds (any origin)
   * @param at its wall-clock time, for the anomaly
   * @param memoryLimit the process's memory limit in bytes for the leak's projection, or NaN
   */
  public void onSample(String process, ProcessSample sample, double seconds, Instant at, double memoryLimit) {
    if (sample.vanished()) {
      return;
    }
    onValues(process, seconds, at, sample.get(ProcessSample.Field.CPU_PERCENT), sample.get(ProcessSample.Field.MEMORY_RESIDENT),
        sample.get(ProcessSample.Field.OPEN_FDS), sample.get(ProcessSample.Field.THREADS),
        sample.get(ProcessSample.Field.FD_LIMIT), memoryLimit,
        sample.has(ProcessSample.Field.ZOMBIE_CHILDREN) ? sample.zombieChildren().size() : -1);
  }

  /** The values of one sample (NaN where absent; zombies -1 where absent). */
  void onValues(String process, double seconds, Instant at, double cpu, double rss, double fds, double threads,
      double fdLimit, double memoryLimit, long zombies) {
    PerProcess p = processes.computeIfAbsent(process, PerProcess::new);
    if (Double.isNaN(p.firstSeen)) {
      p.firstSeen = seconds;
    }
    spike(p, AnomalyKind.CPU_SPIKE, p.cpu, cpu, at, v -> String.format(Locale.ROOT, "%.1f%%", v));
    spike(p, AnomalyKind.MEMORY_SPIKE, p.memory, rss, at, v -> HumanFormat.bytes(Math.round(v)));
    spike(p, AnomalyKind.DESCRIPTOR_SPIKE, p.fds, fds, at, HumanFormat::number);
    spike(p, AnomalyKind.THREAD_SPIKE, p.threads, threads, at, HumanFormat::number);
    trend(p, AnomalyKind.MEMORY_LEAK, p.memoryTrend, seconds, rss, memoryLimit, at, "resident memory", true);
    trend(p, AnomalyKind.DESCRIPTOR_LEAK, p.fdTrend, seconds, fds, fdLimit, at, "open descriptors", false);
    trend(p, AnomalyKind.THREAD_LEAK, p.threadTrend, seconds, threads, Double.NaN, at, "threads", false);
    if (zombies >= 0) {
      zombies(p, zombies, at);
    }
    if (p.restartCount > 0) {
      restartRate(p, seconds, at);
    }
  }

  /** A restart of {@code process} at {@code seconds} (monotonic). */
  public void onRestart(String process, double seconds, Instant at) {
    PerProcess p = processes.computeIfAbsent(process, PerProcess::new);
    if (Double.isNaN(p.firstSeen)) {
      p.firstSeen = seconds;
    }
    p.restarts[p.restartHead] = seconds;
    p.restartHead = (p.restartHead + 1) % p.restarts.length;
    p.restartCount = Math.min(p.restartCount + 1, p.restarts.length);
    p.restartTotal++;
    restartRate(p, seconds, at);
  }

  /** Forgets a process (removed or detached). */
  public void forget(String process) {
    processes.remove(process);
  }

  private void spike(PerProcess p, AnomalyKind kind, SpikeDetector d, double v, Instant at,
      java.util.function.DoubleFunction<String> fmt) {
    SpikeDetector.Change c = d.add(v);
    if (c == SpikeDetector.Change.STARTED) {
      out.accept(new Anomaly(p.name, kind, true, label(kind) + " " + fmt.apply(v) + " against a usual " + fmt.apply(d.median())
          + String.format(Locale.ROOT, " (robust z %.1f)", d.lastScore()), v, at));
    } else if (c == SpikeDetector.Change.ENDED) {
      out.accept(new Anomaly(p.name, kind, false, label(kind) + " back to " + fmt.apply(v), v, at));
    }
  }

  private static String label(AnomalyKind k) {
    switch (k) {
      case CPU_SPIKE:
        return "CPU";
      case MEMORY_SPIKE:
        return "resident memory";
      case DESCRIPTOR_SPIKE:
        return "open descriptors";
      default:
        return "threads";
    }
  }

  private void trend(PerProcess p, AnomalyKind kind, TrendDetector d, double seconds, double v, double limit, Instant at,
      String what, boolean bytes) {
    SpikeDetector.Change c = d.add(seconds, v);
    if (c == SpikeDetector.Change.STARTED) {
      out.accept(new Anomaly(p.name, kind, true, leakSummary(what, d.slopePerSecond(), v, limit, bytes), v, at));
    } else if (c == SpikeDetector.Change.ENDED) {
      out.accept(new Anomaly(p.name, kind, false, what + " no longer growing", v, at));
    }
  }

  /** "resident memory +12.0 MiB/h; reaches its 4.00 GiB limit in about 3 h 20 min". */
  static String leakSummary(String what, double perSecond, double current, double limit, boolean bytes) {
    double perHour = perSecond * 3600;
    String rate = (bytes ? HumanFormat.bytes(Math.round(perHour)) : HumanFormat.number(perHour)) + "/h";
    StringBuilder sb = new StringBuilder(what).append(" +").append(rate);
    if (!Double.isNaN(limit) && limit > current && perSecond > 0) {
      long secondsLeft = (long) ((limit - current) / perSecond);
      long rounded = secondsLeft >= 3600 ? secondsLeft / 600 * 600 : secondsLeft >= 600 ? secondsLeft / 60 * 60 : secondsLeft;
      sb.append("; reaches ").append(bytes ? "its " + HumanFormat.bytes(Math.round(limit)) + " limit" : "its limit of " + HumanFormat.number(limit))
          .append(" in about ").append(HumanFormat.duration(Duration.ofSeconds(rounded)));
    } else if (!Double.isNaN(limit) && limit <= current) {
      sb.append("; at its limit");
    }
    return sb.toString();
  }

  /** The restart rate is judged once a process has been seen this long: the last hour, and one before it. */
  static final double RESTART_BASELINE_SECONDS = 2 * 3600;

  private void zombies(PerProcess p, long z, Instant at) {
    if (z >= settings.zombieThreshold() && z >= p.lastZombies) {
      p.zombieRun++;
    } else if (z < settings.zombieThreshold() || z < p.lastZombies) {
      p.zombieRun = 0;
    }
    p.lastZombies = z;
    if (!p.zombiesActive && p.zombieRun >= settings.zombieSamples()) {
      p.zombiesActive = true;
      out.accept(new Anomaly(p.name, AnomalyKind.ZOMBIES, true, z + " unreaped zombie children, not decreasing for "
          + p.zombieRun + " samples", z, at));
    } else if (p.zombiesActive && z < settings.zombieThreshold()) {
      p.zombiesActive = false;
      out.accept(new Anomaly(p.name, AnomalyKind.ZOMBIES, false, z + " zombie children", z, at));
    }
  }

  private void restartRate(PerProcess p, double now, Instant at) {
    if (!p.restartActive && now - p.firstSeen < RESTART_BASELINE_SECONDS) {
      return; // no usual rate yet: an hour seen before the last one (it fired a second after a process was first seen)
    }
    int lastHour = 0;
    for (int i = 0; i < p.restartCount; i++) {
      if (now - p.restarts[i] <= 3600) {
        lastHour++;
      }
    }
    double observedHours = Math.max(1, (now - p.firstSeen) / 3600 - 1); // the hours before the last one
    double usual = Math.max(0, p.restartTotal - lastHour) / observedHours;
    boolean unusual = lastHour >= settings.restartMin() && lastHour > settings.restartFactor() * usual + 3 * Math.sqrt(usual);
    if (unusual && !p.restartActive) {
      p.restartActive = true;
      out.accept(new Anomaly(p.name, AnomalyKind.RESTART_RATE, true, lastHour + " restarts in the last hour against a usual "
          + String.format(Locale.ROOT, "%.2f", usual) + " per hour", lastHour, at));
    } else if (!unusual && p.restartActive && lastHour < settings.restartMin()) {
      p.restartActive = false;
      out.accept(new Anomaly(p.name, AnomalyKind.RESTART_RATE, false, lastHour + " restarts in the last hour", lastHour, at));
    }
  }
}
