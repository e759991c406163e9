package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.spring.boot.testing.Children;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * "Log noise", on a real Spring context with real processes and the application's real logback: a
 * missing binary retried to its start limit is said once at WARN and summed up once at ERROR (not
 * three WARN lines per attempt), the expected "not all processes started" WARN has no stack trace,
 * and an ordinary restart is one INFO line with its cause and delay.
 */
@Timeout(90)
@EnabledOnOs(OS.LINUX)
class QuietLogsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class))
      .withPropertyValues("vigil.defaults.startup-grace=0s", "vigil.defaults.stop.timeout=5s",
          "vigil.defaults.restart.backoff.initial-delay=10ms", "vigil.defaults.restart.backoff.max-delay=20ms");

  private final Logger vigil = (Logger) LoggerFactory.getLogger("io.github.vigil");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Level before;

  @BeforeEach
  void capture() {
    before = vigil.getLevel();
    vigil.setLevel(Level.INFO);
    lines.start();
    vigil.addAppender(lines);
  }

  @AfterEach
  void release() {
    vigil.detachAppender(lines);
    vigil.setLevel(before);
  }

  @Test
  void aMissingBinaryIsSaidOnceAndSummedUpWhenThePolicyGivesUp() {
    runner.withPropertyValues("vigil.processes.ghost.command=/nonexistent/vigil-ghost-binary",
        "vigil.processes.ghost.restart.max-restarts=4", "vigil.lifecycle.start-timeout=30s").run(context -> {
          assertThat(context).hasNotFailed();
          ProcessController ghost = context.getBean(Supervisor.class).controller("ghost").orElseThrow();
          assertThat(ghost.status().state()).isEqualTo(ProcessState.FAILED);
          List<ILoggingEvent> about = about("ghost");
          assertThat(about).as(text(about)).hasSize(3);
          assertThat(about.get(0).getLevel()).isEqualTo(Level.WARN);
          assertThat(about.get(0).getFormattedMessage()).contains("could not start").contains("/nonexistent/vigil-ghost-binary");
          assertThat(about.get(1).getLevel()).isEqualTo(Level.INFO);
          assertThat(about.get(1).getFormattedMessage()).contains("restart 1 in ");
          assertThat(about.get(2).getLevel()).isEqualTo(Level.ERROR);
          assertThat(about.get(2).getFormattedMessage()).contains("start limit reached").contains("(failed to start 5 times in ")
              .contains("/nonexistent/vigil-ghost-binary");
          List<ILoggingEvent> lifecycle = lines.list.stream().filter(e -> e.getFormattedMessage().startsWith("Not all processes")).toList();
          assertThat(lifecycle).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getThrowableProxy()).as("no stack trace for an expected condition").isNull();
            assertThat(e.getFormattedMessage()).contains("ghost FAILED");
          });
        });
  }

  @Test
  void anOrdinaryRestartIsOneInfoLineWithCauseAndDelay() {
    String marker = Long.toString(3_000_000 + ProcessHandle.current().pid() % 1_000_000);
    runner.withPropertyValues("vigil.processes.flaky.command=sh,-c,sleep 0.2; exit 3 # " + marker,
        "vigil.processes.flaky.restart.max-restarts=1000").run(context -> {
          ProcessController flaky = context.getBean(Supervisor.class).controller("flaky").orElseThrow();
          assertThat(Children.eventually(WAIT, () -> flaky.status().restarts() >= 5)).isTrue();
          flaky.stop(WAIT);
          int restarts = flaky.status().restarts();
          List<ILoggingEvent> about = about("flaky");
          assertThat(about).as(text(about)).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
          List<ILoggingEvent> restartLines = about.stream().filter(e -> e.getFormattedMessage().contains("; restart ")).toList();
          assertThat(restartLines).hasSize(restarts);
          assertThat(restartLines).allSatisfy(e -> assertThat(e.getFormattedMessage())
              .matches("Process flaky ended: ERROR_EXIT \\(exit code 3\\) after \\d+ ms; restart \\d+ in \\d+(\\.\\d+)? ms \\(start limit 1000 per 1 h\\)"));
          // what else is said of it: the first start, the stop; nothing per restart
          assertThat(about.size() - restartLines.size()).as(text(about)).isLessThanOrEqualTo(3);
        });
  }

  private List<ILoggingEvent> about(String process) {
    return lines.list.stream().filter(e -> e.getKeyValuePairs() != null
        && e.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("process") && process.equals(kv.value))).toList();
  }

  private static String text(List<ILoggingEvent> events) {
    StringBuilder b = new StringBuilder();
    events.forEach(e -> b.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n'));
    return b.toString();
  }
}
