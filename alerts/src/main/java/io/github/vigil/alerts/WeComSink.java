package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Posts to a WeCom (企业微信) group robot ({@code https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…})
 * a {@code markdown} message: {@code {"msgtype":"markdown","markdown":{"content":…}}}, the content cut
 * to WeCom's 4096 bytes. What the alerts say cannot open WeCom's tags, its mention {@code <@userid>} and its
 * {@code <font>}: a {@code <} that would is sent as the fullwidth {@code ＜}. WeCom answers HTTP 200 with
 * {@code errcode} 0, or another code that is a failure here (and retried). The key is never logged. Thread-safe.
 */
public final class WeComSink implements NotificationSink {
  /** WeCom's robot endpoint. */
  public static final URI ENDPOINT = URI.create("https://qyapi.weixin.qq.com/cgi-bin/webhook/send");

  private final String name;
  private final URI endpoint;
  private final String key;
  private final Http http;

  /** A sink named {@code name} for the robot with {@code key}, at WeCom's endpoint, with a 10 s timeout. */
  public WeComSink(String name, String key) {
    this(name, key, ENDPOINT, Duration.ofSeconds(10));
  }

  /**
   * As {@link #WeComSink(String, String)} at another endpoint (a proxy, or a test server) with a timeout.
   *
   * @throws IllegalArgumentException when {@code endpoint} is not {@code http://} or {@code https://} with a host
   */
  public WeComSink(String name, String key, URI endpoint, Duration timeout) {
    this.name = SinkNames.check(name);
    this.key = requireNonNull(key, "key");
    if (key.isBlank()) {
      throw new IllegalArgumentException("WeCom key must not be blank");
    }
    this.endpoint = requireNonNull(endpoint, "endpoint");
    Http.checkHttpUri(endpoint, "endpoint of WeCom sink " + name);
    this.http = new Http(timeout);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Notification n) throws Exception {
    URI uri = URI.create(endpoint + "?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
    String what = "WeCom robot " + name;
    Http.checkCode(http.post(uri, body(n), Map.of(), what), what);
  }

  static String body(Notification n) {
    // what the alerts say unable to open WeCom's tags (a <@userid> in a quoted output line mentioned that member)
    java.util.function.UnaryOperator<String> said = s -> ChatText.breakTags(s, ChatText.WECOM);
    String markdown = n.lines("### " + said.apply(n.title()) + "\n\n", "- ", s -> "**" + s + "**", "  - ", said);
    String content = markdown.replace("**CRITICAL**", "<font color=\"warning\">**CRITICAL**</font>")
        .replace("**RESOLVED**", "<font color=\"info\">**RESOLVED**</font>");
    return new Json().beginObject().field("msgtype", "markdown")
        .name("markdown").beginObject().field("content", Http.truncateUtf8(content, 4096)).endObject()
        .endObject().toString();
  }

  @Override
  public String toString() {
    return "WeComSink{" + name + ", " + Http.origin(endpoint) + "}";
  }
}
