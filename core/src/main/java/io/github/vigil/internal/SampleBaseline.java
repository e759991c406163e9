package io.github.vigil.internal;

import io.github.vigil.ProcessSample;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * When a sample becomes the baseline that the next CPU percent is measured from. Several readers
 * sample the same process (the metrics binder every interval, an Actuator request, the application):
 * if each replaced the baseline, a reader would measure CPU over the milliseconds since someone
 * else's read. The baseline is therefore kept for at least a second, so CPU percent always covers
 * one to two seconds or more, whoever asks and how often.
 */
final class SampleBaseline {
  static final long MIN_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  private SampleBaseline() {}

  static boolean shouldReplace(@Nullable ProcessSample baseline, ProcessSample next) {
    return baseline == null || baseline.vanished() || baseline.pid() != next.pid()
        || next.monotonicNanos() - baseline.monotonicNanos() >= MIN_WINDOW_NANOS;
  }
}
