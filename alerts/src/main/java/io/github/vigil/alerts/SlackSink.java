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
 * repeated crash's or check's history. What the alerts say is escaped in {@code text} and the section as Slack asks
 * ({@code &amp;}, {@code &lt;}, {@code &gt;}: its control characters, {@code <…>} a link or a mention); the header is
 * {@code plain_text}, which Slack shows as it is. Slack answers {@code ok} (HTTP 200) or an HTTP
 * error. The webhook URL is the secret: it is never logged. Thread-safe.
 */
public final class SlackSink implements NotificationSink {
  private final String name;
  private final URI webhook;
  private final Http http;

  /**
   * A sink named {@code name} posting to the incoming webhook {@code webhook}, with a 10 s timeout.
   *
   * @throws IllegalArgumentException when {@code webhook} is not {@code http://} or {@code https://} with a host
   */
  public SlackSink(String name, URI webhook) {
    this(name, webhook, Duration.ofSeconds(10));
  }

  /** As {@link #SlackSink(String, URI)} with a request timeout. */
  public SlackSink(String name, URI webhook, Duration timeout) {
    this.name = SinkNames.check(name);
    this.webhook = requireNonNull(webhook, "webhook");
    Http.checkHttpUri(webhook, "webhook of Slack sink " + name);
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
    // Slack's mrkdwn: *bold*, and a bullet character (mrkdwn has no list syntax); what the alerts say escaped, the markup not
    String md = n.lines("", "• ", s -> "*" + s + "*", "    ◦ ", SlackSink::escape);
    return new Json().beginObject()
        .field("text", escape(n.title())) // the fallback is mrkdwn too; the header below is plain_text, which Slack does not parse
        .name("blocks").beginArray()
        .beginObject().field("type", "header")
        .name("text").beginObject().field("type", "plain_text").field("text", Http.truncateUtf8(n.title(), 150)).endObject()
        .endObject()
        .beginObject().field("type", "section")
        .name("text").beginObject().field("type", "mrkdwn").field("text", truncateEscaped(md, 3000)).endObject()
        .endObject()
        .endArray()
        .endObject().toString();
  }

  /**
   * {@code text} with Slack's control characters as the entities its formatting guide asks for: {@code &} as
   * {@code &amp;}, {@code <} as {@code &lt;}, {@code >} as {@code &gt;} (raw, {@code <feed>} read as a link, and a
   * summary's {@code >} or a command's {@code &&} came out garbled). Nothing else is encoded: Slack decodes only these.
   */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** {@code md}, escaped, cut as {@link Http#truncateUtf8} cuts, but never inside an entity (a cut {@code &am} shows as is). */
  static String truncateEscaped(String md, int maxBytes) {
    String cut = Http.truncateUtf8(md, maxBytes);
    if (cut.equals(md)) {
      return md;
    }
    String kept = cut.substring(0, cut.length() - 1); // without the ellipsis
    int amp = kept.lastIndexOf('&');                  // every & in it starts an entity
    if (amp >= 0 && kept.indexOf(';', amp) < 0) {
      kept = kept.substring(0, amp);
    }
    return kept + "…";
  }

  @Override
  public String toString() {
    return "SlackSink{" + name + "}";
  }
}
