package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Dependency;
import io.github.vigil.HealthCheck;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ResourceRule;
import io.github.vigil.Supervisor;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * Health checks, resource rules and {@code depends-on: healthy} from properties: every kind and
 * setting bound into the core's {@link HealthCheck} and {@link ResourceRule}, unset settings giving
 * the core's defaults, and every value the core rejects reported under its full property name.
 * Processes here have auto-start off (or the context fails first), so no child is spawned.
 */
@Timeout(60)
class HealthPropertiesTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class))
      .withPropertyValues("vigil.backend=jdk", "vigil.defaults.auto-start=false");

  private static final String FEED = "vigil.processes.quote-feed.";

  @Test
  void bindsEveryKindAndSetting() {
    HealthCheck.CustomProbe blocking = pid -> HealthCheck.Outcome.healthy("quotes flowing");
    HealthCheck.AsyncProbe async = pid -> CompletableFuture.completedFuture(HealthCheck.Outcome.healthy("ok"));
    runner.withBean("quotesFlowing", HealthCheck.CustomProbe.class, () -> blocking)
        .withBean("bookLoaded", HealthCheck.AsyncProbe.class, () -> async)
        .withPropertyValues(
            FEED + "command=sleep,600",
            FEED + "health-checks[0].kind=tcp",
            FEED + "health-checks[0].host=127.0.0.1",
            FEED + "health-checks[0].port=9101",
            FEED + "health-checks[0].name=feed-port",
            FEED + "health-checks[0].interval=2s",
            FEED + "health-checks[0].timeout=500ms",
            FEED + "health-checks[0].start-period=30s",
            FEED + "health-checks[0].initial-delay=1s",
            FEED + "health-checks[0].failure-threshold=2",
            FEED + "health-checks[0].success-threshold=4",
            FEED + "health-checks[0].action=notify",
            FEED + "health-checks[1].kind=http",
            FEED + "health-checks[1].url=http://127.0.0.1:8081/health",
            FEED + "health-checks[1].min-status=200",
            FEED + "health-checks[1].max-status=299",
            FEED + "health-checks[1].expect-body=UP",
            FEED + "health-checks[1].headers.Authorization=Bearer x",
            FEED + "health-checks[1].role=readiness",
            FEED + "health-checks[2].kind=exec",
            FEED + "health-checks[2].command=/opt/feeds/probe,--quick",
            FEED + "health-checks[3].kind=process-alive",
            FEED + "health-checks[4].kind=custom",
            FEED + "health-checks[4].bean=quotesFlowing",
            FEED + "health-checks[5].kind=custom",
            FEED + "health-checks[5].bean=bookLoaded",
            FEED + "health-checks[5].name=book",
            FEED + "resource-rules[0].resident-memory-above=512MB",
            FEED + "resource-rules[0].failure-threshold=5",
            FEED + "resource-rules[0].interval=15s",
            FEED + "resource-rules[1].cpu-percent-above=90",
            FEED + "resource-rules[1].action=notify",
            FEED + "resource-rules[1].name=busy",
            FEED + "resource-rules[2].fd-ratio-above=0.8",
            "vigil.processes.order-gateway.command=sleep,600",
            "vigil.processes.order-gateway.depends-on.quote-feed=healthy")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Supervisor supervisor = context.getBean(Supervisor.class);
          ProcessSpec feed = supervisor.controller("quote-feed").orElseThrow().spec();
          List<HealthCheck> checks = feed.healthChecks();
          assertThat(checks).hasSize(6);

          HealthCheck tcp = checks.get(0);
          assertThat(tcp.name()).isEqualTo("feed-port");
          assertThat(tcp.probe()).isEqualTo(new HealthCheck.Probe.Tcp("127.0.0.1", 9101));
          assertThat(tcp.interval()).isEqualTo(Duration.ofSeconds(2));
          assertThat(tcp.timeout()).isEqualTo(Duration.ofMillis(500));
          assertThat(tcp.startPeriod()).isEqualTo(Duration.ofSeconds(30));
          assertThat(tcp.initialDelay()).isEqualTo(Duration.ofSeconds(1));
          assertThat(tcp.failureThreshold()).isEqualTo(2);
          assertThat(tcp.successThreshold()).isEqualTo(4);
          assertThat(tcp.role()).isEqualTo(HealthCheck.Role.LIVENESS);
          assertThat(tcp.action()).isEqualTo(HealthCheck.Action.NOTIFY);

          HealthCheck http = checks.get(1);
          assertThat(http.probe()).isEqualTo(new HealthCheck.Probe.Http(URI.create("http://127.0.0.1:8081/health"), 200, 299, "UP",
              Map.of("Authorization", "Bearer x")));
          assertThat(http.role()).isEqualTo(HealthCheck.Role.READINESS);
          assertThat(http.action()).isEqualTo(HealthCheck.Action.NOTIFY);

          assertThat(checks.get(2).probe()).isEqualTo(new HealthCheck.Probe.Exec(List.of("/opt/feeds/probe", "--quick")));
          assertThat(checks.get(3).probe()).isEqualTo(new HealthCheck.Probe.ProcessAlive());
          assertThat(checks.get(4).name()).isEqualTo("quotesFlowing");
          assertThat(checks.get(4).probe()).isEqualTo(new HealthCheck.Probe.Custom(blocking));
          assertThat(checks.get(5).name()).isEqualTo("book");
          assertThat(checks.get(5).probe()).isEqualTo(new HealthCheck.Probe.CustomAsync(async));

          List<ResourceRule> rules = feed.resourceRules();
          assertThat(rules).containsExactly(
              ResourceRule.residentMemoryAbove(512L * 1024 * 1024).failureThreshold(5).interval(Duration.ofSeconds(15)).build(),
              ResourceRule.cpuPercentAbove(90).name("busy").action(HealthCheck.Action.NOTIFY).build(),
              ResourceRule.fdRatioAbove(0.8).build());
          assertThat(rules.get(0).limit()).isEqualTo(512.0 * 1024 * 1024);

          ProcessSpec gateway = supervisor.controller("order-gateway").orElseThrow().spec();
          assertThat(gateway.dependencies()).containsExactly(new Dependency("quote-feed", Dependency.Condition.HEALTHY));
        });
  }

  @Test
  void unsetSettingsGiveTheCoreDefaults() {
    runner.withPropertyValues("vigil.enabled=false", FEED + "command=sleep,600",
        FEED + "health-checks[0].kind=tcp", FEED + "health-checks[0].port=9101",
        FEED + "health-checks[1].kind=http", FEED + "health-checks[1].url=http://localhost/health",
        FEED + "health-checks[2].kind=systemd-notify",
        FEED + "health-checks[3].kind=tcp", FEED + "health-checks[3].port=9102", FEED + "health-checks[3].interval=1s",
        FEED + "health-checks[4].kind=tcp", FEED + "health-checks[4].port=9103", FEED + "health-checks[4].role=readiness",
        FEED + "resource-rules[0].cpu-percent-above=50").run(context -> {
          // no supervisor: the notify check would need the Linux backend to register
          ProcessSpec bound = new ProcessSpecFactory(context.getEnvironment()).create("quote-feed");
          List<HealthCheck> checks = bound.healthChecks();
          assertSameCheck(checks.get(0), HealthCheck.tcp("localhost", 9101).build());
          assertSameCheck(checks.get(1), HealthCheck.http("http://localhost/health").build());
          assertSameCheck(checks.get(2), HealthCheck.systemdNotify().build());
          assertSameCheck(checks.get(3), HealthCheck.tcp("localhost", 9102).interval(Duration.ofSeconds(1)).build());
          assertSameCheck(checks.get(4), HealthCheck.tcp("localhost", 9103).role(HealthCheck.Role.READINESS).build());
          assertThat(bound.resourceRules().get(0)).isEqualTo(ResourceRule.cpuPercentAbove(50).build());
        });
  }

  @Test
  void defaultsGiveEveryProcessTheirChecksUnlessItHasItsOwn() {
    runner.withPropertyValues("vigil.defaults.health-checks[0].kind=process-alive",
        "vigil.defaults.resource-rules[0].fd-ratio-above=0.9",
        "vigil.processes.a.command=sleep,600",
        "vigil.processes.b.command=sleep,600",
        "vigil.processes.b.health-checks[0].kind=tcp", "vigil.processes.b.health-checks[0].port=9101").run(context -> {
          Supervisor supervisor = context.getBean(Supervisor.class);
          ProcessSpec a = supervisor.controller("a").orElseThrow().spec();
          ProcessSpec b = supervisor.controller("b").orElseThrow().spec();
          assertThat(a.healthChecks()).extracting(HealthCheck::name).containsExactly("alive");
          assertThat(b.healthChecks()).extracting(HealthCheck::name).containsExactly("tcp:localhost:9101");
          assertThat(a.resourceRules()).extracting(ResourceRule::name).containsExactly("fds");
          assertThat(b.resourceRules()).extracting(ResourceRule::name).containsExactly("fds");
        });
  }

  // --- failure analysis ----------------------------------------------------------------------

  @Test
  void aZeroIntervalIsAnalysedNamingTheIndexedProperty() {
    runner.withPropertyValues(FEED + "command=sleep,600", FEED + "health-checks[0].kind=tcp", FEED + "health-checks[0].port=9101",
        FEED + "health-checks[0].interval=0s").run(context -> {
          FailureAnalysis analysis = analyse(context);
          assertThat(analysis.getDescription())
              .contains("Property: vigil.processes.quote-feed.health-checks[0].interval")
              .contains("Value: \"0s\"")
              .contains("interval of health check 'tcp:localhost:9101' must be positive");
          assertThat(analysis.getAction()).contains("vigil.processes.quote-feed.health-checks[0].interval");
        });
  }

  @Test
  void everyRejectedHealthSettingIsNamed() {
    Map<String, String> broken = Map.ofEntries(
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=70000", "health-checks[0].port"),
        Map.entry("health-checks[0].kind=tcp", "health-checks[0].port"),
        Map.entry("health-checks[0].port=9101", "health-checks[0].kind"),
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=9101|health-checks[0].timeout=5s|health-checks[0].interval=1s",
            "health-checks[0].timeout"),
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=9101|health-checks[0].role=readiness|health-checks[0].action=restart",
            "health-checks[0].action"),
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=9101|health-checks[0].failure-threshold=0",
            "health-checks[0].failure-threshold"),
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=9101|health-checks[0].success-threshold=0",
            "health-checks[0].success-threshold"),
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=9101|health-checks[0].start-period=-1s",
            "health-checks[0].start-period"),
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=9101|health-checks[0].initial-delay=-1s",
            "health-checks[0].initial-delay"),
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=9101|health-checks[0].name=no spaces",
            "health-checks[0].name"),
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=9101|health-checks[1].kind=tcp|health-checks[1].port=9101",
            "health-checks[1].name"),
        Map.entry("health-checks[0].kind=tcp|health-checks[0].port=9101|health-checks[0].url=http://x/",
            "health-checks[0].url"),
        Map.entry("health-checks[0].kind=http|health-checks[0].url=ftp://x/", "health-checks[0].url"),
        Map.entry("health-checks[0].kind=http|health-checks[0].url=http://x/|health-checks[0].min-status=42",
            "health-checks[0].min-status"),
        Map.entry("health-checks[0].kind=http|health-checks[0].url=http://x/|health-checks[0].max-status=199",
            "health-checks[0].max-status"),
        Map.entry("health-checks[0].kind=exec", "health-checks[0].command"),
        Map.entry("health-checks[0].kind=exec|health-checks[0].command=probe|health-checks[0].watchdog=1s",
            "health-checks[0].watchdog"),
        Map.entry("health-checks[0].kind=systemd-notify|health-checks[0].watchdog=0s", "health-checks[0].watchdog"),
        Map.entry("health-checks[0].kind=custom", "health-checks[0].bean"),
        Map.entry("health-checks[0].kind=custom|health-checks[0].bean=noSuchBean", "health-checks[0].bean"),
        Map.entry("resource-rules[0].failure-threshold=2", "resource-rules[0]"),
        Map.entry("resource-rules[0].cpu-percent-above=90|resource-rules[0].fd-ratio-above=0.5", "resource-rules[0]"),
        Map.entry("resource-rules[0].cpu-percent-above=-1", "resource-rules[0].cpu-percent-above"),
        Map.entry("resource-rules[0].fd-ratio-above=1.5", "resource-rules[0].fd-ratio-above"),
        Map.entry("resource-rules[0].resident-memory-above=0B", "resource-rules[0].resident-memory-above"),
        Map.entry("resource-rules[0].cpu-percent-above=90|resource-rules[0].failure-threshold=0", "resource-rules[0].failure-threshold"),
        Map.entry("resource-rules[0].cpu-percent-above=90|resource-rules[0].interval=0s", "resource-rules[0].interval"),
        Map.entry("resource-rules[0].cpu-percent-above=90|resource-rules[1].cpu-percent-above=80", "resource-rules[1].name"));
    broken.forEach((settings, named) -> {
      String[] properties = ("command=sleep,600|" + settings).split("\\|");
      for (int i = 0; i < properties.length; i++) {
        properties[i] = FEED + properties[i];
      }
      runner.withPropertyValues(properties).run(context -> assertThat(analyse(context).getDescription()).as(settings)
          .contains("Property: " + FEED + named + "\n"));
    });
  }

  @Test
  void aBadCheckFromTheDefaultsIsReportedUnderTheDefaults() {
    runner.withPropertyValues("vigil.defaults.health-checks[0].kind=tcp", "vigil.defaults.health-checks[0].port=9101",
        "vigil.defaults.health-checks[0].failure-threshold=0", "vigil.processes.feed.command=sleep,600")
        .run(context -> assertThat(analyse(context).getDescription())
            .contains("Property: vigil.defaults.health-checks[0].failure-threshold").contains("Value: \"0\""));
  }

  @Test
  void dependingOnAProcessWithoutChecksBeingHealthyIsAnalysed() {
    runner.withPropertyValues(FEED + "command=sleep,600", "vigil.processes.order-gateway.command=sleep,600",
        "vigil.processes.order-gateway.depends-on.quote-feed=healthy").run(context -> {
          String description = analyse(context).getDescription();
          assertThat(description).contains("Property: vigil.processes.order-gateway.depends-on.quote-feed")
              .contains("Value: \"healthy\"").contains("'quote-feed' has no health checks");
        });
  }

  @Test
  void aNotifyCheckOnTheJdkBackendIsAnalysed() {
    runner.withPropertyValues(FEED + "command=sleep,600", FEED + "health-checks[0].kind=systemd-notify").run(context ->
        assertThat(analyse(context).getDescription()).contains("Property: " + FEED + "health-checks[0].kind")
            .contains("Value: \"systemd-notify\"").contains("does not offer"));
  }

  static void assertSameCheck(HealthCheck actual, HealthCheck expected) {
    assertThat(actual.name()).isEqualTo(expected.name());
    assertThat(actual.probe()).isEqualTo(expected.probe());
    assertThat(actual.role()).isEqualTo(expected.role());
    assertThat(actual.action()).isEqualTo(expected.action());
    assertThat(actual.interval()).isEqualTo(expected.interval());
    assertThat(actual.timeout()).isEqualTo(expected.timeout());
    assertThat(actual.startPeriod()).isEqualTo(expected.startPeriod());
    assertThat(actual.initialDelay()).isEqualTo(expected.initialDelay());
    assertThat(actual.failureThreshold()).isEqualTo(expected.failureThreshold());
    assertThat(actual.successThreshold()).isEqualTo(expected.successThreshold());
  }

  /** Runs every failure analyzer registered in spring.factories, as Spring Boot does on a failed start. */
  static FailureAnalysis analyse(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    Throwable failure = context.getStartupFailure();
    List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(HealthPropertiesTest.class.getClassLoader())
        .load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.of(org.springframework.core.env.Environment.class,
            new org.springframework.core.env.StandardEnvironment()), SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> {}));
    for (FailureAnalyzer analyzer : analyzers) {
      FailureAnalysis analysis = analyzer.analyze(failure);
      if (analysis != null) {
        return analysis;
      }
    }
    throw new AssertionError("no failure analysis for " + failure, failure);
  }
}
