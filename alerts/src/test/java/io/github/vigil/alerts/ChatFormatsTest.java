package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each chat format, sent over real HTTP to a local server, checked against the shape of the vendor's
 * documented example (every field we send exists there with the same JSON type; the message type's
 * fields are all present) and, where the vendor signs, the signature recomputed from its documented recipe.
 */
class ChatFormatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-01-05T09:30:00Z");
  private static final String TOKEN = "tok-0123456789abcdef";
  private static final String SECRET = "SECabcdef0123456789";

  // DingTalk custom robot, markdown message (open.dingtalk.com, "自定义机器人发送群消息", markdown)
  private static final String DINGTALK_DOC = """
      {"msgtype": "markdown",
       "markdown": {"title": "杭州天气", "text": "#### 杭州天气 @150XXXXXXXX \\n > 9度，西北风1级 \\n"},
       "at": {"atMobiles": ["150XXXXXXXX"], "atUserIds": ["user123"], "isAtAll": false}}""";
  // WeCom group robot, markdown message (developer.work.weixin.qq.com, "群机器人配置说明")
  private static final String WECOM_DOC = """
      {"msgtype": "markdown",
       "markdown": {"content": "实时新增用户反馈<font color=\\"warning\\">132例</font>，请相关同事注意。\\n>类型:<font color=\\"comment\\">用户反馈</font>"}}""";
  // Feishu custom bot, text message with signature verification (open.feishu.cn, "自定义机器人使用指南")
  private static final String FEISHU_DOC = """
      {"timestamp": "1599360473", "sign": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
       "msg_type": "text", "content": {"text": "request example"}}""";
  // Slack incoming webhook with Block Kit blocks (api.slack.com/messaging/webhooks; header and section blocks)
  private static final String SLACK_DOC = """
      {"text": "Danny Torrence left a 1 star review for your property.",
       "blocks": [
         {"type": "header", "text": {"type": "plain_text", "text": "New review"}},
         {"type": "section", "text": {"type": "mrkdwn", "text": "Danny Torrence left the following review for your property:"}}]}""";

  private final LocalHttpServer server;
  private final Notification notification;

  ChatFormatsTest() throws Exception {
    server = new LocalHttpServer();
    Alert crashed = Alert.firing(AlertType.CRASHED, "", "quote-feed", Severity.WARNING,
        "quote-feed crashed: signaled (SIGSEGV) after 2 s", "core dumped", Map.of("type", "QUOTE"), NOW.minusSeconds(60))
        .again("quote-feed crashed: signaled (SIGSEGV) after 1 s", "core dumped");
    Alert flapping = Alert.firing(AlertType.FLAPPING, "", "quote-feed", Severity.CRITICAL,
        "quote-feed is flapping: more than 3 restarts within 5 min", "", Map.of("type", "QUOTE"), NOW.minusSeconds(30));
    notification = new Notification("desk", "desk{process=quote-feed}", Map.of("process", "quote-feed"),
        List.of(crashed, flapping), List.of(), NOW, false, false);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void dingTalkMarkdownSignedAsDocumented() throws Exception {
    DingTalkSink sink = DingTalkSink.builder("ding", TOKEN).secret(SECRET).endpoint(server.uri("/robot/send"))
        .atMobiles("13800000000").clock(InstantSource.fixed(NOW)).build();
    sink.send(notification);
    LocalHttpServer.Request r = server.last();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/robot/send");
    Map<String, String> q = query(r.query());
    assertThat(q).containsEntry("access_token", TOKEN).containsEntry("timestamp", Long.toString(NOW.toEpochMilli()));
    // documented recipe: HmacSHA256 keyed by the secret over timestamp + "\n" + secret, Base64, then URL-encoded
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = Base64.getEncoder().encodeToString(mac.doFinal((NOW.toEpochMilli() + "\n" + SECRET).getBytes(StandardCharsets.UTF_8)));
    assertThat(q.get("sign")).isEqualTo(expected);
    JsonNode body = JSON.readTree(r.body());
    assertConformsTo(body, DINGTALK_DOC);
    assertThat(body.path("markdown").path("text").asText()).contains("quote-feed crashed").contains("(2 times)").contains("flapping");
    assertThat(body.path("markdown").path("title").asText()).isEqualTo("[FIRING:2] quote-feed CRITICAL");
    assertThat(body.path("at").path("atMobiles").get(0).asText()).isEqualTo("13800000000");
    assertThat(sink.toString()).doesNotContain(TOKEN).doesNotContain(SECRET);
  }

  @Test
  void dingTalkErrorCodeIsAFailureThatNamesNoSecret() {
    server.answer(200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
    DingTalkSink sink = DingTalkSink.builder("ding", TOKEN).secret(SECRET).endpoint(server.uri("/robot/send")).build();
    assertThatThrownBy(() -> sink.send(notification)).hasMessageContaining("310000").hasMessageContaining("sign not match")
        .hasMessageNotContaining(TOKEN).hasMessageNotContaining(SECRET);
  }

  @Test
  void weComMarkdownAsDocumented() throws Exception {
    WeComSink sink = new WeComSink("wecom", TOKEN, server.uri("/cgi-bin/webhook/send"), Duration.ofSeconds(5));
    sink.send(notification);
    LocalHttpServer.Request r = server.last();
    assertThat(r.path()).isEqualTo("/cgi-bin/webhook/send");
    assertThat(query(r.query())).containsEntry("key", TOKEN);
    JsonNode body = JSON.readTree(r.body());
    assertConformsTo(body, WECOM_DOC);
    assertThat(body.path("markdown").path("content").asText()).contains("<font color=\"warning\">**CRITICAL**</font>")
        .contains("quote-feed is flapping");
    assertThat(sink.toString()).doesNotContain(TOKEN);
  }

  @Test
  void feishuTextSignedAsDocumented() throws Exception {
    FeishuSink sink = new FeishuSink("feishu", server.uri("/open-apis/bot/v2/hook/" + TOKEN), SECRET, InstantSource.fixed(NOW),
        Duration.ofSeconds(5));
    server.answer(200, "{\"code\":0,\"data\":{},\"msg\":\"success\"}");
    sink.send(notification);
    JsonNode body = JSON.readTree(server.last().body());
    assertConformsTo(body, FEISHU_DOC);
    assertThat(body.path("timestamp").asText()).isEqualTo(Long.toString(NOW.getEpochSecond()));
    // documented recipe: HmacSHA256 keyed by timestamp + "\n" + secret over empty data, Base64
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec((NOW.getEpochSecond() + "\n" + SECRET).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    assertThat(body.path("sign").asText()).isEqualTo(Base64.getEncoder().encodeToString(mac.doFinal(new byte[0])));
    assertThat(body.path("content").path("text").asText()).startsWith("[FIRING:2] quote-feed CRITICAL\n");
    server.answer(200, "{\"code\":19021,\"data\":{},\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}");
    assertThatThrownBy(() -> sink.send(notification)).hasMessageContaining("19021").hasMessageNotContaining(TOKEN);
    assertThat(sink.toString()).doesNotContain(TOKEN).doesNotContain(SECRET);
  }

  @Test
  void slackBlocksAsDocumented() throws Exception {
    server.answer(200, "ok");
    SlackSink sink = new SlackSink("slack", server.uri("/services/T000/B000/" + TOKEN));
    sink.send(notification);
    JsonNode body = JSON.readTree(server.last().body());
    assertConformsTo(body, SLACK_DOC);
    assertThat(body.path("text").asText()).isEqualTo("[FIRING:2] quote-feed CRITICAL");
    assertThat(body.path("blocks").get(1).path("text").path("text").asText()).contains("• *CRITICAL* quote-feed is flapping");
    server.answer(404, "no_service");
    assertThatThrownBy(() -> sink.send(notification)).hasMessageContaining("HTTP 404").hasMessageNotContaining(TOKEN);
  }

  /**
   * Slack's text carries what the other sinks' does (the shared lines): a repeated crash's description with its history,
   * and how many times a resolved alert's cause happened. It built its own lines, without either.
   */
  @Test
  void slackShowsTheDescriptionAndTheResolvedCountAsTheOtherSinks() throws Exception {
    server.answer(200, "ok");
    String history = "2 crashes since 2026-01-05T09:29:00Z: SIGSEGV (core dumped) at 09:29:00, SIGSEGV (core dumped) at 09:29:59";
    Alert crashed = Alert.firing(AlertType.CRASHED, "", "quote-feed", Severity.WARNING,
        "quote-feed crashed: signaled (SIGSEGV) after 2 s", "", Map.of(), NOW.minusSeconds(60))
        .again("quote-feed crashed: signaled (SIGSEGV) after 1 s", history);
    Alert unhealthy = Alert.firing(AlertType.HEALTH_CHECK_FAILING, "", "quote-feed", Severity.WARNING,
        "quote-feed health check failing: HTTP 503", "", Map.of(), NOW.minusSeconds(50))
        .again("quote-feed health check failing: HTTP 503", "").again("quote-feed health check failing: HTTP 503", "")
        .resolved(NOW, "");
    Notification n = new Notification("desk", "desk{process=quote-feed}", Map.of("process", "quote-feed"),
        List.of(crashed), List.of(unhealthy), NOW, false, false);
    new SlackSink("slack", server.uri("/services/T000/B000/" + TOKEN)).send(n);
    String mrkdwn = JSON.readTree(server.last().body()).path("blocks").get(1).path("text").path("text").asText();
    assertThat(mrkdwn).contains("• *WARNING* quote-feed crashed: signaled (SIGSEGV) after 1 s (2 times)")
        .contains(history)
        .contains("• *RESOLVED* quote-feed health check failing: HTTP 503 (after 3 occurrences)");
    assertThat(n.text()).contains(history).contains("(after 3 occurrences)"); // as the mail, log and Feishu sinks say it
  }

  /**
   * Slack reads {@code &}, {@code <} and {@code >} in message text as its control characters ({@code <…>} is a link or a
   * mention): what the alerts say is sent with them as {@code &amp;}, {@code &lt;} and {@code &gt;} in the fallback
   * {@code text} and the {@code mrkdwn} section, while the bullets and {@code *bold*} SlackSink adds stay markup and the
   * header ({@code plain_text}, which Slack does not parse) keeps them as they are. They were sent raw: {@code <feed>}
   * read as a link, a summary's {@code >} and a command's {@code &&} garbled.
   */
  @Test
  void slackEscapesItsControlCharactersInWhatTheAlertsSay() throws Exception {
    server.answer(200, "ok");
    Alert crashed = Alert.firing(AlertType.CRASHED, "", "<feed>", Severity.WARNING,
        "<feed> crashed: error exit (exit code 1) after 2 s", "", Map.of(), NOW.minusSeconds(60))
        .again("<feed> crashed: latency > 5 ms, then sh -c 'a && b' failed", "2 crashes: exit 1 at 09:29:00, <exit 2> at 09:29:59");
    Alert unhealthy = Alert.firing(AlertType.HEALTH_CHECK_FAILING, "", "<feed>", Severity.WARNING,
        "<feed> health check failing: p99 > 5 ms & rising", "", Map.of(), NOW.minusSeconds(50)).resolved(NOW, "");
    Notification n = new Notification("desk", "desk{process=<feed>}", Map.of("process", "<feed>"),
        List.of(crashed), List.of(unhealthy), NOW, false, false);
    new SlackSink("slack", server.uri("/services/T000/B000/" + TOKEN)).send(n);
    assertThat(server.last().body()).isEqualTo("{\"text\":\"[FIRING:1] &lt;feed&gt; WARNING\",\"blocks\":["
        + "{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"text\":\"[FIRING:1] <feed> WARNING\"}},"
        + "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\""
        + "• *WARNING* &lt;feed&gt; crashed: latency &gt; 5 ms, then sh -c 'a &amp;&amp; b' failed (2 times), since 2026-01-05T09:29:00Z\\n"
        + "    ◦ 2 crashes: exit 1 at 09:29:00, &lt;exit 2&gt; at 09:29:59\\n"
        + "• *RESOLVED* &lt;feed&gt; health check failing: p99 &gt; 5 ms &amp; rising, at 2026-01-05T09:30:00Z\\n\"}}]}");
  }

  /**
   * A notification whose alerts quote tags the chats read from message text: Feishu's {@code <at>} (any case, spaced),
   * WeCom's {@code <@userid>}, and {@code <font>}; in a label's value (the title), a summary and a repeated crash's history.
   */
  private static Notification quotingTags() {
    Alert crashed = Alert.firing(AlertType.CRASHED, "", "feed", Severity.WARNING,
        "feed crashed: error exit (exit code 1) after 2 s", "", Map.of(), NOW.minusSeconds(60))
        .again("feed crashed: sh -c 'echo <at user_id=\"all\">all</at>' failed, then < AT user_id=\"ou_1\">x</ at>",
            "2 crashes: <@zhangsan> at 09:29:00, <font color=\"warning\">red</font> <b> at 09:29:59");
    return new Notification("desk", "desk{type=<at user_id=\"all\"></at>}", Map.of("type", "<at user_id=\"all\"></at>"),
        List.of(crashed), List.of(), NOW, false, false);
  }

  /**
   * Feishu reads {@code <at user_id="all">} in a text message as a mention of everyone (and {@code <at user_id="ou_…">}
   * as one of that user): in what the alerts say, a {@code <} that would open an {@code <at>} tag is sent as the
   * fullwidth {@code ＜}, so a process's output quoted in an alert mentions no one; other tags ({@code <b>}) and the rest
   * are sent as they are. They were sent raw, and the first line of this notification mentioned everyone.
   */
  @Test
  void feishuSendsNoAtTagFromWhatTheAlertsSay() throws Exception {
    server.answer(200, "{\"code\":0,\"data\":{},\"msg\":\"success\"}");
    new FeishuSink("feishu", server.uri("/open-apis/bot/v2/hook/" + TOKEN), null, InstantSource.fixed(NOW), Duration.ofSeconds(5))
        .send(quotingTags());
    assertThat(server.last().body()).isEqualTo("{\"msg_type\":\"text\",\"content\":{\"text\":\""
        + "[FIRING:1] \uFF1Cat user_id=\\\"all\\\">\uFF1C/at> WARNING\\n"
        + "- WARNING feed crashed: sh -c 'echo \uFF1Cat user_id=\\\"all\\\">all\uFF1C/at>' failed, then \uFF1C AT user_id=\\\"ou_1\\\">x\uFF1C/ at>"
        + " (2 times), since 2026-01-05T09:29:00Z\\n"
        + "  2 crashes: <@zhangsan> at 09:29:00, <font color=\\\"warning\\\">red</font> <b> at 09:29:59\\n\"}}");
  }

  /**
   * WeCom's markdown reads {@code <@userid>} as a mention of that member, and {@code <font>} as its colour: in what the
   * alerts say, a {@code <} that would open either is sent as the fullwidth {@code ＜}; the sink's own {@code <font>}
   * around a severity stays. They were sent raw, and this notification mentioned zhangsan.
   */
  @Test
  void weComSendsNoMentionOrFontTagFromWhatTheAlertsSay() throws Exception {
    new WeComSink("wecom", TOKEN, server.uri("/cgi-bin/webhook/send"), Duration.ofSeconds(5)).send(quotingTags());
    assertThat(server.last().body()).isEqualTo("{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\""
        + "### [FIRING:1] <at user_id=\\\"all\\\"></at> WARNING\\n\\n"
        + "- **WARNING** feed crashed: sh -c 'echo <at user_id=\\\"all\\\">all</at>' failed, then < AT user_id=\\\"ou_1\\\">x</ at>"
        + " (2 times), since 2026-01-05T09:29:00Z\\n"
        + "  - 2 crashes: \uFF1C@zhangsan> at 09:29:00, \uFF1Cfont color=\\\"warning\\\">red\uFF1C/font> <b> at 09:29:59\\n\"}}");
  }

  /**
   * DingTalk's markdown reads {@code <font>}: in what the alerts say, a {@code <} that would open one is sent as the
   * fullwidth {@code ＜}. Its mentions come only from the request's {@code at} (this sink's {@code atMobiles}), so the
   * rest is sent as it is; so is the {@code title}, which DingTalk shows as the conversation's preview, not as markdown.
   */
  @Test
  void dingTalkSendsNoFontTagFromWhatTheAlertsSay() throws Exception {
    DingTalkSink.builder("ding", TOKEN).endpoint(server.uri("/robot/send")).clock(InstantSource.fixed(NOW)).build()
        .send(quotingTags());
    assertThat(server.last().body()).isEqualTo("{\"msgtype\":\"markdown\",\"markdown\":{"
        + "\"title\":\"[FIRING:1] <at user_id=\\\"all\\\"></at> WARNING\",\"text\":\""
        + "### [FIRING:1] <at user_id=\\\"all\\\"></at> WARNING\\n\\n"
        + "- **WARNING** feed crashed: sh -c 'echo <at user_id=\\\"all\\\">all</at>' failed, then < AT user_id=\\\"ou_1\\\">x</ at>"
        + " (2 times), since 2026-01-05T09:29:00Z\\n"
        + "  - 2 crashes: <@zhangsan> at 09:29:00, \uFF1Cfont color=\\\"warning\\\">red\uFF1C/font> <b> at 09:29:59\\n\"},"
        + "\"at\":{\"atMobiles\":[],\"isAtAll\":false}}");
  }

  /**
   * DingTalk shows a mention of a number its request's {@code at.atMobiles} lists only where the text holds
   * {@code @<number>} (its documented markdown example: {@code "#### 杭州天气 @150XXXXXXXX"} with the number in
   * {@code atMobiles}): each configured mobile is written after the alert's text. The sink listed them in {@code at}
   * only, so nobody's mention showed.
   */
  @Test
  void dingTalkWritesEachMobileItMentionsIntoTheText() throws Exception {
    DingTalkSink.builder("ding", TOKEN).endpoint(server.uri("/robot/send")).atMobiles("13800000000", "13900000000")
        .clock(InstantSource.fixed(NOW)).build().send(quotingTags());
    assertThat(server.last().body()).isEqualTo("{\"msgtype\":\"markdown\",\"markdown\":{"
        + "\"title\":\"[FIRING:1] <at user_id=\\\"all\\\"></at> WARNING\",\"text\":\""
        + "### [FIRING:1] <at user_id=\\\"all\\\"></at> WARNING\\n\\n"
        + "- **WARNING** feed crashed: sh -c 'echo <at user_id=\\\"all\\\">all</at>' failed, then < AT user_id=\\\"ou_1\\\">x</ at>"
        + " (2 times), since 2026-01-05T09:29:00Z\\n"
        + "  - 2 crashes: <@zhangsan> at 09:29:00, \uFF1Cfont color=\\\"warning\\\">red\uFF1C/font> <b> at 09:29:59\\n"
        + "\\n\\n@13800000000 @13900000000\"},"
        + "\"at\":{\"atMobiles\":[\"13800000000\",\"13900000000\"],\"isAtAll\":false}}");
  }

  /** The mentions survive the cut of a long text to DingTalk's limit: the alerts' text is cut before them. */
  @Test
  void dingTalkKeepsItsMentionsWhenItCutsALongText() throws Exception {
    Alert a = Alert.firing(AlertType.CRASHED, "", "feed", Severity.WARNING, "x".repeat(30_000), "", Map.of(), NOW);
    DingTalkSink.builder("ding", TOKEN).endpoint(server.uri("/robot/send")).atMobiles("13800000000")
        .clock(InstantSource.fixed(NOW)).build()
        .send(new Notification("desk", "desk{process=feed}", Map.of("process", "feed"), List.of(a), List.of(), NOW, false, false));
    String text = JSON.readTree(server.last().body()).path("markdown").path("text").asText();
    assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(18000);
    assertThat(text).endsWith("x…\n\n@13800000000");
  }

  @Test
  void dingTalkRefusesABlankMobile() {
    assertThatThrownBy(() -> DingTalkSink.builder("ding", TOKEN).atMobiles("13800000000", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("DingTalk atMobiles: not a mobile number: ' '");
  }

  /** A section cut to Slack's 3000 is cut before an entity, not inside it (a cut {@code &a} would show as is). */
  @Test
  void slackCutsItsSectionBetweenEntities() throws Exception {
    server.answer(200, "ok");
    Alert a = Alert.firing(AlertType.CRASHED, "", "feed", Severity.WARNING, "a" + "&".repeat(1000), "", Map.of(), NOW);
    new SlackSink("slack", server.uri("/services/T000/B000/" + TOKEN))
        .send(new Notification("desk", "desk{process=feed}", Map.of("process", "feed"), List.of(a), List.of(), NOW, false, false));
    String mrkdwn = JSON.readTree(server.last().body()).path("blocks").get(1).path("text").path("text").asText();
    assertThat(mrkdwn.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(3000);
    assertThat(mrkdwn).startsWith("• *WARNING* a&amp;&amp;").endsWith("&amp;…");
    assertThat(mrkdwn.replace("&amp;", "")).doesNotContain("&");
  }

  @Test
  void webhookDefaultIsAlertmanagerShapedAndTemplatesAreEscaped() throws Exception {
    WebhookSink plain = WebhookSink.builder("hook", server.uri("/hook")).header("Authorization", "Bearer " + TOKEN).build();
    plain.send(notification);
    LocalHttpServer.Request r = server.last();
    assertThat(r.headers().get("Authorization")).containsExactly("Bearer " + TOKEN);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("version").asText()).isEqualTo("4");
    assertThat(body.path("status").asText()).isEqualTo("firing");
    assertThat(body.path("groupLabels").path("process").asText()).isEqualTo("quote-feed");
    assertThat(body.path("commonLabels").path("type").asText()).isEqualTo("QUOTE");
    assertThat(body.path("alerts")).hasSize(2);
    assertThat(body.path("alerts").get(0).path("annotations").path("occurrences").asText()).isEqualTo("2");
    assertThat(plain.toString()).doesNotContain(TOKEN);

    // a placeholder it does not know (or spelled with spaces) is refused naming it; it was sent as is
    assertThatThrownBy(() -> WebhookSink.builder("tpl", server.uri("/tpl")).template("{\"t\":\"{{titel}}\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("webhook sink tpl").hasMessageContaining("{{titel}}")
        .hasMessageContaining("{{title}}");
    assertThatThrownBy(() -> WebhookSink.builder("tpl", server.uri("/tpl")).template("{\"t\":\"{{ title }}\"}"))
        .hasMessageContaining("{{ title }}");
    WebhookSink templated = WebhookSink.builder("tpl", server.uri("/tpl"))
        .template("{\"title\":\"{{title}}\",\"body\":\"{{text}}\",\"n\":{{alerts}}}").build();
    templated.send(notification);
    JsonNode t = JSON.readTree(server.last().body());
    assertThat(t.path("title").asText()).isEqualTo(notification.title());
    assertThat(t.path("body").asText()).isEqualTo(notification.text());
    assertThat(t.path("n")).hasSize(2);
  }

  @Test
  void aRefusingRobotIsRetriedByThePipelineAndCounted() {
    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    server.answer(200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}");
    WeComSink sink = new WeComSink("wecom", TOKEN, server.uri("/cgi-bin/webhook/send"), Duration.ofSeconds(5));
    try (NotificationPipeline p = NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).executor(Runnable::run)
        .retry(new RetryPolicy(3, Duration.ofSeconds(2), 2, Duration.ofSeconds(30)))
        .route(Route.builder("r").sink(sink).groupWait(Duration.ZERO).build()).build()) {
      p.onAlert(notification.firing().get(1));
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(server.requests()).hasSize(1);
      server.answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
      scheduler.advance(Duration.ofSeconds(2));
      assertThat(server.requests()).hasSize(2);
      PipelineStats.SinkStats s = p.stats().sinks().get("wecom");
      assertThat(s.failedAttempts()).isEqualTo(1);
      assertThat(s.retries()).isEqualTo(1);
      assertThat(s.sent()).isEqualTo(1);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new HashMap<>();
    for (String kv : raw.split("&")) {
      int i = kv.indexOf('=');
      m.put(kv.substring(0, i), URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
    }
    return m;
  }

  /** Every field of {@code actual} exists in the documented example with the same JSON type, recursively, and the documented top-level fields are all there. */
  private static void assertConformsTo(JsonNode actual, String documented) throws Exception {
    JsonNode doc = JSON.readTree(documented);
    conforms(actual, doc, "$");
    Iterator<String> names = doc.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      assertThat(actual.has(n)).as("documented field %s is sent", n).isTrue();
    }
  }

  private static void conforms(JsonNode actual, JsonNode doc, String path) {
    assertThat(actual.getNodeType()).as("type of %s", path).isEqualTo(doc.getNodeType());
    if (actual.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = actual.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        assertThat(doc.has(e.getKey())).as("field %s.%s is in the vendor's example", path, e.getKey()).isTrue();
        conforms(e.getValue(), doc.get(e.getKey()), path + "." + e.getKey());
      }
    } else if (actual.isArray()) {
      for (JsonNode element : actual) {
        boolean matchesOne = false;
        for (JsonNode d : doc) {
          try {
            conforms(element, d, path + "[]");
            matchesOne = true;
            break;
          } catch (AssertionError ignored) {
            // try the next documented element
          }
        }
        assertThat(matchesOne).as("element %s of %s matches a documented element", element, path).isTrue();
      }
    }
  }

  /** A receiver where nothing listens is named as such (the JDK's ConnectException has no message: "ConnectException: null"). */
  @Test
  void aWebhookWhereNothingListensSaysItCouldNotConnect() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    WebhookSink hook = WebhookSink.builder("hook", java.net.URI.create("http://127.0.0.1:" + port + "/hook")).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> hook.send(notification)).isInstanceOf(java.io.IOException.class)
        .hasMessageEndingWith("failed: could not connect (refused, or the host unreachable)");
  }
}
