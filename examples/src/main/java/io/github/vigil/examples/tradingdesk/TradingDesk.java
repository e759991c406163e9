package io.github.vigil.examples.tradingdesk;

import io.github.vigil.Backoff;
import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The demo desk, as specs: what a gateway application would register. A supervision tree
 * ({@link #groups}): the group {@value #DESK}, {@code REST_FOR_ONE} over the quote feed and the group
 * {@value #GATEWAYS} ({@code ONE_FOR_ONE}, an order gateway per account), so a crash of the feed
 * restarts the gateways after it; and a comms link in no group, which can never start and reaches
 * its start limit.
 */
public final class TradingDesk {
  private TradingDesk() {}

  /** The top-level group: the quote feed, then the gateways. */
  public static final String DESK = "desk";

  /** The nested group of the order gateways, one per account. */
  public static final String GATEWAYS = "gateways";

  /** The accounts of the demo, one order gateway each. */
  public static final List<String> ACCOUNTS = List.of("001", "002");

  /** The process name of the order gateway of {@code account}. */
  public static String gateway(String account) {
    return "gateway-" + account;
  }

  /**
   * The quote feed, an order gateway per account of {@link #ACCOUNTS}, and the comms link.
   *
   * @param java the java binary children run on
   * @param classpath where the child programs' classes are
   * @param feedLife about how long the quote feed lives before it crashes
   */
  public static List<ProcessSpec> specs(Path java, String classpath, Duration feedLife) {
    List<ProcessSpec> specs = new ArrayList<>();
    specs.add(ProcessSpec.builder("quote-feed")
        .command(java.toString(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", classpath, QuoteFeed.class.getName(),
            Long.toString(feedLife.toMillis()))
        .label("type", "QUOTE").label("venue", "XLON")
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(500)))
            .withStartLimit(12, Duration.ofMinutes(1)))
        .startupGrace(Duration.ofMillis(500))
        .build());
    for (String account : ACCOUNTS) {
      specs.add(ProcessSpec.builder(gateway(account))
          .command(java.toString(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", classpath, OrderGateway.class.getName(), account)
          .label("type", "TRADER").label("account", account)
          .startupGrace(Duration.ofMillis(300))
          .stopTimeout(Duration.ofSeconds(5))
          .build());
    }
    specs.add(ProcessSpec.builder("comms-link")
        .command(java.toString(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", classpath, CommsLink.class.getName())
        .label("type", "COMMUNICATION")
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.exponential(Duration.ofMillis(250), 2.0, Duration.ofSeconds(2)))
            .withStartLimit(3, Duration.ofMinutes(1)))
        .startupGrace(Duration.ofSeconds(1))
        .build());
    return List.copyOf(specs);
  }

  /**
   * The desk's specs with the tree's processes left to their groups ({@code autoStart} off, so
   * {@code startAll()} starts only the comms link) when {@code treeStartedByGroups}.
   */
  public static List<ProcessSpec> specs(Path java, String classpath, Duration feedLife, boolean treeStartedByGroups) {
    List<ProcessSpec> out = new ArrayList<>();
    for (ProcessSpec s : specs(java, classpath, feedLife)) {
      out.add(treeStartedByGroups && !s.name().equals("comms-link") ? s.toBuilder().autoStart(false).build() : s);
    }
    return List.copyOf(out);
  }

  /**
   * The supervision tree, in registration order (the nested group first):
   * <pre>
   * desk      REST_FOR_ONE, at most 15 restarts a minute
   * ├─ quote-feed
   * └─ gateways   ONE_FOR_ONE
   *    ├─ gateway-001
   *    └─ gateway-002
   * </pre>
   */
  public static List<GroupSpec> groups() {
    GroupSpec gateways = GroupSpec.builder(GATEWAYS).strategy(GroupSpec.Strategy.ONE_FOR_ONE)
        .children(ACCOUNTS.stream().map(TradingDesk::gateway).toArray(String[]::new)).build();
    GroupSpec desk = GroupSpec.builder(DESK).strategy(GroupSpec.Strategy.REST_FOR_ONE)
        .intensity(15, Duration.ofMinutes(1)) // the demo's feed crashes every few seconds on purpose
        .children("quote-feed", GATEWAYS).build();
    return List.of(gateways, desk);
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

  /** The desk's schedule on the demo calendar: up {@code lead} before the open, down {@code lag} after the close. */
  public static Schedule deskSchedule(TradingCalendar calendar, Duration lead, Duration lag) {
    return Schedule.inSession(calendar).withLead(lead).withLag(lag);
  }

  /** The java binary of this JVM. */
  public static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }
}
