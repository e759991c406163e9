package io.github.vigil.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * A 404 for a name the supervisor does not have names those it has, as the CLI does for a process its journal has
 * nothing about: the first 20 and how many more. It said only that there was none by that name, which left a typo
 * ({@code quote_feed} for {@code quote-feed}) to be found by reading the whole listing.
 */
@Timeout(60)
class VigilEndpointUnknownNameTest {

  /** 25 processes (never started) and a group: the first 20 names, in the supervisor's order, and "and 6 more". */
  @Test
  void anUnknownNamesAnswerListsTheFirstTwentyNamesAndHowManyMore() {
    try (Supervisor s = Supervisor.builder().name("names").backend("jdk").build()) {
      for (int i = 1; i <= 25; i++) {
        s.register(ProcessSpec.builder(String.format("feed-%02d", i)).command("sleep", "7340101").autoStart(false).build());
      }
      s.registerGroup(GroupSpec.builder("desk").children("feed-01").build());
      VigilEndpoint endpoint = new VigilEndpoint(s, Set.of(), Duration.ofSeconds(20), 10);

      String listed = "feed-01, feed-02, feed-03, feed-04, feed-05, feed-06, feed-07, feed-08, feed-09, feed-10, feed-11, feed-12, "
          + "feed-13, feed-14, feed-15, feed-16, feed-17, feed-18, feed-19, feed-20";
      assertThat(error(endpoint.process("feed_01", null))).isEqualTo("no process, attachment or group named 'feed_01' is supervised;"
          + " the names it has: " + listed + " and 6 more");
      assertThat(error(endpoint.view("feed_01", "diagnosis"))).isEqualTo("no process named 'feed_01'; the names it has: " + listed
          + " and 5 more");
      assertThat(error(endpoint.command("feed_01", "restart", SecurityContext.NONE))).isEqualTo("no process or group named 'feed_01';"
          + " the names it has: " + listed + " and 6 more");
    }
  }

  /** A supervisor with nothing registered says so. */
  @Test
  void anEmptySupervisorSaysItHasNone() {
    try (Supervisor s = Supervisor.builder().name("empty").backend("jdk").build()) {
      VigilEndpoint endpoint = new VigilEndpoint(s, Set.of(), Duration.ofSeconds(20), 10);
      assertThat(error(endpoint.process("quote-feed", null))).isEqualTo("no process, attachment or group named 'quote-feed' is supervised;"
          + " it has none");
    }
  }

  private static String error(Object answer) {
    assertThat(answer).isInstanceOf(WebEndpointResponse.class);
    WebEndpointResponse<?> response = (WebEndpointResponse<?>) answer;
    assertThat(response.getStatus()).isEqualTo(404);
    return String.valueOf(((Map<?, ?>) response.getBody()).get("error"));
  }
}
