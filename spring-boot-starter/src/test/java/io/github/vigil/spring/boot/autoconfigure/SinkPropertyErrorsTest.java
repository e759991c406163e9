package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The mistakes of the alert sinks' properties, as a real Spring Boot application reading a real {@code application.yml}
 * reports them through the failure analyzer: every one in one start (it was the first, one a restart), and a wrong key
 * of a sink's {@code headers} or {@code labels} named as its own property with its file and line (it was named by the
 * sink, where Spring Boot finds no origin). Secrets are {@code <hidden>}.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class SinkPropertyErrorsTest {
  private static final String SLACK_SECRET = "SECslacksecret81c0";
  private static final String HEADER_SECRET = "hdr-secret-4c1d";
  private static final String SLACK_PATH = "slack-path-5e2a";

  /** Three properties no sink's type uses, on two sinks: one failure that names all three, in order, each with its line. */
  @Test
  void threeMistakesInOneConfigurationAreOneFailureNamingEachWithItsLine(CapturedOutput output) {
    Throwable failure = start("three-mistakes.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.getMessage()).startsWith("3 vigil.* properties are invalid: ")
        .contains("vigil.alerts.sinks.hook.smtp.host=mail.desk.example: a webhook sink does not use smtp.host; email sinks do")
        .contains("vigil.alerts.sinks.ops.headers.X-Token=<hidden>: a slack sink does not use headers; webhook and alertmanager sinks do")
        .contains("vigil.alerts.sinks.ops.secret=<hidden>: a slack sink does not use secret; dingtalk and feishu sinks do");
    assertThat(e.property()).isEqualTo("vigil.alerts.sinks.hook.smtp.host");   // the first, in the order of the names
    // what a person reads on the failed start (Spring Boot's report of the starter's analysis)
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [sink-errors/three-mistakes.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (3 properties):\n\n"
        + "    Property: vigil.alerts.sinks.hook.smtp.host\n"
        + "    Value: \"mail.desk.example\"\n"
        + "    " + file + "19:17\n"
        + "    Reason: a webhook sink does not use smtp.host; email sinks do (set vigil.alerts.sinks.hook.type to the kind of sink "
        + "meant, or leave smtp.host out)\n\n"
        + "    Property: vigil.alerts.sinks.ops.headers.X-Token\n"
        + "    Value: \"<hidden>\"\n"
        + "    " + file + "14:20\n"
        + "    Reason: a slack sink does not use headers; webhook and alertmanager sinks do (set vigil.alerts.sinks.ops.type to "
        + "the kind of sink meant, or leave headers out)\n\n"
        + "    Property: vigil.alerts.sinks.ops.secret\n"
        + "    Value: \"<hidden>\"\n"
        + "    " + file + "12:17\n");
    assertThat(printed).contains("Update each of these properties in your application's configuration.");
    assertThat(printed + stackTrace(failure)).doesNotContain(SLACK_SECRET).doesNotContain(HEADER_SECRET).doesNotContain(SLACK_PATH);
  }

  /**
   * A header the JDK's HTTP client would refuse at every send ({@code Host}, a name with a space), a label every alert sets
   * itself and an empty label value (which Alertmanager drops): each named by its key, as written, with its line.
   */
  @Test
  void aWrongHeaderOrLabelIsNamedByItsKeyWithItsLine(CapturedOutput output) {
    Throwable failure = start("bad-keys.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.getMessage()).startsWith("4 vigil.* properties are invalid: ");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [sink-errors/bad-keys.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (4 properties):\n\n"
        + "    Property: vigil.alerts.sinks.fleet.labels.alertname\n"
        + "    Value: \"Gateway\"\n"
        + "    " + file + "21:22\n"
        + "    Reason: label name of Alertmanager sink fleet is one every alert sets itself [alertname, process, severity, anomaly], "
        + "which would win over it: 'alertname'\n\n"
        + "    Property: vigil.alerts.sinks.fleet.labels.team\n"
        + "    Value: \"\"\n"
        + "    " + file + "22:17\n"
        + "    Reason: label team of Alertmanager sink fleet must not be empty: Alertmanager drops a label whose value is empty\n\n"
        + "    Property: vigil.alerts.sinks.hook.headers.Host\n"
        + "    Value: \"<hidden>\"\n"
        + "    " + file + "14:17\n"
        + "    Reason: header of webhook sink hook 'Host' is refused by the JDK's HTTP client (restricted header name: \"Host\")\n\n"
        + "    Property: vigil.alerts.sinks.hook.headers[X Token]\n"
        + "    Value: \"<hidden>\"\n"
        + "    " + file + "15:24\n"
        + "    Reason: header of webhook sink hook 'X Token' is refused by the JDK's HTTP client (invalid header name: \"X Token\")\n");
    assertThat(printed + stackTrace(failure)).doesNotContain(HEADER_SECRET);
  }

  /**
   * A timeout that is not positive on one sink, a url missing from another, a dingtalk sink's missing token and blank
   * secret: one failure naming all four, each with its line where it has one (they were found one a start, as each
   * sink was built).
   */
  @Test
  void whatBuildingASinkRefusesIsInTheSameOneFailure(CapturedOutput output) {
    Throwable failure = start("build-mistakes.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.getMessage()).startsWith("4 vigil.* properties are invalid: ");
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly("vigil.alerts.sinks.desk.timeout",
        "vigil.alerts.sinks.hook.url", "vigil.alerts.sinks.robot.secret", "vigil.alerts.sinks.robot.token");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [sink-errors/build-mistakes.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (4 properties):\n\n"
        + "    Property: vigil.alerts.sinks.desk.timeout\n"
        + "    Value: \"0 ns\"\n"
        + "    " + file + "12:18\n"
        + "    Reason: must be positive\n\n"
        + "    Property: vigil.alerts.sinks.hook.url\n"
        + "    Value: \"null\"\n"
        + "    Reason: required for this sink type\n\n"
        + "    Property: vigil.alerts.sinks.robot.secret\n"
        + "    Value: \"<hidden>\"\n"
        + "    " + file + "17:17\n"
        + "    Reason: must not be blank: it is empty; leave it out when the robot does not verify signatures\n\n"
        + "    Property: vigil.alerts.sinks.robot.token\n"
        + "    Value: \"<hidden>\"\n"
        + "    Reason: required for this sink type\n");
    assertThat(printed + stackTrace(failure)).doesNotContain(SLACK_PATH);
  }

  private static Throwable start(String yaml) {
    return startWith("sink-errors/" + yaml);
  }

  /** How an application with the class path resource {@code yaml} as its configuration failed to start. */
  static Throwable startWith(String yaml) {
    SpringApplicationBuilder app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties("spring.config.location=classpath:/" + yaml);
    return org.assertj.core.api.Assertions.catchThrowable(() -> app.run().close());
  }

  static InvalidVigilPropertyException invalid(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidVigilPropertyException e) {
        return e;
      }
    }
    throw new AssertionError("no InvalidVigilPropertyException in " + failure, failure);
  }

  static String stackTrace(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
