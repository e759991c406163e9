package io.github.vigil.spring.boot.autoconfigure;

import static io.github.vigil.spring.boot.autoconfigure.SinkPropertyErrorsTest.invalid;
import static io.github.vigil.spring.boot.autoconfigure.SinkPropertyErrorsTest.startWith;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The mistakes of the processes' properties ({@code vigil.processes.NAME.*}), as a real Spring Boot application reading a
 * real {@code application.yml} reports them through the failure analyzer: every one of every process in one start,
 * sorted by property, each with its line (it was the first, one a restart), as the alert sinks' are.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class ProcessPropertyErrorsTest {

  /** Two mistakes on one process and one on another: one failure naming the three, by property name, each with its line. */
  @Test
  void threeMistakesOnTwoProcessesAreOneFailureNamingEachWithItsLine(CapturedOutput output) {
    Throwable failure = startWith("process-errors/three-mistakes.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.getMessage()).startsWith("3 vigil.* properties are invalid: ");
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.processes.order-gateway.health-checks[0].interval",
        "vigil.processes.quote-feed.output.backups",
        "vigil.processes.quote-feed.restart.max-restarts");
    assertThat(e.property()).isEqualTo("vigil.processes.order-gateway.health-checks[0].interval");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [process-errors/three-mistakes.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (3 properties):\n\n"
        + "    Property: vigil.processes.order-gateway.health-checks[0].interval\n"
        + "    Value: \"0s\"\n"
        + "    " + file + "17:21\n"
        + "    Reason: interval of health check 'tcp:localhost:8080' must be positive: 0 ns\n\n"
        + "    Property: vigil.processes.quote-feed.output.backups\n"
        + "    Value: \"5000\"\n"
        + "    " + file + "10:18\n"
        + "    Reason: output.backups must be in [0, 1000]: 5000\n\n"
        + "    Property: vigil.processes.quote-feed.restart.max-restarts\n"
        + "    Value: \"-1\"\n"
        + "    " + file + "8:23\n"
        + "    Reason: restart.maxRestarts must not be negative: -1\n");
    assertThat(printed).contains("Update each of these properties in your application's configuration.");
  }

  /**
   * A process without a command is not checked further (its bad max-restarts is not named), and the other process's
   * mistakes are still all found: its stop timeout, a check's failure threshold, a dependency name no process can have,
   * and a dependency on a process nobody defines, found after the specs are built, in the same failure. Its healthy
   * dependency on the process that could not be built is not called wrong (that one's health checks are not known), nor
   * is the refused name said a second time as an unknown process.
   */
  @Test
  void aProcessWithoutACommandStopsItsOwnChecksNotTheOthers(CapturedOutput output) {
    Throwable failure = startWith("process-errors/stopped-and-dependencies.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.processes.order-gateway.depends-on",
        "vigil.processes.order-gateway.depends-on.risk-engine",
        "vigil.processes.order-gateway.health-checks[0].failure-threshold",
        "vigil.processes.order-gateway.stop.timeout",
        "vigil.processes.quote-feed.command");
    assertThat(e.all()).extracting(InvalidVigilPropertyException::reason).containsExactly(
        "dependsOn of 'order-gateway' must be a process name, 1 to 128 letters, digits, '.', '_' or '-': 'risk desk'",
        "no process named 'risk-engine' is defined (known: [quote-feed, order-gateway])",
        "failureThreshold of health check 'tcp:localhost:8080' must be at least 1: 0",
        "stopTimeout of 'order-gateway' must not be negative: -5.00 s",
        "command of 'quote-feed' is not set");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [process-errors/stopped-and-dependencies.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (5 properties):\n\n"
        + "    Property: vigil.processes.order-gateway.depends-on\n")
        .contains("    Property: vigil.processes.order-gateway.depends-on.risk-engine\n"
            + "    Value: \"started\"\n"
            + "    " + file + "13:22\n")
        .contains("    " + file + "21:30\n")
        .contains("    " + file + "16:18\n");
  }

  /**
   * A mistake in {@code vigil.defaults}, which every process takes, is named once under its own property with its line,
   * beside another process's own mistake.
   */
  @Test
  void aMistakeInTheDefaultsIsNamedOnce(CapturedOutput output) {
    Throwable failure = startWith("process-errors/defaults-mistake.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.defaults.restart.max-restarts", "vigil.processes.order-gateway.output.tail-lines");
    String printed = output.getOut() + output.getErr();
    assertThat(printed).contains("Invalid Vigil configuration (2 properties):\n\n"
        + "    Property: vigil.defaults.restart.max-restarts\n"
        + "    Value: \"-1\"\n"
        + "    Origin: class path resource [process-errors/defaults-mistake.yml] - 5:21\n");
  }
}
