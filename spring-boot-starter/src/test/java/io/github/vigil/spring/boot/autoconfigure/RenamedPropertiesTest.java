package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.ResourceRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Issue #13, "one dialect": the property names it retired ({@code cpu-above}, {@code samples} of a
 * resource rule; {@code type} and {@code account} of an attachment) fail start-up through the strict
 * {@code vigil.*} binding, naming the key, instead of being ignored; the new names bind.
 */
class RenamedPropertiesTest {
  private static final String FEED = "vigil.processes.quote-feed.";
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class))
      .withPropertyValues("vigil.backend=jdk", FEED + "command=sleep,600", FEED + "auto-start=false");

  @Test
  void retiredNamesFailStartUpNamingTheKey() {
    Map<String, String> retired = Map.of(
        FEED + "resource-rules[0].cpu-above=90", FEED + "resource-rules[0].cpu-above",
        FEED + "resource-rules[0].cpu-percent-above=90|" + FEED + "resource-rules[0].samples=2", FEED + "resource-rules[0].samples",
        "vigil.attach.rec.pid=4242|vigil.attach.rec.type=trader", "vigil.attach.rec.type",
        "vigil.attach.rec.pid=4242|vigil.attach.rec.account=001", "vigil.attach.rec.account");
    retired.forEach((settings, key) -> runner.withPropertyValues(settings.split("\\|")).run(context -> {
      assertThat(context).as(settings).hasFailed();
      Throwable t = context.getStartupFailure();
      while (t != null && !(t instanceof InvalidVigilPropertyException)) {
        t = t.getCause();
      }
      assertThat(t).as("%s: an InvalidVigilPropertyException in %s", settings, context.getStartupFailure())
          .isInstanceOf(InvalidVigilPropertyException.class);
      assertThat(((InvalidVigilPropertyException) t).property()).isEqualTo(key);
    }));
  }

  @Test
  void theNewNamesBindToTheSameDialectAsTheApi() {
    runner.withPropertyValues(FEED + "resource-rules[0].cpu-percent-above=90", FEED + "resource-rules[0].failure-threshold=5",
        FEED + "resource-rules[0].interval=2s", FEED + "resource-rules[0].action=notify", FEED + "labels.type=COMMUNICATION",
        "vigil.attach.comm.pid=4242", "vigil.attach.comm.labels.type=COMMUNICATION").run(context -> {
          assertThat(context).hasNotFailed();
          ProcessSpec feed = new ProcessSpecFactory(context.getEnvironment()).create("quote-feed");
          assertThat(feed.resourceRules()).containsExactly(ResourceRule.cpuPercentAbove(90).failureThreshold(5)
              .interval(java.time.Duration.ofSeconds(2)).action(io.github.vigil.HealthCheck.Action.NOTIFY).build());
          assertThat(new ProcessSpecFactory(context.getEnvironment()).attachments(context.getBean(VigilProperties.class)))
              .singleElement().satisfies(a -> assertThat(a.labels()).isEqualTo(feed.labels()));
        });
  }
}
