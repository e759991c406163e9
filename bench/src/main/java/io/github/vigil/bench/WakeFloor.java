package io.github.vigil.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor under {@link IdleLoop}'s figure: what a JVM thread that does nothing but wake once a second costs here
 * (the timer, the scheduler, the JVM's park), in microseconds of its CPU per second of wall time, measured the same
 * way ({@link ThreadMXBean#getThreadCpuTime} over a window after a settle). An event loop that wakes once a second
 * cannot cost less than this.
 *
 * <pre>
 * WakeFloor [settleSeconds] [windowSeconds]     defaults 45 60
 * </pre>
 */
public final class WakeFloor {
  private WakeFloor() {}

  public static void main(String[] args) throws Exception {
    int settle = args.length > 0 ? Integer.parseInt(args[0]) : 45;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
      }
    }, "wake-floor");
    t.setDaemon(true);
    t.start();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    TimeUnit.SECONDS.sleep(settle);
    long before = threads.getThreadCpuTime(t.getId());
    long wall0 = System.nanoTime();
    TimeUnit.SECONDS.sleep(window);
    long after = threads.getThreadCpuTime(t.getId());
    double seconds = (System.nanoTime() - wall0) / 1e9;
    System.out.printf(Locale.ROOT, "floor\ta thread parked 1 s at a time\t%.1f%n", (after - before) / 1e3 / seconds);
    t.interrupt();
  }
}
