package io.github.vigil.spring.boot.autoconfigure;

import static io.github.vigil.spring.boot.autoconfigure.SinkPropertyErrorsTest.invalid;
import static io.github.vigil.spring.boot.autoconfigure.SinkPropertyErrorsTest.stackTrace;
import static io.github.vigil.spring.boot.autoconfigure.SinkPropertyErrorsTest.startWith;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A header of an http health check that the JDK's HTTP client refuses, as a real Spring Boot application reading a real
 * {@code application.yml} reports it: refused at start (it was taken, and failed every check), named by its own key
 * with its file and line (it was named by the map, where Spring Boot finds no origin, the key shown as the value); the
 * header's value, which may be a token, never shown.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class HealthCheckHeaderErrorsTest {
  private static final String SECRET = "hc-secret-7a2b";

  @Test
  void aRestrictedHeaderIsNamedByItsKeyWithItsLine(CapturedOutput output) {
    Throwable failure = startWith("health-errors/host-header.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.property()).isEqualTo("vigil.processes.quote-feed.health-checks[0].headers.Host");
    String printed = output.getOut() + output.getErr();
    assertThat(printed).contains("Invalid Vigil configuration:\n\n"
        + "    Property: vigil.processes.quote-feed.health-checks[0].headers.Host\n"
        + "    Value: \"<hidden>\"\n"
        + "    Origin: class path resource [health-errors/host-header.yml] - 12:19\n"
        + "    Reason: header of health check 'http:127.0.0.1:8080/health' 'Host' is refused by the JDK's HTTP client "
        + "(restricted header name: \"Host\")\n");
    assertThat(printed + stackTrace(failure)).doesNotContain(SECRET);
  }

  @Test
  void aHeaderNameThatIsNoTokenIsNamedInBracketsWithItsLine(CapturedOutput output) {
    Throwable failure = startWith("health-errors/spaced-header.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.property()).isEqualTo("vigil.processes.quote-feed.health-checks[1].headers[X Token]");
    String printed = output.getOut() + output.getErr();
    assertThat(printed).contains("    Property: vigil.processes.quote-feed.health-checks[1].headers[X Token]\n"
        + "    Value: \"<hidden>\"\n"
        + "    Origin: class path resource [health-errors/spaced-header.yml] - 12:26\n"
        + "    Reason: header of health check 'http:127.0.0.1:8080/health' 'X Token' is refused by the JDK's HTTP client "
        + "(invalid header name: \"X Token\")\n");
    assertThat(printed + stackTrace(failure)).doesNotContain(SECRET);
  }

  /** Headers on a check that is not http: named by a key with its line, not by the map, whose value showed the token. */
  @Test
  void headersOnATcpCheckAreNamedByAKeyWithoutTheirValues(CapturedOutput output) {
    Throwable failure = startWith("health-errors/headers-on-tcp.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.property()).isEqualTo("vigil.processes.quote-feed.health-checks[0].headers.Authorization");
    String printed = output.getOut() + output.getErr();
    assertThat(printed).contains("    Property: vigil.processes.quote-feed.health-checks[0].headers.Authorization\n"
        + "    Value: \"<hidden>\"\n"
        + "    Origin: class path resource [health-errors/headers-on-tcp.yml] - 11:28\n"
        + "    Reason: headers applies to http health checks; this one is a tcp check\n");
    assertThat(printed + stackTrace(failure)).doesNotContain(SECRET);
  }
}
