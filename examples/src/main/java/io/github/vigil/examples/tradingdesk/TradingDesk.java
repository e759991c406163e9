package io.github.vigil.examples.tradingdesk;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.time.Duration;
import java.util.List;

/** The three processes of the demo desk, as specs: what a gateway application would register. */
public final class TradingDesk {
  private TradingDesk() {}

  /**
   * @param java the java binary children run on
   * @param classpath where the child programs' classes are
   * @param feedLife about how long the quote feed lives before it crashes
   */
  public static List<ProcessSpec> specs(Path java, String classpath, Duration feedLife) {
    ProcessSpec quoteFeed = ProcessSpec.builder("quote-feed")
        .command(java.toString(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", classpath, QuoteFeed.class.getName(),
            Long.toString(feedLife.toMillis()))
        .label("type", "QUOTE").label("venue", "XLON")
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(500)))
            .withStartLimit(12, Duration.ofMinutes(1)))
        .startupGrace(Duration.ofMillis(500))
        .build();
    ProcessSpec orderGateway = ProcessSpec.builder("order-gateway")
        .command(java.toString(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", classpath, OrderGateway.class.getName())
        .label("type", "TRADER").label("account", "001")
        .dependsOn("quote-feed")
        .stopTimeout(Duration.ofSeconds(5))
        .build();
    ProcessSpec comms = ProcessSpec.builder("comms-link")
        .command(java.toString(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", classpath, CommsLink.class.getName())
        .label("type", "COMMUNICATION")
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.exponential(Duration.ofMillis(250), 2.0, Duration.ofSeconds(2)))
            .withStartLimit(3, Duration.ofMinutes(1)))
        .startupGrace(Duration.ofSeconds(1))
        .build();
    return List.of(quoteFeed, orderGateway, comms);
  }

  /**
   * The desk's specs with the order gateway left to its schedule ({@code autoStart} off) when
   * {@code gatewayScheduled}.
   */
  public static List<ProcessSpec> specs(Path java, String classpath, Duration feedLife, boolean gatewayScheduled) {
    List<ProcessSpec> specs = new java.util.ArrayList<>(specs(java, classpath, feedLife));
    if (gatewayScheduled) {
      specs.set(1, specs.get(1).toBuilder().autoStart(false).build());
    }
    return List.copyOf(specs);
  }

  /**
   * A short synthetic calendar for the demo: every day trades, with one session {@code demo} that
   * opens {@code opensIn} from {@code now} and lasts {@code length}. Its zone is a fixed offset in
   * which {@code now} is about noon, so the session never crosses midnight. Not a real exchange's.
   */
  public static TradingCalendar demoCalendar(Instant now, Duration opensIn, Duration length) {
    int utcSecond = now.atOffset(ZoneOffset.UTC).toLocalTime().toSecondOfDay();
    int offset = Math.round((43_200 - utcSecond) / 900f) * 900; // a whole quarter hour, within +-12 h
    ZoneOffset zone = ZoneOffset.ofTotalSeconds(offset);
    LocalTime open = LocalTime.ofInstant(now.plus(opensIn), zone).withNano(0);
    LocalTime close = open.plus(length);
    return TradingCalendar.builder("demo").zone(zone).tradingWeekdays(EnumSet.allOf(DayOfWeek.class))
        .session(SessionRule.of("demo", open, close)).build();
  }

  /** The gateway's schedule on the demo calendar: up {@code lead} before the open, down {@code lag} after the close. */
  public static Schedule gatewaySchedule(TradingCalendar calendar, Duration lead, Duration lag) {
    return Schedule.inSession(calendar).withLead(lead).withLag(lag);
  }

  /** The java binary of this JVM. */
  public static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }
}
