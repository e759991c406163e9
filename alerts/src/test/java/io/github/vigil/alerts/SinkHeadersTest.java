package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The headers of a webhook or Alertmanager sink and the labels of an Alertmanager sink are refused as they are given when
 * they could not be sent, or would not be seen: a header the JDK's HTTP client refuses was taken and failed every send
 * (the JDK's refusal at each {@code POST}), a Content-Type was sent beside the sink's own, a blank header value was sent
 * as is, and Alertmanager drops a label whose value is empty. A header's value is never in the message.
 */
class SinkHeadersTest {
  private static final String SECRET = "hdr-secret-4c1d";

  @Test
  void aHeaderThatCouldNotBeSentIsRefusedNamingTheSinkAndTheHeaderNeverItsValue() {
    List<BiConsumer<String, String>> sinks = List.of(
        (n, v) -> WebhookSink.builder("hook", URI.create("http://127.0.0.1:1/hook")).header(n, v),
        (n, v) -> AlertmanagerSink.builder("fleet", URI.create("http://127.0.0.1:1")).header(n, v));
    for (BiConsumer<String, String> sink : sinks) {
      assertThatThrownBy(() -> sink.accept("Host", SECRET)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageEndingWith("'Host' is refused by the JDK's HTTP client (restricted header name: \"Host\")")
          .hasMessageNotContaining(SECRET);
      assertThatThrownBy(() -> sink.accept("X Token", SECRET)).hasMessageContaining("'X Token' is refused by the JDK's HTTP client "
          + "(invalid header name: \"X Token\")");
      assertThatThrownBy(() -> sink.accept("content-type", "text/plain")).hasMessageContaining("'content-type': the sink sets "
          + "Content-Type itself");
      assertThatThrownBy(() -> sink.accept("X-Token", "")).hasMessageEndingWith("'X-Token' must not have a blank value: it is empty");
      assertThatThrownBy(() -> sink.accept("X-Token", "  ")).hasMessageEndingWith("it is 2 whitespace characters");
      // the JDK's own message shows the value: not this one
      assertThatThrownBy(() -> sink.accept("X-Token", SECRET + "\r\nX-Other: 1")).hasMessageContaining("'X-Token' has a value the JDK's "
          + "HTTP client refuses").hasMessageNotContaining(SECRET);
      sink.accept("X-Token", SECRET);   // a good one is taken
      sink.accept("Authorization", "Bearer " + SECRET);
    }
    assertThatThrownBy(() -> WebhookSink.builder("hook", URI.create("http://127.0.0.1:1/hook")).header("Host", "x"))
        .hasMessageStartingWith("header of webhook sink hook ");
    assertThatThrownBy(() -> AlertmanagerSink.builder("fleet", URI.create("http://127.0.0.1:1")).header("Host", "x"))
        .hasMessageStartingWith("header of Alertmanager sink fleet ");
  }

  @Test
  void anEmptyLabelValueOfAnAlertmanagerSinkIsRefused() {
    AlertmanagerSink.Builder b = AlertmanagerSink.builder("fleet", URI.create("http://127.0.0.1:1"));
    assertThatThrownBy(() -> b.label("team", "")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label team of Alertmanager sink fleet must not be empty: Alertmanager drops a label whose value is empty");
    assertThat(b.label("team", "rates").build().toString()).contains("team=rates");
  }
}
