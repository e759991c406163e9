package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An e-mail over real SMTP to GreenMail on 127.0.0.1 (an in-process server), with and without AUTH. */
@Timeout(60)
class EmailSinkTest {
  private final GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
  private final Instant now = Instant.parse("2026-01-05T09:30:00.123456789Z"); // a clock's nanoseconds, as alerts carry
  private final Notification notification = new Notification("desk", "desk{process=orders}", Map.of("process", "orders"),
      List.of(Alert.firing(AlertType.FAILED, "", "orders", Severity.CRITICAL, "orders failed: start limit reached", "",
          Map.of(), now)), List.of(), now, false, false);

  EmailSinkTest() {
    mail.start();
  }

  @AfterEach
  void stop() {
    mail.stop();
  }

  @Test
  void theServerReceivesTheNotification() throws Exception {
    EmailSink sink = EmailSink.builder("mail", "127.0.0.1", mail.getSmtp().getPort()).from("vigil@desk.example")
        .to("ops@desk.example", "oncall@desk.example").build();
    sink.send(notification);
    assertThat(mail.waitForIncomingEmail(10_000, 2)).isTrue();
    MimeMessage[] got = mail.getReceivedMessages();
    assertThat(got).hasSize(2);
    assertThat(got[0].getSubject()).isEqualTo("[FIRING:1] orders CRITICAL");
    assertThat(GreenMailUtil.getBody(got[0])).contains("orders failed: start limit reached")
        .contains("since 2026-01-05T09:30:00Z").doesNotContain("123456789"); // to the second, as a person reads it
    assertThat(got[0].getHeader("X-Vigil-Route")).containsExactly("desk");
  }

  /** A blank SMTP host is refused naming the sink: Jakarta Mail connected to localhost instead. */
  @Test
  void aBlankHostIsRefused() {
    assertThatThrownBy(() -> EmailSink.builder("mail", " ", 25)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SMTP host of mail sink mail must not be blank: ' '");
  }

  @Test
  void smtpAuthWorksAndThePasswordIsNeverShown() throws Exception {
    mail.setUser("vigil@desk.example", "vigil", "s3cret-pass");
    EmailSink sink = EmailSink.builder("mail", "127.0.0.1", mail.getSmtp().getPort()).from("vigil@desk.example")
        .to("ops@desk.example").auth("vigil", "s3cret-pass").build();
    sink.send(notification);
    assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
    assertThat(sink.toString()).doesNotContain("s3cret-pass");
  }

  @Test
  void noServerFailsWithinTheTimeout() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmailSink sink = EmailSink.builder("mail", "127.0.0.1", port).from("vigil@desk.example").to("ops@desk.example")
        .timeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(() -> sink.send(notification)).isInstanceOf(jakarta.mail.MessagingException.class);
  }

  @Test
  void badAddressesAreRejectedNamingTheSink() {
    assertThatThrownBy(() -> EmailSink.builder("mail", "127.0.0.1", 25).from("not an address").to("ops@x").build())
        .hasMessageContaining("e-mail sink mail");
    assertThatThrownBy(() -> EmailSink.builder("mail", "127.0.0.1", 0)).hasMessageContaining("SMTP port");
  }
}
