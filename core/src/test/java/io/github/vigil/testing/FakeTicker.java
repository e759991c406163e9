package io.github.vigil.testing;

import io.github.vigil.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ticker that moves only when told. Thread-safe. Superseded for users by vigil-test's {@code VirtualClock};
 * kept for core's own tests, which cannot depend on vigil-test (it depends on core).
 */
public final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Override
  public long read() {
    return nanos.get();
  }

  public FakeTicker advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    return this;
  }
}
