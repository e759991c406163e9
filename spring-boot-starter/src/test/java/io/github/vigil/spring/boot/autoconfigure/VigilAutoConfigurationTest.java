package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.Dependency;
import io.github.vigil.Environment;
import io.github.vigil.OutputSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.spring.boot.actuate.VigilEndpoint;
import io.github.vigil.spring.boot.actuate.VigilHealthContributor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * The auto-configuration on {@link ApplicationContextRunner}: each condition on and off, properties
 * bound into specs, user beans winning, and the failure analysis of broken properties. The processes
 * here have auto-start off (or the context fails before starting), so no child is spawned.
 */
@Timeout(60)
class VigilAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilEndpointAutoConfiguration.class,
          VigilHealthContributorAutoConfiguration.class));

  // --- conditions ----------------------------------------------------------------------------

  @Test
  void createsSupervisorAndLifecycleByDefault() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(Supervisor.class).hasSingleBean(VigilLifecycle.class);
      Supervisor supervisor = context.getBean(Supervisor.class);
      assertThat(supervisor.name()).isEqualTo("vigil");
      // the best available backend: vigil-linux-native is on this module's test class path
      assertThat(supervisor.backendName()).isEqualTo(new io.github.vigil.linux.LinuxBackendProvider().isAvailable() ? "linux" : "jdk");
      assertThat(supervisor.controllers()).isEmpty();
      assertThat(context.getBean(VigilLifecycle.class).getPhase()).isEqualTo(VigilLifecycle.DEFAULT_PHASE);
    });
  }

  @Test
  void backsOffWhenDisabled() {
    runner.withPropertyValues("vigil.enabled=false").run(context -> assertThat(context)
        .doesNotHaveBean(Supervisor.class).doesNotHaveBean(VigilLifecycle.class)
        .doesNotHaveBean(VigilEndpoint.class).doesNotHaveBean(VigilHealthContributor.class));
  }

  @Test
  void backsOffWithoutVigilCore() {
    runner.withClassLoader(new FilteredClassLoader(Supervisor.class)).run(context -> assertThat(context)
        .doesNotHaveBean(VigilLifecycle.class).doesNotHaveBean(VigilHealthContributor.class));
  }

  @Test
  void appliesSupervisorProperties() {
    runner.withPropertyValues("vigil.name=gateway", "vigil.backend=jdk", "vigil.lifecycle.phase=42").run(context -> {
      assertThat(context.getBean(Supervisor.class).name()).isEqualTo("gateway");
      assertThat(context.getBean(VigilLifecycle.class).getPhase()).isEqualTo(42);
    });
  }

  @Test
  void userSupervisorWinsAndStillGetsTheConfiguredProcesses() {
    runner.withUserConfiguration(UserSupervisor.class)
        .withPropertyValues("vigil.processes.feed.command=sleep,600", "vigil.processes.feed.auto-start=false").run(context -> {
          assertThat(context).hasSingleBean(Supervisor.class);
          Supervisor supervisor = context.getBean(Supervisor.class);
          assertThat(supervisor.name()).isEqualTo("users-own");
          assertThat(supervisor.controller("feed")).isPresent();
        });
  }

  @Test
  void userLifecycleWins() {
    runner.withUserConfiguration(UserLifecycle.class).withPropertyValues("vigil.processes.feed.command=sleep,600")
        .run(context -> {
          assertThat(context).hasSingleBean(VigilLifecycle.class);
          assertThat(context.getBean(VigilLifecycle.class).getPhase()).isEqualTo(7);
          assertThat(context.getBean(Supervisor.class).controllers()).isEmpty();
        });
  }

  @Test
  void customizersAreApplied() {
    runner.withBean(SupervisorBuilderCustomizer.class, () -> b -> b.name("customized"))
        .run(context -> assertThat(context.getBean(Supervisor.class).name()).isEqualTo("customized"));
  }

  @Test
  void healthContributorIsOnByDefaultAndCanBeSwitchedOff() {
    runner.run(context -> assertThat(context).hasSingleBean(VigilHealthContributor.class));
    runner.withPropertyValues("management.health.vigil.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(VigilHealthContributor.class));
    runner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
        .run(context -> assertThat(context).hasSingleBean(Supervisor.class).doesNotHaveBean(VigilHealthContributor.class));
  }

  @Test
  void userHealthContributorWins() {
    runner.withBean("vigilHealthContributor", HealthContributor.class, () -> (org.springframework.boot.health.contributor.HealthIndicator)
        () -> org.springframework.boot.health.contributor.Health.up().build())
        .run(context -> assertThat(context).doesNotHaveBean(VigilHealthContributor.class));
  }

  @Test
  void endpointOnlyWhenExposed() {
    runner.run(context -> assertThat(context).doesNotHaveBean(VigilEndpoint.class));
    runner.withPropertyValues("management.endpoints.web.exposure.include=vigil")
        .run(context -> assertThat(context).hasSingleBean(VigilEndpoint.class));
    runner.withPropertyValues("management.endpoints.web.exposure.include=vigil", "management.endpoint.vigil.access=NONE")
        .run(context -> assertThat(context).doesNotHaveBean(VigilEndpoint.class));
    runner.withPropertyValues("management.endpoints.web.exposure.include=vigil")
        .withClassLoader(new FilteredClassLoader(org.springframework.boot.actuate.endpoint.annotation.Endpoint.class))
        .run(context -> assertThat(context).hasSingleBean(Supervisor.class).doesNotHaveBean(VigilEndpoint.class));
  }

  // --- binding -------------------------------------------------------------------------------

  @Test
  void bindsEverySettingIntoTheSpec() {
    runner.withPropertyValues(
        "vigil.processes.quote-feed.command[0]=/opt/feeds/quote-feed",
        "vigil.processes.quote-feed.command[1]=--venue",
        "vigil.processes.quote-feed.command[2]=XLON",
        "vigil.processes.quote-feed.auto-start=false",
        "vigil.processes.quote-feed.working-directory=/tmp",
        "vigil.processes.quote-feed.inherit-environment=false",
        "vigil.processes.quote-feed.environment.VENUE=XLON",
        "vigil.processes.quote-feed.unset-environment=SECRET",
        "vigil.processes.quote-feed.labels.type=QUOTE",
        "vigil.processes.quote-feed.labels.account=001",
        "vigil.processes.quote-feed.restart.mode=always",
        "vigil.processes.quote-feed.restart.success-exit-codes=0,3",
        "vigil.processes.quote-feed.restart.max-restarts=4",
        "vigil.processes.quote-feed.restart.window=10m",
        "vigil.processes.quote-feed.restart.cooldown=2s",
        "vigil.processes.quote-feed.restart.stable-after=30s",
        "vigil.processes.quote-feed.restart.backoff.initial-delay=250ms",
        "vigil.processes.quote-feed.restart.backoff.multiplier=3",
        "vigil.processes.quote-feed.restart.backoff.max-delay=20s",
        "vigil.processes.quote-feed.restart.backoff.jitter=0.25",
        "vigil.processes.quote-feed.stop.signal=INT",
        "vigil.processes.quote-feed.stop.timeout=15s",
        "vigil.processes.quote-feed.output.tail-lines=50",
        "vigil.processes.quote-feed.output.stdout-file=feed.out",
        "vigil.processes.quote-feed.output.stderr-file=feed.err",
        "vigil.processes.quote-feed.output.max-file-size=2MB",
        "vigil.processes.quote-feed.output.backups=3",
        "vigil.processes.quote-feed.output.log-to-slf4j=true",
        "vigil.processes.quote-feed.startup-grace=2s",
        "vigil.processes.order-gateway.command=sleep,600",
        "vigil.processes.order-gateway.auto-start=false",
        "vigil.processes.order-gateway.depends-on.quote-feed=started").run(context -> {
          assertThat(context).hasNotFailed();
          Supervisor supervisor = context.getBean(Supervisor.class);
          ProcessSpec feed = supervisor.controller("quote-feed").orElseThrow().spec();
          assertThat(feed.command()).containsExactly("/opt/feeds/quote-feed", "--venue", "XLON");
          assertThat(feed.autoStart()).isFalse();
          assertThat(feed.workingDirectory()).contains(Path.of("/tmp"));
          assertThat(feed.environment()).isEqualTo(new Environment(false, Map.of("VENUE", "XLON"), Set.of("SECRET")));
          assertThat(feed.labels()).isEqualTo(Map.of("type", "QUOTE", "account", "001"));
          assertThat(feed.restartPolicy()).isEqualTo(new RestartPolicy(RestartPolicy.Mode.ALWAYS, Set.of(0, 3),
              new Backoff(Duration.ofMillis(250), 3.0, Duration.ofSeconds(20), 0.25), 4, Duration.ofMinutes(10),
              Duration.ofSeconds(2), Duration.ofSeconds(30)));
          assertThat(feed.stopSignal()).isEqualTo(Signal.SIGINT);
          assertThat(feed.stopTimeout()).isEqualTo(Duration.ofSeconds(15));
          assertThat(feed.output()).isEqualTo(new OutputSpec(50, Path.of("feed.out"), Path.of("feed.err"), 2L * 1024 * 1024, 3, true));
          assertThat(feed.startupGrace()).isEqualTo(Duration.ofSeconds(2));
          ProcessSpec gateway = supervisor.controller("order-gateway").orElseThrow().spec();
          assertThat(gateway.dependencies()).containsExactly(new Dependency("quote-feed", Dependency.Condition.STARTED));
        });
  }

  @Test
  void unsetPropertiesGiveTheCoreDefaults() {
    runner.withPropertyValues("vigil.processes.feed.command=sleep,600", "vigil.processes.feed.auto-start=false").run(context -> {
      ProcessSpec bound = context.getBean(Supervisor.class).controller("feed").orElseThrow().spec();
      ProcessSpec core = ProcessSpec.builder("feed").command("sleep", "600").autoStart(false).build();
      assertSameSettings(bound, core);
    });
  }

  @Test
  void defaultsApplyToEveryProcessAndEachProcessOverridesThem() {
    runner.withPropertyValues(
        "vigil.defaults.auto-start=false",
        "vigil.defaults.stop.timeout=15s",
        "vigil.defaults.restart.max-restarts=3",
        "vigil.defaults.environment.REGION=EU",
        "vigil.defaults.labels.desk=fx",
        "vigil.processes.a.command=sleep,600",
        "vigil.processes.b.command=sleep,600",
        "vigil.processes.b.stop.timeout=2s",
        "vigil.processes.b.environment.ROLE=orders",
        "vigil.processes.b.labels.desk=rates").run(context -> {
          Supervisor supervisor = context.getBean(Supervisor.class);
          ProcessSpec a = supervisor.controller("a").orElseThrow().spec();
          ProcessSpec b = supervisor.controller("b").orElseThrow().spec();
          assertThat(a.autoStart()).isFalse();
          assertThat(b.autoStart()).isFalse();
          assertThat(a.stopTimeout()).isEqualTo(Duration.ofSeconds(15));
          assertThat(b.stopTimeout()).isEqualTo(Duration.ofSeconds(2));
          assertThat(a.restartPolicy().maxRestarts()).isEqualTo(3);
          assertThat(b.restartPolicy().maxRestarts()).isEqualTo(3);
          assertThat(a.environment().set()).isEqualTo(Map.of("REGION", "EU"));
          assertThat(b.environment().set()).isEqualTo(Map.of("REGION", "EU", "ROLE", "orders"));
          assertThat(a.labels()).isEqualTo(Map.of("desk", "fx"));
          assertThat(b.labels()).isEqualTo(Map.of("desk", "rates"));
        });
  }

  @Test
  void processSpecBeansArePickedUp() {
    runner.withBean("extraSpec", ProcessSpec.class, () -> ProcessSpec.builder("from-bean").command("sleep", "600").autoStart(false).build())
        .withPropertyValues("vigil.processes.from-yaml.command=sleep,600", "vigil.processes.from-yaml.auto-start=false",
            "vigil.processes.from-yaml.depends-on.from-bean=started")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Supervisor supervisor = context.getBean(Supervisor.class);
          assertThat(supervisor.controllers()).extracting(c -> c.name()).containsExactlyInAnyOrder("from-yaml", "from-bean");
        });
  }

  @Test
  void criticalProcessesComeFromTheFlagAndTheList() {
    runner.withBean("extraSpec", ProcessSpec.class, () -> ProcessSpec.builder("from-bean").command("sleep", "600").autoStart(false).build())
        .withPropertyValues("vigil.processes.a.command=sleep,600", "vigil.processes.a.auto-start=false",
        "vigil.processes.a.critical=true", "vigil.processes.b.command=sleep,600", "vigil.processes.b.auto-start=false",
        "vigil.health.critical-processes=from-bean").run(context -> {
          Set<String> critical = new ProcessSpecFactory(context.getEnvironment()).criticalProcesses(context.getBean(VigilProperties.class));
          assertThat(critical).containsExactlyInAnyOrder("a", "from-bean");
          assertThat(context).hasNotFailed();
        });
  }

  @Test
  void aCriticalNameThatIsNoProcessNorAttachmentFailsStartUp() {
    runner.withPropertyValues("vigil.processes.a.command=sleep,600", "vigil.processes.a.auto-start=false",
        "vigil.attach.md-recorder.pid=999999999", "vigil.health.critical-processes=a,md-recorder,md-recordr")
        .run(context -> assertThat(analyse(context).getDescription())
            .contains("Property: vigil.health.critical-processes[2]").contains("Value: \"md-recordr\"")
            .contains("no process or attachment is named 'md-recordr'").contains("md-recorder"));
  }

  /**
   * An environment variable cannot spell a dash: VIGIL_PROCESSES_QUOTEFEED_RESTART_MAXRESTARTS=5 bound to a new process
   * 'quotefeed', which started a second feed beside quote-feed (found by a black-box run). Names the same to relaxed
   * binding fail the start, naming both.
   */
  @Test
  void twoProcessNamesTheSameToRelaxedBindingFailStartUp() {
    runner.withPropertyValues("vigil.processes.quote-feed.command=sleep,600", "vigil.processes.quote-feed.auto-start=false",
            "vigil.processes.quotefeed.restart.max-restarts=5")
        .run(context -> assertThat(analyse(context).getDescription())
            .contains("Property: vigil.processes.quotefeed").contains("is the name of process 'quote-feed' to Spring's relaxed binding")
            .contains("VIGIL_PROCESSES_QUOTEFEED_").contains("SPRING_APPLICATION_JSON"));
  }

  // --- failure analysis ----------------------------------------------------------------------

  /** A value that is none of a setting's choices names them; it said "No enum constant ...Mode.sometimes" (a black-box run). */
  @Test
  void aValueThatIsNoneOfTheChoicesNamesThem() {
    runner.withPropertyValues("vigil.processes.feed.command=sleep,600", "vigil.processes.feed.restart.mode=sometimes")
        .run(context -> assertThat(analyse(context).getDescription()).contains("Property: vigil.processes.feed.restart.mode")
            .contains("Value: \"sometimes\"").contains("is none of never, on-failure, always"));
  }

  /**
   * Every value Spring cannot convert is said in the one failed start, with the unknown keys: Spring's binding stopped at
   * the first, so a file with four such mistakes took four restarts to mend (found by a black-box run).
   */
  @Test
  void everyValueSpringCannotConvertIsSaidInTheOneFailedStart() {
    runner.withPropertyValues("vigil.processes.feed.command=sleep,600", "vigil.processes.feed.restart.mode=sometimes",
            "vigil.processes.feed.health-checks[0].kind=tcp", "vigil.processes.feed.health-checks[0].port=9101",
            "vigil.processes.feed.health-checks[0].interval=10 sec", "vigil.processes.feed.restart.max-restarts=ten",
            "vigil.processes.orders.command=sleep,600", "vigil.processes.orders.depends-on.feed=healthty",
            "vigil.processes.orders.restart.max-restart=2")
        .run(context -> {
          assertThat(context).hasFailed();
          InvalidVigilPropertyException e = findCause(context.getStartupFailure());
          assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
              "vigil.processes.feed.health-checks[0].interval", "vigil.processes.feed.restart.max-restarts",
              "vigil.processes.feed.restart.mode", "vigil.processes.orders.depends-on.feed", "vigil.processes.orders.restart.max-restart");
          assertThat(analyse(context).getDescription()).contains("Invalid Vigil configuration (5 properties)")
              .contains("Value: \"sometimes\"").contains("is none of never, on-failure, always")
              .contains("Value: \"10 sec\"").contains("is not a valid duration")
              .contains("Value: \"ten\"").contains("is not a whole number")
              .contains("Value: \"healthty\"").contains("is none of started, healthy")
              .contains("did you mean `max-restarts`");
        });
  }

  private static InvalidVigilPropertyException findCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidVigilPropertyException invalid) {
        return invalid;
      }
    }
    throw new AssertionError("no InvalidVigilPropertyException in " + failure, failure);
  }

  /** A rejected duration reads as written, in words; it read "PT-5S" (found by a black-box run). */
  @Test
  void aRejectedDurationReadsAsAPersonWritesIt() {
    runner.withConfiguration(AutoConfigurations.of(VigilHealthContributorAutoConfiguration.class))
        .withPropertyValues("vigil.processes.a.command=sleep,600", "vigil.processes.a.auto-start=false", "vigil.health.down-after=-5s")
        .run(context -> assertThat(analyse(context).getDescription()).contains("Property: vigil.health.down-after")
            .contains("Value: \"-5.00 s\"").doesNotContain("PT-5S"));
  }

  @Test
  void negativeMaxRestartsIsAnalysedNamingTheProperty() {
    runner.withPropertyValues("vigil.processes.quote-feed.command=sleep,600", "vigil.processes.quote-feed.restart.max-restarts=-1")
        .run(context -> {
          FailureAnalysis analysis = analyse(context);
          assertThat(analysis.getDescription())
              .contains("Property: vigil.processes.quote-feed.restart.max-restarts")
              .contains("Value: \"-1\"")
              .contains("must not be negative");
          assertThat(analysis.getAction()).contains("vigil.processes.quote-feed.restart.max-restarts");
        });
  }

  @Test
  void aBadValueFromTheDefaultsIsReportedUnderTheDefaults() {
    runner.withPropertyValues("vigil.defaults.restart.backoff.jitter=1.5", "vigil.processes.feed.command=sleep,600")
        .run(context -> assertThat(analyse(context).getDescription())
            .contains("Property: vigil.defaults.restart.backoff.jitter").contains("Value: \"1.5\""));
  }

  @Test
  void otherBrokenPropertiesAreAnalysedToo() {
    Map<String, String> broken = Map.of(
        "vigil.processes.feed.stop.signal=SIGNOPE", "vigil.processes.feed.stop.signal",
        "vigil.processes.feed.restart.window=0s", "vigil.processes.feed.restart.window",
        "vigil.processes.feed.restart.backoff.max-delay=10ms", "vigil.processes.feed.restart.backoff.max-delay",
        "vigil.processes.feed.output.tail-lines=-5", "vigil.processes.feed.output.tail-lines",
        "vigil.processes.feed.depends-on.nope=started", "vigil.processes.feed.depends-on",
        "vigil.name=white space", "vigil.name");
    broken.forEach((property, named) -> runner.withPropertyValues("vigil.processes.feed.command=sleep,600", property)
        .run(context -> assertThat(analyse(context).getDescription()).as(property).contains("Property: " + named)));
    runner.withPropertyValues("vigil.processes.feed.restart.mode=always")
        .run(context -> assertThat(analyse(context).getDescription()).contains("Property: vigil.processes.feed.command")
            .contains("is not set"));
  }

  /**
   * The endpoint's settings it cannot work with fail the start naming them; a command timeout of -1s was accepted
   * and the application started (found by a black-box run).
   */
  @Test
  void endpointSettingsItCannotWorkWithFailStartUpNamingThem() {
    Map<String, String> broken = Map.of(
        "vigil.endpoint.command-timeout=-1s", "vigil.endpoint.command-timeout",
        "vigil.endpoint.command-timeout=0s", "vigil.endpoint.command-timeout",
        "vigil.endpoint.history-size=-1", "vigil.endpoint.history-size");
    broken.forEach((property, named) -> runner.withPropertyValues("management.endpoints.web.exposure.include=vigil", property)
        .run(context -> assertThat(analyse(context).getDescription()).as(property).contains("Property: " + named)));
  }

  @Test
  void aDependencyCycleIsAnalysed() {
    runner.withPropertyValues("vigil.processes.a.command=sleep,600", "vigil.processes.a.depends-on.b=started",
        "vigil.processes.b.command=sleep,600", "vigil.processes.b.depends-on.a=started")
        .run(context -> assertThat(analyse(context).getDescription()).contains("Property: vigil.processes").contains("cycle"));
  }

  /** Runs every failure analyzer registered in spring.factories, as Spring Boot does on a failed start. */
  private static FailureAnalysis analyse(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    Throwable failure = context.getStartupFailure();
    List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(VigilAutoConfigurationTest.class.getClassLoader())
        .load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.of(org.springframework.core.env.Environment.class,
            new org.springframework.core.env.StandardEnvironment()), SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> {})); // skip ones needing arguments
    assertThat(analyzers).hasAtLeastOneElementOfType(VigilFailureAnalyzer.class);
    for (FailureAnalyzer analyzer : analyzers) {
      FailureAnalysis analysis = analyzer.analyze(failure);
      if (analysis != null) {
        return analysis;
      }
    }
    throw new AssertionError("no failure analysis for " + failure, failure);
  }

  static void assertSameSettings(ProcessSpec actual, ProcessSpec expected) {
    assertThat(actual.command()).isEqualTo(expected.command());
    assertThat(actual.workingDirectory()).isEqualTo(expected.workingDirectory());
    assertThat(actual.environment()).isEqualTo(expected.environment());
    assertThat(actual.labels()).isEqualTo(expected.labels());
    assertThat(actual.restartPolicy()).isEqualTo(expected.restartPolicy());
    assertThat(actual.stopSignal()).isEqualTo(expected.stopSignal());
    assertThat(actual.stopTimeout()).isEqualTo(expected.stopTimeout());
    assertThat(actual.output()).isEqualTo(expected.output());
    assertThat(actual.startupGrace()).isEqualTo(expected.startupGrace());
    assertThat(actual.dependencies()).isEqualTo(expected.dependencies());
    assertThat(actual.autoStart()).isEqualTo(expected.autoStart());
  }

  @Configuration(proxyBeanMethods = false)
  static class UserSupervisor {
    @Bean(destroyMethod = "close")
    Supervisor mySupervisor() {
      return Supervisor.builder().name("users-own").build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserLifecycle {
    @Bean
    VigilLifecycle myLifecycle(Supervisor supervisor) {
      return new VigilLifecycle(supervisor, List.of(), 7, Duration.ZERO);
    }
  }
}
