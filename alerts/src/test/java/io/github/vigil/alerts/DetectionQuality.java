package io.github.vigil.alerts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@link AnomalyDetectors} (default settings) over {@link TraceGenerator} traces: false alarms per
 * process-week on steady traces; detection rate and delay per injected anomaly kind.
 *
 * <p>Full run (writes alerts/quality/RESULTS.md):
 * {@code mvn -pl alerts -am test -Dtest=DetectionQualityTest -Dsurefire.failIfNoSpecifiedTests=false -Dquality.full=true}
 */
final class DetectionQuality {
  static final int WEEK = (int) (5 * 24 * 3600 / TraceGenerator.STEP_SECONDS);   // 5 days of 24 h at 10 s
  static final int DAY = (int) (24 * 3600 / TraceGenerator.STEP_SECONDS);

  record KindResult(TraceGenerator.Injection kind, int cases, int detected, List<Double> delaysSeconds, int falseBefore) {
    double rate() {
      return cases == 0 ? 0 : detected / (double) cases;
    }

    double delayPercentile(double p) {
      if (delaysSeconds.isEmpty()) {
        return Double.NaN;
      }
      List<Double> s = new ArrayList<>(delaysSeconds);
      s.sort(null);
      return s.get(Math.min(s.size() - 1, (int) Math.floor(p * (s.size() - 1) + 0.5)));
    }
  }

  record Result(int steadyWeeks, int falseAlarms, Map<AnomalyKind, Integer> falseByKind, List<KindResult> kinds,
      double nanosPerSample, double cpuNanosPerSample) {
    double falsePerWeek() {
      return falseAlarms / (double) steadyWeeks;
    }
  }

  static AnomalyKind expected(TraceGenerator.Injection i) {
    switch (i) {
      case MEMORY_LEAK:
        return AnomalyKind.MEMORY_LEAK;
      case DESCRIPTOR_LEAK:
        return AnomalyKind.DESCRIPTOR_LEAK;
      case THREAD_LEAK:
        return AnomalyKind.THREAD_LEAK;
      case CPU_SPIKE:
        return AnomalyKind.CPU_SPIKE;
      case MEMORY_SPIKE:
        return AnomalyKind.MEMORY_SPIKE;
      case DESCRIPTOR_SPIKE:
        return AnomalyKind.DESCRIPTOR_SPIKE;
      default:
        return AnomalyKind.THREAD_SPIKE;
    }
  }

  static Result run(long seed, int steadyWeeks, int casesPerKind) {
    Map<AnomalyKind, Integer> falseByKind = new EnumMap<>(AnomalyKind.class);
    int falseAlarms = 0;
    long samples = 0;
    long t0 = System.nanoTime();
    cpuNanos = 0;
    for (int w = 0; w < steadyWeeks; w++) {
      TraceGenerator.Trace t = TraceGenerator.steady(seed * 1_000_003L + w, WEEK);
      List<Anomaly> found = feed(t);
      samples += WEEK;
      for (Anomaly a : found) {
        if (a.active()) {
          falseAlarms++;
          falseByKind.merge(a.kind(), 1, Integer::sum);
        }
      }
    }
    List<KindResult> kinds = new ArrayList<>();
    for (TraceGenerator.Injection inj : TraceGenerator.Injection.values()) {
      if (inj == TraceGenerator.Injection.NONE) {
        continue;
      }
      int detected = 0;
      int falseBefore = 0;
      List<Double> delays = new ArrayList<>();
      for (int c = 0; c < casesPerKind; c++) {
        TraceGenerator.Trace t = TraceGenerator.generate(seed * 7919L + inj.ordinal() * 100_000L + c, DAY, inj);
        List<Anomaly> found = feed(t);
        samples += DAY;
        AnomalyKind want = expected(inj);
        double startS = t.start * TraceGenerator.STEP_SECONDS;
        double endS = (t.end + 2) * TraceGenerator.STEP_SECONDS;
        boolean hit = false;
        for (Anomaly a : found) {
          double at = a.value() == a.value() ? a.at().getEpochSecond() : 0;
          if (!a.active()) {
            continue;
          }
          if (at < startS) {
            falseBefore++;
          } else if (!hit && a.kind() == want && at <= endS) {
            hit = true;
            delays.add(at - startS);
          }
        }
        if (hit) {
          detected++;
        }
      }
      kinds.add(new KindResult(inj, casesPerKind, detected, delays, falseBefore));
    }
    double nanos = (System.nanoTime() - t0) / (double) samples;
    return new Result(steadyWeeks, falseAlarms, falseByKind, kinds, nanos, cpuNanos / (double) samples);
  }

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
  private static long cpuNanos;

  /** Feeds a trace; anomalies are stamped with the sample's second (epoch origin 0). Counts the feeding thread's CPU time. */
  static List<Anomaly> feed(TraceGenerator.Trace t) {
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    List<Anomaly> found = new ArrayList<>();
    AnomalyDetectors d = new AnomalyDetectors(AnomalySettings.defaults(), found::add);
    double memLimit = 8.0 * 1024 * 1024 * 1024;
    for (int i = 0; i < t.cpu.length; i++) {
      double s = i * TraceGenerator.STEP_SECONDS;
      d.onValues("p", s, Instant.ofEpochSecond((long) s), t.cpu[i], t.rss[i], t.fds[i], t.threads[i], 65536, memLimit, -1);
    }
    cpuNanos += THREADS.getCurrentThreadCpuTime() - cpu0;
    return found;
  }

  static String markdown(Result r, long seed, String command) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Anomaly detection quality\n\n");
    sb.append("Generated traces (`TraceGenerator`, one sample every 10 s), default `AnomalySettings`, seed ").append(seed)
        .append(".\n\nCommand: `").append(command).append("`\n\n");
    sb.append("## False alarms on noisy steady traces\n\n");
    sb.append(String.format(Locale.ROOT, "%d process-weeks (5 days x 24 h = %,d samples each): %d false alarms, %.3f per process-week.%n%n",
        r.steadyWeeks(), WEEK, r.falseAlarms(), r.falsePerWeek()));
    if (!r.falseByKind().isEmpty()) {
      sb.append("By kind: ").append(r.falseByKind()).append("\n\n");
    }
    sb.append("## Injected anomalies (one per 1-day trace, after at least 3 h of normal behaviour)\n\n");
    sb.append("| kind | cases | detected | rate | delay median | delay p95 | false alarms before the injection |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (KindResult k : r.kinds()) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f %% | %s | %s | %d |%n", k.kind(), k.cases(), k.detected(),
          100 * k.rate(), human(k.delayPercentile(0.5)), human(k.delayPercentile(0.95)), k.falseBefore()));
    }
    sb.append(String.format(Locale.ROOT, "%nWall time of this run: %.0f ns per sample, trace generation included "
        + "(the JMH benchmark DetectorBenchmark measures each detector alone).%n", r.nanosPerSample()));
    sb.append(String.format(Locale.ROOT, "CPU time of the feeding thread in the detectors alone (ThreadMXBean, not inflated by other "
        + "processes' load): %.0f ns per sample for the 7 detectors of a process, %.0f ns per detector.%n", r.cpuNanosPerSample(),
        r.cpuNanosPerSample() / 7));
    return sb.toString();
  }

  private static String human(double seconds) {
    return Double.isNaN(seconds) ? "-" : io.github.vigil.HumanFormat.duration(java.time.Duration.ofSeconds((long) seconds));
  }

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
