package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Posts to a Feishu (or Lark) custom bot ({@code https://open.feishu.cn/open-apis/bot/v2/hook/…},
 * {@code https://open.larksuite.com/open-apis/bot/v2/hook/…}) a {@code text} message:
 * {@code {"msg_type":"text","content":{"text":…}}}, the notification's {@link Notification#text() text} with what the
 * alerts say unable to open Feishu's {@code <at>} tag (a {@code <} that would is sent as the fullwidth {@code ＜}: a
 * process's output line quoting {@code <at user_id="all">} mentioned everyone). With signature verification on, the body also
 * carries {@code timestamp} (epoch seconds, as a string) and {@code sign}: the Base64 HmacSHA256 whose
 * key is {@code timestamp + "\n" + secret} over empty data. Feishu answers {@code code} 0 (or the
 * older {@code StatusCode} 0); another code is a failure here (and retried). The hook URL and the
 * secret are never logged. Thread-safe.
 */
public final class FeishuSink implements NotificationSink {
  private final String name;
  private final URI hook;
  private final @Nullable String secret;
  private final InstantSource clock;
  private final Http http;

  /**
   * A sink named {@code name} posting to the bot's {@code hook} URL.
   *
   * @param secret the signing secret, or null when the bot does not verify signatures
   * @param clock the clock of the signature's timestamp
   * @param timeout connect and request timeout
   * @throws IllegalArgumentException when {@code hook} is not {@code http://} or {@code https://} with a host, or when
   *     {@code secret} is blank (empty or whitespace only: every message would be signed with an empty key and refused)
   */
  public FeishuSink(String name, URI hook, @Nullable String secret, InstantSource clock, Duration timeout) {
    this.name = SinkNames.check(name);
    this.hook = requireNonNull(hook, "hook");
    Http.checkHttpUri(hook, "hook of Feishu sink " + name);
    this.secret = secret == null ? null : Http.checkSecret(secret, "secret of Feishu sink " + name);
    this.clock = requireNonNull(clock, "clock");
    this.http = new Http(timeout);
  }

  /** A sink on the system clock with a 10 s timeout. */
  public FeishuSink(String name, URI hook, @Nullable String secret) {
    this(name, hook, secret, InstantSource.system(), Duration.ofSeconds(10));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Notification n) throws Exception {
    String what = "Feishu bot " + name;
    Http.checkCode(http.post(hook, body(n, clock.instant().getEpochSecond()), Map.of(), what), what);
  }

  /** Feishu's signature: Base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty)). */
  static String sign(long timestampSeconds, String secret) {
    return Http.hmacSha256Base64((timestampSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]);
  }

  String body(Notification n, long timestampSeconds) {
    Json j = new Json().beginObject();
    if (secret != null) {
      j.field("timestamp", Long.toString(timestampSeconds)).field("sign", sign(timestampSeconds, secret));
    }
    return j.field("msg_type", "text")
        .name("content").beginObject().field("text", Http.truncateUtf8(text(n), 20000)).endObject()
        .endObject().toString();
  }

  /**
   * {@link Notification#text()}, with what the alerts say (the title's group labels, summaries, histories) unable to open
   * Feishu's {@code <at>} tag ({@link ChatText#FEISHU}): a text message reads {@code <at user_id="all"></at>} in it as a
   * mention of everyone, and {@code <at user_id="ou_…">} as one of that user.
   */
  static String text(Notification n) {
    java.util.function.UnaryOperator<String> said = s -> ChatText.breakTags(s, ChatText.FEISHU);
    return n.lines(said.apply(n.title()) + "\n", "- ", s -> s, "  ", said);
  }

  @Override
  public String toString() {
    return "FeishuSink{" + name + ", " + Http.origin(hook) + (secret == null ? "" : ", signed") + "}";
  }
}
