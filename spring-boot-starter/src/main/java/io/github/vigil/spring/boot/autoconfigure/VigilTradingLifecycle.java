package io.github.vigil.spring.boot.autoconfigure;

import static java.util.Objects.requireNonNull;

import io.github.vigil.calendar.TradingSupervision;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link TradingSupervision} once the processes are registered and the attachments made
 * (one phase after {@link VigilLifecycle}), and closes it, leaving the processes to
 * {@link VigilLifecycle}, one phase before they stop.
 *
 * <p>Thread-safe.
 */
public class VigilTradingLifecycle implements SmartLifecycle {
  private final TradingSupervision trading;
  private final int phase;
  private volatile boolean running;

  /** Runs {@code trading} in {@code phase}: {@code vigil.lifecycle.phase} plus one, normally. */
  public VigilTradingLifecycle(TradingSupervision trading, int phase) {
    this.trading = requireNonNull(trading, "trading");
    this.phase = phase;
  }

  @Override
  public void start() {
    trading.start();
    running = true;
  }

  /** Stops following the calendars for good (a TradingSupervision does not start again). */
  @Override
  public void stop() {
    trading.close();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return phase;
  }
}
