package io.github.vigil.journal;

import java.time.Duration;
import java.util.List;

/** What the restart stories' tests compute from the events they heard, as the reports do (also the cli's tests). */
public final class StoryMath {
  private StoryMath() {}

  /** The mean of {@code ds} to the millisecond, rounded as a report's MTTR and mean uptime are; {@code ds} not empty. */
  public static Duration mean(List<Duration> ds) {
    long sum = ds.stream().mapToLong(Duration::toMillis).sum();
    return Duration.ofMillis(Math.round((double) sum / ds.size()));
  }
}
