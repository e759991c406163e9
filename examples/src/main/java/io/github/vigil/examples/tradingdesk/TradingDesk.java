package io.github.vigil.examples.tradingdesk;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import java.nio.file.Path;
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

  /** The java binary of this JVM. */
  public static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }
}
