package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import java.time.Duration;

/**
 * At most {@code permits} notifications per {@code per} to one sink, as a token bucket that holds
 * {@code permits} tokens and refills evenly (a chat robot's documented limit, e.g. DingTalk's 20 a
 * minute). A notification over the limit is dropped and counted, never queued behind the limit; the sink is told its
 * group again when the limit allows, as the group stands then (see {@link NotificationPipeline}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param permits tokens of the bucket, at least 1
 * @param per the time in which the bucket refills completely
 */
public record RateLimit(int permits, Duration per) {
  public RateLimit {
    if (permits < 1) {
      throw new IllegalArgumentException("rate limit's permits (notifications per period) must be at least 1: " + permits);
    }
    requireNonNull(per, "per");
    if (per.isNegative() || per.isZero()) {
      throw new IllegalArgumentException("rate limit's period must be positive: " + HumanFormat.duration(per));
    }
  }

  /** As a person reads it: "3 per 1 min 00 s". */
  @Override
  public String toString() {
    return permits == Integer.MAX_VALUE ? "unlimited" : permits + " per " + HumanFormat.duration(per);
  }

  /** No practical limit. */
  public static RateLimit unlimited() {
    return new RateLimit(Integer.MAX_VALUE, Duration.ofNanos(1));
  }

  /** A bucket of this limit, full, at {@code now} (ticker nanoseconds). Not thread-safe. */
  Bucket bucket(long now) {
    return new Bucket(this, now);
  }

  /** The token bucket. Guarded by its owner. */
  static final class Bucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last;

    Bucket(RateLimit limit, long now) {
      this.capacity = limit.permits;
      this.perNano = limit.permits / (double) limit.per.toNanos();
      this.tokens = capacity;
      this.last = now;
    }

    /**
     * Nanoseconds from {@code now} until a token is there ({@link #tryAcquire} would succeed then), zero when one is
     * there now; takes none.
     */
    long nanosUntilToken(long now) {
      double at = Math.min(capacity, tokens + Math.max(0, now - last) * perNano);
      if (at >= 1) {
        return 0;
      }
      long wait = (long) Math.ceil((1 - at) / perNano);
      // the same arithmetic as tryAcquire's, so that it does succeed then (not short of a token by a rounding)
      while (Math.min(capacity, tokens + Math.max(0, now + wait - last) * perNano) < 1) {
        wait++;
      }
      return wait;
    }

    boolean tryAcquire(long now) {
      tokens = Math.min(capacity, tokens + Math.max(0, now - last) * perNano);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
