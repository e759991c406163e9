package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings of health checks: defaults, and every invalid one rejected with its field and value. */
class HealthCheckTest {

  @Test
  void zeroOrNegativeIntervalIsRejectedNamingFieldAndValue() {
    assertThatThrownBy(() -> HealthCheck.tcp("localhost", 80).interval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("interval of health check 'tcp:localhost:80' must be positive: 0 ns");
    assertThatThrownBy(() -> HealthCheck.tcp("localhost", 80).interval(Duration.ofSeconds(-1)))
        .hasMessageContaining("interval").hasMessageContaining("-1.00 s");
    assertThatThrownBy(() -> HealthCheck.tcp("localhost", 80).timeout(Duration.ZERO)).hasMessageContaining("timeout").hasMessageContaining("0 ns");
  }

  /**
   * A header the JDK's HTTP client refuses failed every check of the process (at HttpRequest.Builder.header, the value
   * in the JDK's message): refused when given, naming the check and the header, never the value. A good one is kept.
   */
  @Test
  void aHeaderTheJdkRefusesIsRefusedWhenGivenWithoutItsValue() {
    String secret = "tok-9f3e";
    assertThatThrownBy(() -> HealthCheck.http("http://localhost:8080/health").header("Host", secret))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("header of health check 'http:localhost:8080/health' 'Host' is "
            + "refused by the JDK's HTTP client (restricted header name: \"Host\")");
    assertThatThrownBy(() -> HealthCheck.http("http://localhost:8080/health").header("X Token", secret))
        .hasMessage("header of health check 'http:localhost:8080/health' 'X Token' is refused by the JDK's HTTP client "
            + "(invalid header name: \"X Token\")");
    assertThatThrownBy(() -> HealthCheck.http("http://localhost:8080/health").header("X-Token", secret + "\r\nX-Other: 1"))
        .hasMessage("header of health check 'http:localhost:8080/health' 'X-Token' has a value the JDK's HTTP client refuses "
            + "(a line break or another control character)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
    HealthCheck ok = HealthCheck.http("http://localhost:8080/health").header("Authorization", "Bearer " + secret).build();
    assertThat(((HealthCheck.Probe.Http) ok.probe()).headers()).containsEntry("Authorization", "Bearer " + secret);
  }

  /**
   * A blank header value, most likely a variable that was not set ({@code Bearer ${TOKEN:}} is not blank, but
   * {@code ${AUTH:}} is): every check was sent with it, refused by the server, and the process counted unhealthy. The
   * alert sinks refuse it too.
   */
  @Test
  void aBlankHeaderValueIsRefused() {
    assertThatThrownBy(() -> HealthCheck.http("http://localhost:8080/health").header("Authorization", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header of health check 'http:localhost:8080/health' 'Authorization' must not have a blank value: it is empty");
    assertThatThrownBy(() -> HealthCheck.http("http://localhost:8080/health").header("Authorization", "  "))
        .hasMessage("header of health check 'http:localhost:8080/health' 'Authorization' must not have a blank value: it is 2 "
            + "whitespace characters");
  }

  @Test
  void timeoutAboveIntervalIsRejected() {
    assertThatThrownBy(() -> HealthCheck.http("http://localhost:8080/health").name("web").interval(Duration.ofSeconds(2))
        .timeout(Duration.ofSeconds(3)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout of health check 'web' must not exceed its interval of 2.00 s: 3.00 s");
    // equal is fine, and the default timeout shrinks to a short interval
    assertThat(HealthCheck.processAlive().interval(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(2)).build().timeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(HealthCheck.processAlive().interval(Duration.ofMillis(500)).build().timeout()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void thresholdsBelowOneAreRejected() {
    assertThatThrownBy(() -> HealthCheck.processAlive().failureThreshold(0))
        .hasMessage("failureThreshold of health check 'alive' must be at least 1: 0");
    assertThatThrownBy(() -> HealthCheck.processAlive().successThreshold(-3))
        .hasMessage("successThreshold of health check 'alive' must be at least 1: -3");
  }

  @Test
  void negativeStartPeriodAndInitialDelayAreRejected() {
    assertThatThrownBy(() -> HealthCheck.processAlive().startPeriod(Duration.ofMillis(-1))).hasMessageContaining("startPeriod")
        .hasMessageContaining("-1.00 ms");
    assertThatThrownBy(() -> HealthCheck.processAlive().initialDelay(Duration.ofMillis(-5))).hasMessageContaining("initialDelay")
        .hasMessageContaining("-5.00 ms");
  }

  @Test
  void malformedUrlsAreRejectedNamingTheUrl() {
    assertThatThrownBy(() -> HealthCheck.http("http://local host:80/x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("http health check url is malformed: 'http://local host:80/x'");
    assertThatThrownBy(() -> HealthCheck.http("ftp://example.com/")).hasMessage("http health check url must use http or https: 'ftp://example.com/'");
    assertThatThrownBy(() -> HealthCheck.http("/health")).hasMessage("http health check url must use http or https: '/health'");
    assertThatThrownBy(() -> HealthCheck.http("http:///health")).hasMessage("http health check url must name a host: 'http:///health'");
  }

  @Test
  void tcpTargetsAndExecCommandsAreChecked() {
    assertThatThrownBy(() -> HealthCheck.tcp("localhost", 0)).hasMessage("tcp health check port must be 1 to 65535: 0");
    assertThatThrownBy(() -> HealthCheck.tcp("localhost", 70000)).hasMessage("tcp health check port must be 1 to 65535: 70000");
    assertThatThrownBy(() -> HealthCheck.tcp(" ", 80)).hasMessage("tcp health check host must not be blank: ' '");
    assertThatThrownBy(() -> HealthCheck.exec(List.of())).hasMessage("exec health check command must name a program: []");
    // an empty program is shown quoted, not as [] (a black-box run)
    assertThatThrownBy(() -> HealthCheck.exec("")).hasMessage("exec health check command must name a program: [\"\"]");
    assertThatThrownBy(() -> HealthCheck.exec("check", "a\0b")).hasMessageContaining("invalid argument");
  }

  @Test
  void httpOnlySettingsAndStatusRangesAreChecked() {
    assertThatThrownBy(() -> HealthCheck.tcp("localhost", 80).expectStatus(200, 299)).isInstanceOf(IllegalStateException.class)
        .hasMessage("expectStatus applies to http checks; 'tcp:localhost:80' is a tcp check");
    assertThatThrownBy(() -> HealthCheck.http("http://h/").expectStatus(99, 200)).hasMessageContaining("min").hasMessageContaining(": 99");
    assertThatThrownBy(() -> HealthCheck.http("http://h/").expectStatus(300, 200)).hasMessageContaining("max").hasMessageContaining(": 200");
    assertThatThrownBy(() -> HealthCheck.http("http://h/").expectBodyContaining("")).hasMessageContaining("expectBodyContaining");
  }

  @Test
  void readinessChecksNeverRestart() {
    HealthCheck ready = HealthCheck.processAlive().role(HealthCheck.Role.READINESS).build();
    assertThat(ready.action()).isEqualTo(HealthCheck.Action.NOTIFY);
    assertThatThrownBy(() -> HealthCheck.processAlive().name("ready").role(HealthCheck.Role.READINESS)
        .action(HealthCheck.Action.RESTART).build())
        .hasMessageStartingWith("action of readiness check 'ready' must be NOTIFY, not RESTART");
  }

  @Test
  void namesAreCheckedAndUniqueWithinAProcess() {
    assertThatThrownBy(() -> HealthCheck.processAlive().name("has space")).hasMessageContaining("'has space'");
    assertThatThrownBy(() -> ProcessSpec.builder("p").command("x").healthCheck(HealthCheck.tcp("h", 1).build())
        .healthCheck(HealthCheck.tcp("h", 1).build()))
        .hasMessageContaining("healthCheck names of 'p' must be unique: 'tcp:h:1'");
  }

  @Test
  void defaultsFollowKubernetesAndDocker() {
    HealthCheck c = HealthCheck.http("https://feed.local:8443/health?deep=1").build();
    assertThat(c.name()).isEqualTo("http:feed.local:8443/health");
    assertThat(c.role()).isEqualTo(HealthCheck.Role.LIVENESS);
    assertThat(c.action()).isEqualTo(HealthCheck.Action.RESTART);
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.failureThreshold()).isEqualTo(3);
    assertThat(c.successThreshold()).isEqualTo(1);
    assertThat(c.startPeriod()).isZero();
    assertThat(c.initialDelay()).isZero();
    assertThat(c.probe()).isEqualTo(new HealthCheck.Probe.Http(URI.create("https://feed.local:8443/health?deep=1"), 200, 399, "",
        java.util.Map.of()));
  }

  @Test
  void specsKeepTheirChecksAndAHealthyDependencyNeedsChecks() {
    HealthCheck check = HealthCheck.processAlive().build();
    ProcessSpec a = ProcessSpec.builder("a").command("sleep", "1").healthCheck(check).build();
    assertThat(a.healthChecks()).containsExactly(check);
    assertThat(a.toBuilder().build().healthChecks()).containsExactly(check);
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      assertThatThrownBy(() -> sup.registerAll(List.of(ProcessSpec.builder("b").command("sleep", "1").build(),
          ProcessSpec.builder("c").command("sleep", "1").dependsOn("b", Dependency.Condition.HEALTHY).build())))
          .hasMessage("dependsOn of 'c' waits for 'b' to be HEALTHY, but 'b' has no health checks");
      sup.registerAll(List.of(a, ProcessSpec.builder("c").command("sleep", "1").dependsOn("a", Dependency.Condition.HEALTHY).build()));
      assertThat(sup.controller("c").orElseThrow().health()).isEqualTo(HealthReport.NONE);
      assertThat(sup.controller("a").orElseThrow().health().checks()).extracting(HealthReport.Check::name).containsExactly("alive");
      assertThat(sup.controller("a").orElseThrow().health().state()).isEqualTo(HealthState.UNKNOWN);
    }
  }

  @Test
  void systemdNotifyChecksTakeAWatchdogAndFailAtTheFirstMiss() {
    HealthCheck plain = HealthCheck.systemdNotify().build();
    assertThat(plain.probe()).isEqualTo(new HealthCheck.Probe.SystemdNotify(Duration.ZERO));
    assertThat(plain.failureThreshold()).isEqualTo(1);
    HealthCheck watched = HealthCheck.systemdNotify().watchdog(Duration.ofSeconds(30)).build();
    assertThat(watched.probe()).isEqualTo(new HealthCheck.Probe.SystemdNotify(Duration.ofSeconds(30)));
    assertThat(watched.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> HealthCheck.systemdNotify().watchdog(Duration.ZERO))
        .hasMessage("watchdog of health check 'notify' must be positive: 0 ns");
    assertThatThrownBy(() -> HealthCheck.tcp("h", 1).watchdog(Duration.ofSeconds(1)))
        .hasMessage("watchdog applies to notify checks; 'tcp:h:1' is a tcp check");
  }
}
