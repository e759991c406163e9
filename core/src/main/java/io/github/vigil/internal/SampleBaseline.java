package io.github.vigil.internal;

import io.github.vigil.ProcessSample;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The samples that CPU percent is measured from. Several readers sample the same process (the metrics
 * binder every interval, a resource rule, an Actuator request, the application), each at its own moment.
 * Measured from the last sample, a reader would get CPU over the few milliseconds since someone else's
 * read: at the kernel's 10 ms tick, a single spinning thread then showed 2.4 cores. So two samples are
 * kept, at least a second apart, and the next sample is measured from the newer one if it is a second old
 * by then, else from the older one: CPU percent always covers at least one second, whoever asks and how
 * often, and no more than it needs. In a run's first second there is no such sample yet, and CPU percent
 * is absent; a run's second sample has it when it comes a second or more after the first.
 *
 * <p>Immutable; a process keeps the current one in a volatile field.
 *
 * @param older the sample the next one is measured from while {@code newer} is younger than a second;
 *     null until a second sample came a second after the first
 * @param newer the latest sample at least a second after {@code older}
 */
record SampleBaseline(@Nullable ProcessSample older, ProcessSample newer) {
  static final long MIN_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * What a sample of the process taken now ({@code nowNanos}, {@link System#nanoTime()} as samples are stamped) is
   * measured from: the newest kept sample that is a second old; null when none is yet.
   */
  static @Nullable ProcessSample from(@Nullable SampleBaseline b, long nowNanos) {
    if (b == null) {
      return null;
    }
    // the newer one, a second old by now: a run's second sample has CPU percent, and it covers no more than it needs
    return nowNanos - b.newer.monotonicNanos() >= MIN_WINDOW_NANOS ? b.newer : b.older;
  }

  /** The baselines once {@code next} was taken: {@code next} starts anew for another run (pid) or after a vanished one. */
  static SampleBaseline after(@Nullable SampleBaseline b, ProcessSample next) {
    if (b == null || b.newer.vanished() || b.newer.pid() != next.pid()) {
      return new SampleBaseline(null, next);
    }
    if (next.monotonicNanos() - b.newer.monotonicNanos() >= MIN_WINDOW_NANOS) {
      return new SampleBaseline(b.newer, next);
    }
    return b;
  }
}
