package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.OutputSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.EventRecorder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** Child output through SLF4J (issue #12, items 19 and 20), with slf4j-simple writing to System.err. */
class OutputLoggingTest {

  /** Item 19: a line with SLF4J's placeholder and its escape is logged verbatim, never used as a format string. */
  @Test
  void aChildsLineWithPlaceholdersIsLoggedVerbatim() throws Exception {
    String line = "price {} of {} \\{} is {}% {{}}";
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      sup.register(ProcessSpec.builder("braces").command("printf", "%s\\n%s\\n", line, "second " + line)
          .output(OutputSpec.defaults().withSlf4j(true)).restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build()).start();
      rec.awaitState("braces", ProcessState.EXITED, 1, Duration.ofSeconds(10));
    } finally {
      System.setErr(original);
    }
    String logged = captured.toString(StandardCharsets.UTF_8);
    assertThat(logged).contains("stream=stdout " + line + System.lineSeparator())
        .contains("stream=stdout second " + line + System.lineSeparator()).contains(" " + OutputCollector.OUTPUT_LOGGER + " - process=braces ");
  }

  /** Item 20: a thousand processes under unique names leave no logger per name behind. */
  @Test
  void uniqueProcessNamesLeaveNoLoggerBehind() throws Exception {
    int before = outputLoggers();
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      for (int i = 0; i < 40; i++) {
        String name = "job-" + i + "-" + System.nanoTime();
        sup.register(ProcessSpec.builder(name).command("sh", "-c", "echo done; echo warn >&2")
            .output(OutputSpec.defaults().withSlf4j(true)).restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build()).start();
        rec.awaitState(name, ProcessState.EXITED, 1, Duration.ofSeconds(10));
        sup.remove(name).toCompletableFuture().join();
      }
    }
    assertThat(outputLoggers() - before).as("loggers named vigil.output* created for 40 unique names").isLessThanOrEqualTo(1);
  }

  /** The loggers slf4j-simple's factory has made so far whose names start with vigil.output. */
  @SuppressWarnings("unchecked")
  private static int outputLoggers() throws ReflectiveOperationException {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    Field f = factory.getClass().getDeclaredField("loggerMap");
    f.setAccessible(true);
    Map<String, ?> loggers = (Map<String, ?>) f.get(factory);
    return (int) loggers.keySet().stream().filter(n -> n.startsWith(OutputCollector.OUTPUT_LOGGER)).count();
  }
}
