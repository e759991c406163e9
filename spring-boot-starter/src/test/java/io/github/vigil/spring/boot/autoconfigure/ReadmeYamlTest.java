package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Supervisor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Every {@code yaml} block of this module's README is a configuration a user can paste into {@code application.yml}:
 * each one, as written, starts an application context (bound, checked by the strict {@code vigil.*} keys, converted
 * into the core's specs, groups, calendars and schedules). The files a block names on the user's machine
 * ({@code /var/lib/gateway}, {@code /etc/desk/...}) are put in a temporary directory; the processes, whose programs do
 * not exist here, are not waited for ({@code vigil.lifecycle.start-timeout=0s}).
 */
@Timeout(120)
class ReadmeYamlTest {
  private static final Path README = Path.of("README.md");

  @TempDir
  Path dir;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilGroupAutoConfiguration.class,
          VigilCalendarAutoConfiguration.class, VigilEndpointAutoConfiguration.class))
      .withPropertyValues("vigil.backend=jdk", "vigil.lifecycle.start-timeout=0s");

  @Test
  void everyYamlBlockOfTheReadmeStartsAContextAsWritten() throws IOException {
    List<String> blocks = yamlBlocks(Files.readString(README, StandardCharsets.UTF_8));
    assertThat(blocks).as("yaml blocks of %s", README.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(4);
    Files.writeString(dir.resolve("shfe-2026.holidays"), "# holidays\n2026-01-01\n");
    List<String> failures = new ArrayList<>();
    for (String block : blocks) {
      String yaml = block.replace("/var/lib/gateway", dir.resolve("gateway").toString())
          .replace("/etc/desk/", dir + "/");
      List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("README.md",
          new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
      runner.withInitializer(c -> sources.forEach(s -> c.getEnvironment().getPropertySources().addFirst(s))).run(c -> {
        if (c.getStartupFailure() != null) {
          Throwable root = c.getStartupFailure();
          while (root.getCause() != null) {
            root = root.getCause();
          }
          failures.add(first(block) + " => " + root);
        } else {
          assertThat(c).hasSingleBean(Supervisor.class);
        }
      });
    }
    assertThat(failures).as("README yaml blocks that do not start").isEmpty();
  }

  static List<String> yamlBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  private static String first(String block) {
    return block.lines().limit(3).map(String::strip).reduce((a, b) -> a + " " + b).orElse("");
  }
}
