package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Sends each notification as a plain-text e-mail over SMTP, with Jakarta Mail as implemented by
 * Eclipse Angus Mail ({@code org.eclipse.angus:angus-mail}, an optional dependency to add). Subject:
 * the notification's title; body: its text. SMTP connect, read and write timeouts are set (10 s by
 * default), so a hung server fails the attempt and the pipeline retries. STARTTLS on request; the
 * password is never logged nor shown by {@link #toString()}. Thread-safe.
 */
public final class EmailSink implements NotificationSink {
  private final String name;
  private final Session session;
  private final InternetAddress from;
  private final InternetAddress[] to;
  private final @Nullable String user;
  private final @Nullable String password;
  private final String host;
  private final int port;

  private EmailSink(Builder b) throws MessagingException {
    this.name = b.name;
    this.host = b.host;
    this.port = b.port;
    Properties p = new Properties();
    p.put("mail.smtp.host", b.host);
    p.put("mail.smtp.port", Integer.toString(b.port));
    String t = Long.toString(b.timeout.toMillis());
    p.put("mail.smtp.connectiontimeout", t);
    p.put("mail.smtp.timeout", t);
    p.put("mail.smtp.writetimeout", t);
    p.put("mail.smtp.auth", Boolean.toString(b.user != null));
    if (b.startTls) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    this.session = Session.getInstance(p);
    this.from = new InternetAddress(b.from, true);
    List<InternetAddress> rcpt = new ArrayList<>();
    for (String r : b.to) {
      rcpt.add(new InternetAddress(r, true));
    }
    this.to = rcpt.toArray(new InternetAddress[0]);
    this.user = b.user;
    this.password = b.password;
  }

  /** A sink named {@code name} sending through the SMTP server at {@code host}:{@code port}. */
  public static Builder builder(String name, String host, int port) {
    return new Builder(name, host, port);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Notification n) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(from);
    m.setRecipients(Message.RecipientType.TO, to);
    m.setSubject(n.title(), StandardCharsets.UTF_8.name());
    m.setText(n.text(), StandardCharsets.UTF_8.name());
    m.setSentDate(Date.from(n.at()));
    m.setHeader("X-Vigil-Route", n.route());
    m.saveChanges();
    try (Transport transport = session.getTransport("smtp")) {
      if (user != null) {
        transport.connect(host, port, user, password);
      } else {
        transport.connect();
      }
      transport.sendMessage(m, m.getAllRecipients());
    }
  }

  @Override
  public String toString() {
    return "EmailSink{" + name + ", smtp " + host + ":" + port + (user == null ? "" : ", user " + user) + "}";
  }

  /** Builds an {@link EmailSink}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final String host;
    private final int port;
    private @Nullable String from;
    private final List<String> to = new ArrayList<>();
    private @Nullable String user;
    private @Nullable String password;
    private boolean startTls;
    private Duration timeout = Duration.ofSeconds(10);

    private Builder(String name, String host, int port) {
      this.name = SinkNames.check(name);
      this.host = requireNonNull(host, "host");
      if (host.isBlank()) { // Jakarta Mail connects to localhost then, not where the user meant
        throw new IllegalArgumentException("SMTP host of mail sink " + name + " must not be blank: '" + host + "'");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("SMTP port must be 1..65535: " + port);
      }
      this.port = port;
    }

    /** The sender address. */
    public Builder from(String address) {
      from = requireNonNull(address, "from");
      return this;
    }

    /** Adds recipients. */
    public Builder to(String... addresses) {
      to.addAll(List.of(addresses));
      return this;
    }

    /** SMTP AUTH with this user and password (the password is never logged). */
    public Builder auth(String userName, String pass) {
      user = requireNonNull(userName, "user");
      password = requireNonNull(pass, "password");
      return this;
    }

    /** Requires STARTTLS. */
    public Builder startTls(boolean on) {
      startTls = on;
      return this;
    }

    /** SMTP connect, read and write timeout (default 10 s). */
    public Builder timeout(Duration d) {
      requireNonNull(d, "timeout");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + HumanFormat.duration(d));
      }
      timeout = d;
      return this;
    }

    /** The sink. @throws IllegalArgumentException naming a bad address */
    public EmailSink build() {
      if (from == null) {
        throw new IllegalStateException("e-mail sink " + name + " needs a from address");
      }
      if (to.isEmpty()) {
        throw new IllegalStateException("e-mail sink " + name + " needs at least one recipient");
      }
      try {
        return new EmailSink(this);
      } catch (MessagingException e) {
        throw new IllegalArgumentException("e-mail sink " + name + ": bad address: " + e.getMessage(), e);
      }
    }
  }
}
