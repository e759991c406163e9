package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spring.boot.actuate.VigilEndpoint;
import io.github.vigil.spring.boot.actuate.VigilEndpoint.ProcessDescriptor;
import io.github.vigil.spring.boot.actuate.VigilEndpoint.RuleDescriptor;
import io.github.vigil.spring.boot.testing.Children;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * "Resource rules have no recovery": a real process above its CPU limit, then calm. The endpoint and
 * the health details show the rule BREACHED while it lasts and WITHIN once a sample is back within
 * the limit, and the supervisor publishes {@code ResourceLimitRecovered}.
 */
@Timeout(90)
@EnabledOnOs(OS.LINUX)
class ResourceRuleRecoveryStarterTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilEndpointAutoConfiguration.class,
          VigilHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
          HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
      .withPropertyValues("management.endpoints.web.exposure.include=vigil,health", "management.endpoint.health.show-details=always",
          "vigil.defaults.startup-grace=0s", "vigil.defaults.stop.timeout=5s");

  @Test
  void theRuleStateFollowsABreachAndItsRecovery(@TempDir Path dir) {
    Path calm = dir.resolve("calm");
    String marker = Long.toString(4_000_000 + ProcessHandle.current().pid() % 1_000_000);
    runner.withPropertyValues(
        "vigil.processes.quote-feed.command=sh,-c,while [ ! -e " + calm + " ]; do :; done; exec sleep " + marker,
        "vigil.processes.quote-feed.resource-rules[0].cpu-percent-above=10",
        "vigil.processes.quote-feed.resource-rules[0].failure-threshold=2",
        "vigil.processes.quote-feed.resource-rules[0].interval=300ms",
        "vigil.processes.quote-feed.resource-rules[0].action=notify").run(context -> {
          assertThat(context).hasNotFailed();
          List<SupervisorEvent> events = new CopyOnWriteArrayList<>();
          context.getBean(Supervisor.class).subscribe(events::add);
          VigilEndpoint endpoint = context.getBean(VigilEndpoint.class);
          HealthEndpoint health = context.getBean(HealthEndpoint.class);

          assertThat(Children.eventually(WAIT, () -> rule(endpoint).state().equals("BREACHED"))).as("%s", rule(endpoint)).isTrue();
          assertThat(rule(endpoint).breachedAt()).isNotNull();
          assertThat(rule(endpoint).violations()).isEqualTo(1);
          assertThat(rules(health).get("cpu")).startsWith("BREACHED since ");

          Files.createFile(calm);
          assertThat(Children.eventually(WAIT, () -> events.stream().anyMatch(e -> e instanceof SupervisorEvent.ResourceLimitRecovered)))
              .as("%s", events).isTrue();
          RuleDescriptor after = rule(endpoint);
          assertThat(after.state()).isEqualTo("WITHIN");
          assertThat(after.breachedAt()).isNull();
          assertThat(after.last().message()).contains("within the limit of 10.0%");
          assertThat(rules(health).get("cpu")).startsWith("WITHIN, 1 violation, last PASSED");
        });
    // the sleeper the shell became is gone with the context
    org.assertj.core.api.Assertions.assertThat(Children.sleepers(marker)).isEmpty();
  }

  private static RuleDescriptor rule(VigilEndpoint endpoint) {
    return ((ProcessDescriptor) endpoint.process("quote-feed")).healthReport().resourceRules().get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> rules(HealthEndpoint health) {
    return (Map<String, String>) ((IndicatedHealthDescriptor) health.healthForPath("vigil", "quote-feed")).getDetails().get("resourceRules");
  }
}
