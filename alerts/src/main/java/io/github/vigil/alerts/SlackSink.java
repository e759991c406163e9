package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Posts to a Slack incoming webhook ({@code https://hooks.slack.com/services/T…/B…/…}): a {@code text}
 * (the fallback shown in notifications) and {@code blocks}, a {@code header} block with the title and
 * a {@code section} block in Slack's {@code mrkdwn}. Slack answers {@code ok} (HTTP 200) or an HTTP
 * error. The webhook URL is the secret: it is never logged. Thread-safe.
 */
public final class SlackSink implements NotificationSink {
  private final String name;
  private final URI webhook;
  private final Http http;

  /** A sink named {@code name} posting to the incoming webhook {@code webhook}, with a 10 s timeout. */
  public SlackSink(String name, URI webhook) {
    this(name, webhook, Duration.ofSeconds(10));
  }

  /** As {@link #SlackSink(String, URI)} with a request timeout. */
  public SlackSink(String name, URI webhook, Duration timeout) {
    this.name = SinkNames.check(name);
    this.webhook = requireNonNull(webhook, "webhook");
    this.http = new Http(timeout);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Notification n) throws Exception {
    http.post(webhook, body(n), Map.of(), "Slack webhook " + name);
  }

  static String body(Notification n) {
    StringBuilder md = new StringBuilder();
    for (Alert a : n.firing()) {
      md.append("• *").append(a.severity().name()).append("* ").append(a.summary());
      if (a.occurrences() > 1) {
        md.append(" (").append(a.occurrences()).append(" times)");
      }
      md.append('\n');
    }
    for (Alert a : n.resolved()) {
      md.append("• *RESOLVED* ").append(a.summary()).append('\n');
    }
    return new Json().beginObject()
        .field("text", n.title())
        .name("blocks").beginArray()
        .beginObject().field("type", "header")
        .name("text").beginObject().field("type", "plain_text").field("text", Http.truncateUtf8(n.title(), 150)).endObject()
        .endObject()
        .beginObject().field("type", "section")
        .name("text").beginObject().field("type", "mrkdwn").field("text", Http.truncateUtf8(md.toString(), 3000)).endObject()
        .endObject()
        .endArray()
        .endObject().toString();
  }

  @Override
  public String toString() {
    return "SlackSink{" + name + "}";
  }
}
