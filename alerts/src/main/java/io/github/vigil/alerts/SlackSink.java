package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Posts to a Slack incoming webhook ({@code https://hooks.slack.com/services/T…/B…/…}): a {@code text}
 * (the fallback shown in notifications) and {@code blocks}, a {@code header} block with the title and
 * a {@code section} block in Slack's {@code mrkdwn} with the lines the other sinks show ({@link Notification#text()}):
 * each alert's count and time, a resolved one's {@code (after N occurrences)}, and the description that tells a
 * repeated crash's or check's history. Slack answers {@code ok} (HTTP 200) or an HTTP
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
    // the lines every sink shows (counts, times, a resolved alert's occurrences, a description telling the history), in
    // Slack's mrkdwn: *bold*, and a bullet character (mrkdwn has no list syntax)
    String md = n.lines("", "• ", s -> "*" + s + "*", "    ◦ ");
    return new Json().beginObject()
        .field("text", n.title())
        .name("blocks").beginArray()
        .beginObject().field("type", "header")
        .name("text").beginObject().field("type", "plain_text").field("text", Http.truncateUtf8(n.title(), 150)).endObject()
        .endObject()
        .beginObject().field("type", "section")
        .name("text").beginObject().field("type", "mrkdwn").field("text", Http.truncateUtf8(md, 3000)).endObject()
        .endObject()
        .endArray()
        .endObject().toString();
  }

  @Override
  public String toString() {
    return "SlackSink{" + name + "}";
  }
}
