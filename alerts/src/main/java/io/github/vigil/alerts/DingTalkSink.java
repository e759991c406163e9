package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Posts to a DingTalk custom robot ({@code https://oapi.dingtalk.com/robot/send?access_token=…}) a
 * {@code markdown} message: {@code {"msgtype":"markdown","markdown":{"title":…,"text":…},"at":{…}}}.
 * With a signing secret ("加签"), each request carries {@code timestamp} (epoch milliseconds) and
 * {@code sign}: the Base64 HmacSHA256, keyed by the secret, of {@code timestamp + "\n" + secret},
 * URL-encoded. DingTalk answers HTTP 200 with {@code errcode} 0, or another code that is a failure
 * here (and retried). Token and secret are never logged. Thread-safe.
 */
public final class DingTalkSink implements NotificationSink {
  /** DingTalk's robot endpoint. */
  public static final URI ENDPOINT = URI.create("https://oapi.dingtalk.com/robot/send");

  private final String name;
  private final URI endpoint;
  private final String accessToken;
  private final @Nullable String secret;
  private final List<String> atMobiles;
  private final boolean atAll;
  private final InstantSource clock;
  private final Http http;

  private DingTalkSink(Builder b) {
    this.name = b.name;
    this.endpoint = b.endpoint;
    this.accessToken = b.accessToken;
    this.secret = b.secret;
    this.atMobiles = List.copyOf(b.atMobiles);
    this.atAll = b.atAll;
    this.clock = b.clock;
    this.http = new Http(b.timeout);
  }

  /** A sink named {@code name} for the robot with {@code accessToken}. */
  public static Builder builder(String name, String accessToken) {
    return new Builder(name, accessToken);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Notification n) throws Exception {
    String what = "DingTalk robot " + name;
    Http.checkCode(http.post(signedUri(clock.millis()), body(n), Map.of(), what), what);
  }

  URI signedUri(long timestampMillis) {
    StringBuilder q = new StringBuilder(endpoint.toString()).append("?access_token=")
        .append(URLEncoder.encode(accessToken, StandardCharsets.UTF_8));
    if (secret != null) {
      q.append("&timestamp=").append(timestampMillis).append("&sign=")
          .append(URLEncoder.encode(sign(timestampMillis, secret), StandardCharsets.UTF_8));
    }
    return URI.create(q.toString());
  }

  /** DingTalk's signature: Base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)). */
  static String sign(long timestampMillis, String secret) {
    return Http.hmacSha256Base64(secret.getBytes(StandardCharsets.UTF_8),
        (timestampMillis + "\n" + secret).getBytes(StandardCharsets.UTF_8));
  }

  String body(Notification n) {
    String mentions = mentions();
    Json j = new Json().beginObject().field("msgtype", "markdown")
        .name("markdown").beginObject().field("title", n.title())
        .field("text", Http.truncateUtf8(markdown(n), 18000 - mentions.getBytes(StandardCharsets.UTF_8).length) + mentions)
        .endObject()
        .name("at").beginObject().name("atMobiles").beginArray();
    atMobiles.forEach(j::value);
    return j.endArray().field("isAtAll", atAll).endObject().endObject().toString();
  }

  /**
   * The mentions written after the alert's text: {@code "\n\n@13800000000 @13900000000"}, one {@code @mobile} for each of
   * {@code atMobiles}, or nothing without them. DingTalk's custom robot shows a mention of a number the request's
   * {@code at.atMobiles} lists only where the text holds {@code @} and that number (its documented examples put
   * {@code @150XXXXXXXX} in the text with the number in {@code atMobiles}); {@code atAll} needs none. They come after
   * the truncation of the text, so a long notification keeps them.
   */
  String mentions() {
    if (atMobiles.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("\n\n");
    for (String mobile : atMobiles) {
      if (b.length() > 2) {
        b.append(' ');
      }
      b.append('@').append(mobile);
    }
    return b.toString();
  }

  /**
   * {@link Notification#markdown()}, with what the alerts say unable to open a {@code <font>} tag ({@link ChatText#DINGTALK}).
   * Whom DingTalk mentions is the request's {@code at} (this sink's {@code atMobiles} and {@code atAll}); the
   * {@code @mobile} the text needs for each is added after it ({@link #mentions()}), not made from what the alerts say.
   */
  static String markdown(Notification n) {
    java.util.function.UnaryOperator<String> said = s -> ChatText.breakTags(s, ChatText.DINGTALK);
    return n.lines("### " + said.apply(n.title()) + "\n\n", "- ", s -> "**" + s + "**", "  - ", said);
  }

  @Override
  public String toString() {
    return "DingTalkSink{" + name + ", " + Http.origin(endpoint) + (secret == null ? "" : ", signed") + "}";
  }

  /** Builds a {@link DingTalkSink}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final String accessToken;
    private @Nullable String secret;
    private URI endpoint = ENDPOINT;
    private List<String> atMobiles = List.of();
    private boolean atAll;
    private InstantSource clock = InstantSource.system();
    private Duration timeout = Duration.ofSeconds(10);

    private Builder(String name, String accessToken) {
      this.name = SinkNames.check(name);
      this.accessToken = requireNonNull(accessToken, "accessToken");
      if (accessToken.isBlank()) {
        throw new IllegalArgumentException("DingTalk accessToken must not be blank");
      }
    }

    /**
     * The robot's signing secret ({@code SEC…}); leave it unset when the robot does not verify signatures.
     *
     * @throws IllegalArgumentException when it is blank (empty or whitespace only: every request would be signed with an
     *     empty key and refused), saying which kind of blank and never the value
     */
    public Builder secret(String s) {
      secret = Http.checkSecret(requireNonNull(s, "secret"), "secret of DingTalk sink " + name);
      return this;
    }

    /**
     * Another endpoint (a proxy, or a test server).
     *
     * @throws IllegalArgumentException when it is not {@code http://} or {@code https://} with a host
     */
    public Builder endpoint(URI uri) {
      Http.checkHttpUri(requireNonNull(uri, "endpoint"), "endpoint of DingTalk sink " + name);
      endpoint = uri;
      return this;
    }

    /**
     * Mobile numbers to @-mention: each is listed in the request's {@code at.atMobiles} and written as {@code @mobile}
     * after the alert's text, where DingTalk shows the mention.
     */
    public Builder atMobiles(String... mobiles) {
      for (String m : requireNonNull(mobiles, "atMobiles")) {
        if (requireNonNull(m, "atMobiles holds null").isBlank() || m.chars().anyMatch(Character::isWhitespace)) {
          throw new IllegalArgumentException("DingTalk atMobiles: not a mobile number: '" + m + "'");
        }
      }
      atMobiles = List.of(mobiles);
      return this;
    }

    /** Whether to @-mention everyone. */
    public Builder atAll(boolean all) {
      atAll = all;
      return this;
    }

    /** Clock of the signature's timestamp (default the system's). */
    public Builder clock(InstantSource c) {
      clock = requireNonNull(c, "clock");
      return this;
    }

    /** Connect and request timeout (default 10 s). */
    public Builder timeout(Duration d) {
      timeout = requireNonNull(d, "timeout");
      return this;
    }

    /** The sink. */
    public DingTalkSink build() {
      return new DingTalkSink(this);
    }
  }
}
