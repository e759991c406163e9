package io.github.vigil.alerts;

import java.util.SplittableRandom;

/**
 * Synthetic per-process traces at one sample every 10 s, seeded: CPU with heavy-tailed noise and a
 * busier trading session, a JVM-like resident memory sawtooth with noise and a wandering level,
 * descriptors and threads with jitter and short normal bursts; and the same with one injected anomaly.
 * Used by {@link DetectionQuality}; every number of its results comes from these definitions.
 */
final class TraceGenerator {
  static final double STEP_SECONDS = 10;

  enum Injection { NONE, MEMORY_LEAK, DESCRIPTOR_LEAK, THREAD_LEAK, CPU_SPIKE, MEMORY_SPIKE, DESCRIPTOR_SPIKE, THREAD_SPIKE }

  /** One trace: the series, and where the injected anomaly runs (samples [start, end)). */
  static final class Trace {
    final double[] cpu;
    final double[] rss;
    final double[] fds;
    final double[] threads;
    final Injection injection;
    int start = -1;
    int end = -1;
    String detail = "";

    Trace(int n, Injection injection) {
      cpu = new double[n];
      rss = new double[n];
      fds = new double[n];
      threads = new double[n];
      this.injection = injection;
    }
  }

  /** Student-t with 5 degrees of freedom (heavy tails), scaled to unit-ish spread. */
  static double t5(SplittableRandom r) {
    double z = gaussian(r);
    double chi = 0;
    for (int i = 0; i < 5; i++) {
      double g = gaussian(r);
      chi += g * g;
    }
    return z / Math.sqrt(chi / 5);
  }

  static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A steady trace of {@code n} samples (no injection). */
  static Trace steady(long seed, int n) {
    return generate(seed, n, Injection.NONE);
  }

  static Trace generate(long seed, int n, Injection injection) {
    SplittableRandom r = new SplittableRandom(seed);
    Trace t = new Trace(n, injection);
    double cpuBase = 2 + r.nextDouble() * 78;
    double memLevel = (100 + r.nextDouble() * 3900) * 1024 * 1024;
    double sawAmp = 0.02 + r.nextDouble() * 0.13;
    int sawPeriod = 30 + r.nextInt(270);
    double fdBase = 20 + r.nextInt(780);
    double threadBase = 10 + r.nextInt(290);
    double wander = 0;
    int fdBurst = 0;
    double fdBurstSize = 0;
    int threadBurst = 0;
    double threadBurstSize = 0;
    // injection: after 3 h of warm-up, somewhere in the trace's middle part
    if (injection != Injection.NONE) {
      t.start = 1080 + r.nextInt(Math.max(1, n / 2 - 1080));
      boolean leak = injection == Injection.MEMORY_LEAK || injection == Injection.DESCRIPTOR_LEAK
          || injection == Injection.THREAD_LEAK;
      t.end = leak ? n : t.start + 3 + r.nextInt(28);
    }
    double leakPerHour = 0;
    double spike = 0;
    switch (injection) {
      case MEMORY_LEAK:
        leakPerHour = memLevel * (0.02 + r.nextDouble() * 0.48);
        t.detail = String.format(java.util.Locale.ROOT, "%.1f%%/h", 100 * leakPerHour / memLevel);
        break;
      case DESCRIPTOR_LEAK:
      case THREAD_LEAK:
        leakPerHour = 10 + r.nextDouble() * 190;
        t.detail = String.format(java.util.Locale.ROOT, "%.0f/h", leakPerHour);
        break;
      case CPU_SPIKE:
        spike = Math.max(30, (1.5 + r.nextDouble() * 3.5) * cpuBase);
        break;
      case MEMORY_SPIKE:
        spike = (0.4 + r.nextDouble() * 1.6) * memLevel;
        break;
      case DESCRIPTOR_SPIKE:
        spike = Math.max(40, (0.5 + r.nextDouble() * 2.5) * fdBase);
        break;
      case THREAD_SPIKE:
        spike = Math.max(40, (0.5 + r.nextDouble() * 2.5) * threadBase);
        break;
      default:
        break;
    }
    for (int i = 0; i < n; i++) {
      double hourOfDay = (i * STEP_SECONDS / 3600) % 24;
      // trading session 09:30-16:00 busier, with 10-minute ramps
      double session = ramp(hourOfDay, 9.5, 16.0);
      double cpu = cpuBase * (1 + 0.5 * session) * (1 + 0.15 * t5(r));
      wander = 0.999 * wander + 0.0005 * gaussian(r);
      double saw = sawAmp * ((i % sawPeriod) / (double) sawPeriod);
      double rss = memLevel * (1 + wander + saw + 0.005 * t5(r));
      if (fdBurst == 0 && r.nextInt(2000) == 0) {
        fdBurst = 1 + r.nextInt(20);
        fdBurstSize = 2 + r.nextInt(7);
      }
      double fds = fdBase + r.nextInt(4) - 1.5 + (fdBurst > 0 ? fdBurstSize : 0);
      fdBurst = Math.max(0, fdBurst - 1);
      if (threadBurst == 0 && r.nextInt(3000) == 0) {
        threadBurst = 1 + r.nextInt(10);
        threadBurstSize = 1 + r.nextInt(4);
      }
      double threads = threadBase + r.nextInt(3) - 1 + (threadBurst > 0 ? threadBurstSize : 0);
      threadBurst = Math.max(0, threadBurst - 1);
      if (i >= t.start && t.start >= 0 && i < t.end) {
        double hours = (i - t.start) * STEP_SECONDS / 3600;
        switch (injection) {
          case MEMORY_LEAK:
            rss += leakPerHour * hours;
            break;
          case DESCRIPTOR_LEAK:
            fds += Math.floor(leakPerHour * hours);
            break;
          case THREAD_LEAK:
            threads += Math.floor(leakPerHour * hours);
            break;
          case CPU_SPIKE:
            cpu += spike;
            break;
          case MEMORY_SPIKE:
            rss += spike;
            break;
          case DESCRIPTOR_SPIKE:
            fds += spike;
            break;
          case THREAD_SPIKE:
            threads += spike;
            break;
          default:
            break;
        }
      }
      t.cpu[i] = Math.max(0, cpu);
      t.rss[i] = Math.max(0, rss);
      t.fds[i] = Math.max(0, Math.round(fds));
      t.threads[i] = Math.max(1, Math.round(threads));
    }
    return t;
  }

  /** 1 inside [from, to) hours, 0 outside, linear over 10 minutes at each edge. */
  private static double ramp(double h, double from, double to) {
    double r = 10.0 / 60;
    if (h < from || h >= to + r) {
      return 0;
    }
    if (h < from + r) {
      return (h - from) / r;
    }
    if (h >= to) {
      return 1 - (h - to) / r;
    }
    return 1;
  }
}
