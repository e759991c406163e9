package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.alerts.AlertType;
import io.github.vigil.alerts.Alerting;
import io.github.vigil.alerts.NotificationPipeline;
import io.github.vigil.alerts.RuleConfig;
import io.github.vigil.alerts.Severity;
import io.github.vigil.spring.boot.actuate.VigilAlertsEndpoint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** {@code vigil.alerts.*} on {@link ApplicationContextRunner}: defaults, binding, secrets, bad values, a real crash to a real HTTP sink. */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class VigilAlertsAutoConfigurationTest {
  private static final String TOKEN = "ding-token-7f3a9c";
  private static final String SECRET = "SECdingsecret5d1e";
  private static final String PASSWORD = "smtp-pass-91b2";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilAlertsAutoConfiguration.class,
          VigilAlertsEndpointAutoConfiguration.class))
      .withPropertyValues("management.endpoints.web.exposure.include=*");

  @Test
  void defaultsLogEveryAlert() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(Alerting.class).hasSingleBean(NotificationPipeline.class);
      NotificationPipeline p = context.getBean(NotificationPipeline.class);
      assertThat(p.routes()).containsOnlyKeys("default");
      assertThat(p.routes().get("default").sinks()).extracting(s -> s.name()).containsExactly("log");
      assertThat(context.getBean(Alerting.class).evaluator().rules().defaultConfig()).isEqualTo(RuleConfig.defaults());
    });
  }

  @Test
  void switchedOffOrAbsent() {
    runner.withPropertyValues("vigil.alerts.enabled=false").run(context -> assertThat(context).doesNotHaveBean(Alerting.class));
    runner.withClassLoader(new FilteredClassLoader(Alerting.class)).run(context -> assertThat(context).doesNotHaveBean(Alerting.class));
  }

  @Test
  void rulesRoutesSinksAndSilencesBindAndSecretsAreNeverShown(CapturedOutput output) {
    runner.withPropertyValues(
        "vigil.alerts.rules.high-memory-share=0.9", "vigil.alerts.rules.memory-limit=4GB", "vigil.alerts.rules.high-memory-for=2m",
        "vigil.processes.quote-feed.command=sleep,600", "vigil.processes.quote-feed.auto-start=false",
        "vigil.alerts.overrides.quote-feed.flapping-restarts=5", "vigil.alerts.overrides.quote-feed.severities.crashed=critical",
        "vigil.alerts.overrides.quote-feed.disabled=anomaly",
        "vigil.alerts.sinks.desk-ding.type=dingtalk", "vigil.alerts.sinks.desk-ding.token=" + TOKEN,
        "vigil.alerts.sinks.desk-ding.secret=" + SECRET,
        "vigil.alerts.sinks.mail.type=email", "vigil.alerts.sinks.mail.smtp.host=127.0.0.1", "vigil.alerts.sinks.mail.smtp.port=2525",
        "vigil.alerts.sinks.mail.smtp.username=vigil", "vigil.alerts.sinks.mail.smtp.password=" + PASSWORD,
        "vigil.alerts.sinks.mail.smtp.from=vigil@desk.example", "vigil.alerts.sinks.mail.smtp.to=ops@desk.example",
        "vigil.alerts.sinks.fleet.type=alertmanager", "vigil.alerts.sinks.fleet.url=http://127.0.0.1:9093",
        "vigil.alerts.sinks.fleet.labels.instance=gateway-1",
        "vigil.alerts.routes.desk.sinks=desk-ding,mail", "vigil.alerts.routes.desk.min-severity=warning",
        "vigil.alerts.routes.desk.escalate-to=oncall", "vigil.alerts.routes.desk.escalate-after=15m",
        "vigil.alerts.routes.oncall.sinks=mail", "vigil.alerts.routes.oncall.escalation-only=true",
        "vigil.alerts.routes.fleet.sinks=fleet", "vigil.alerts.routes.fleet.group-wait=0s", "vigil.alerts.routes.fleet.repeat-interval=3m",
        "vigil.alerts.silences[0].id=pre-open", "vigil.alerts.silences[0].matchers.type=QUOTE",
        "vigil.alerts.silences[0].daily-from=08:00", "vigil.alerts.silences[0].daily-to=09:15",
        "vigil.alerts.silences[0].days=MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY", "vigil.alerts.silences[0].zone=Asia/Shanghai")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Alerting alerting = context.getBean(Alerting.class);
          RuleConfig feed = alerting.evaluator().rules().configFor("quote-feed");
          assertThat(feed.flappingRestarts()).isEqualTo(5);
          assertThat(feed.severity(AlertType.CRASHED)).isEqualTo(Severity.CRITICAL);
          assertThat(feed.isEnabled(AlertType.ANOMALY)).isFalse();
          assertThat(feed.memoryShare()).isEqualTo(0.9);   // inherited from the defaults
          assertThat(alerting.evaluator().rules().defaultConfig().memoryLimit()).isEqualTo(4L << 30);
          NotificationPipeline p = context.getBean(NotificationPipeline.class);
          assertThat(p.routes()).containsOnlyKeys("desk", "oncall", "fleet");
          assertThat(p.routes().get("desk").escalateTo()).hasValue("oncall");
          assertThat(p.routes().get("fleet").groupWait()).isEqualTo(Duration.ZERO);
          assertThat(p.silences()).singleElement().satisfies(s -> assertThat(s.id()).isEqualTo("pre-open"));

          VigilAlertsEndpoint endpoint = context.getBean(VigilAlertsEndpoint.class);
          String json = String.valueOf(endpoint.alerts());   // every field of the answer, records all the way down
          assertThat(json).contains("pre-open").contains("desk-ding (DingTalkSink)").contains("firing=[]");
          // durations in words (they were ISO-8601, "PT5M")
          assertThat(endpoint.alerts().routes().get("fleet").groupWait()).isEqualTo("0 ns");
          assertThat(json).doesNotContain("=PT");
          assertThat(json).doesNotContain(TOKEN).doesNotContain(SECRET).doesNotContain(PASSWORD);
          assertThat(String.valueOf(context.getBean(VigilAlertsProperties.class).getSinks())).doesNotContain(TOKEN);
        });
    assertThat(output.getAll()).doesNotContain(TOKEN).doesNotContain(SECRET).doesNotContain(PASSWORD);
  }

  @Test
  void badValuesFailNamingThePropertyAndNeverTheSecret() {
    runner.withPropertyValues("vigil.alerts.routes.desk.sinks=nope").run(context -> assertThat(context).getFailure()
        .hasStackTraceContaining("vigil.alerts.routes.desk").hasStackTraceContaining("unknown sink nope"));
    runner.withPropertyValues("vigil.alerts.rules.high-memory-share=1.5").run(context -> assertThat(context).getFailure()
        .hasStackTraceContaining("vigil.alerts.rules.high-memory-share").hasStackTraceContaining("memoryShare must be in (0, 1]: 1.5"));
    runner.withPropertyValues("vigil.alerts.sinks.d.type=dingtalk", "vigil.alerts.sinks.d.secret=" + SECRET)
        .run(context -> assertThat(context).getFailure().hasStackTraceContaining("vigil.alerts.sinks.d.token")
            .satisfies(f -> assertThat(stackTrace(f)).doesNotContain(SECRET)));
    // found by a black-box run: each named, not a raw stack trace or the property beside it
    runner.withPropertyValues("vigil.processes.quote-feed.command=sleep,600", "vigil.processes.quote-feed.auto-start=false",
        "vigil.alerts.overrides.quote-fed.flapping-restarts=5").run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("vigil.alerts.overrides.quote-fed").hasStackTraceContaining("did you mean `quote-feed`?"));
    runner.withPropertyValues("vigil.alerts.sinks.w.type=webhook", "vigil.alerts.sinks.w.url=http://127.0.0.1:1/x", "vigil.alerts.sinks.w.timeout=0s")
        .run(context -> assertThat(invalid(context.getStartupFailure()).property()).isEqualTo("vigil.alerts.sinks.w.timeout"));
    runner.withPropertyValues("vigil.alerts.sinks.s.type=slack", "vigil.alerts.sinks.s.url=http://127.0.0.1:1/x", "vigil.alerts.sinks.s.timeout=-1s")
        .run(context -> assertThat(invalid(context.getStartupFailure()).property()).isEqualTo("vigil.alerts.sinks.s.timeout"));
    // found by a black-box run: an Alertmanager url without http:// was accepted and every send failed
    runner.withPropertyValues("vigil.alerts.sinks.fleet.type=alertmanager", "vigil.alerts.sinks.fleet.url=alertmanager:9093")
        .run(context -> assertThat(invalid(context.getStartupFailure()).property()).isEqualTo("vigil.alerts.sinks.fleet.url"));
    // a sink's url refused names the property and what the sink may show of it, never the secret in its path nor a password
    // (the value beside the property was the whole URL; a chat robot's was not checked and every send failed)
    for (String[] bad : new String[][] {{"webhook", "ftp://hooks.example.com/services/T0/" + SECRET, "has scheme ftp"},
        {"slack", "http:///services/T0/B0/" + SECRET, "webhook of Slack sink bad must name a host"},
        {"feishu", "open.feishu.cn/open-apis/bot/v2/hook/" + SECRET, "hook of Feishu sink bad must start with http://"},
        {"alertmanager", "http://ops:" + SECRET + "@/", "'http://...@/' has no host"}}) {
      runner.withPropertyValues("vigil.alerts.sinks.bad.type=" + bad[0], "vigil.alerts.sinks.bad.url=" + bad[1])
          .run(context -> {
            assertThat(invalid(context.getStartupFailure()).property()).isEqualTo("vigil.alerts.sinks.bad.url");
            assertThat(context).getFailure().hasStackTraceContaining(bad[2]).satisfies(f -> assertThat(stackTrace(f)).doesNotContain(SECRET));
          });
    }
    runner.withPropertyValues("vigil.alerts.sinks.bad.type=wecom", "vigil.alerts.sinks.bad.token=" + SECRET,
        "vigil.alerts.sinks.bad.url=qyapi.weixin.qq.com/cgi-bin/webhook/send")
        .run(context -> assertThat(invalid(context.getStartupFailure()).property()).isEqualTo("vigil.alerts.sinks.bad.url"));
    runner.withPropertyValues("vigil.alerts.sinks.bad.type=dingtalk", "vigil.alerts.sinks.bad.token=" + SECRET,
        "vigil.alerts.sinks.bad.url=oapi.dingtalk.com/robot/send")
        .run(context -> assertThat(invalid(context.getStartupFailure()).property()).isEqualTo("vigil.alerts.sinks.bad.url"));
    runner.withPropertyValues("vigil.alerts.rules.flapping-window=0s")
        .run(context -> assertThat(invalid(context.getStartupFailure()).property()).isEqualTo("vigil.alerts.rules.flapping-window"));
    runner.withPropertyValues("vigil.alerts.rules.flapping-restarts=0")
        .run(context -> assertThat(invalid(context.getStartupFailure()).property()).isEqualTo("vigil.alerts.rules.flapping-restarts"));
  }

  /**
   * A blank sink name (a blank key under {@code vigil.alerts.sinks}) fails naming the key as written and the name as the
   * value: it said {@code vigil.alerts.sinks. =LOG}, a path with a dangling dot and the sink's type as the value.
   */
  @Test
  void aBlankSinkNameFailsNamingItsKeyAndTheName() {
    runner.withPropertyValues("vigil.alerts.sinks[ ].type=log").run(context -> {
      InvalidVigilPropertyException e = invalid(context.getStartupFailure());
      assertThat(e.property()).isEqualTo("vigil.alerts.sinks[ ]");
      assertThat(e.value()).isEqualTo(" ");
      assertThat(e.getMessage()).contains("sink name must not be blank: ' '");
    });
  }

  /**
   * A blank {@code secret} of a DingTalk or Feishu sink (an unset variable behind {@code secret: ${DING_SECRET:}}) built a
   * sink that signed every message with an empty key, which the robot refused at each send; it fails the start naming
   * the property and the kind of blank, never a value, as a blank token or password does. Left out, the sink is built
   * unsigned.
   */
  @Test
  void aBlankSigningSecretFailsTheStartNamingTheProperty() {
    runner.withPropertyValues("vigil.alerts.sinks.d.type=dingtalk", "vigil.alerts.sinks.d.token=" + TOKEN, "vigil.alerts.sinks.d.secret=")
        .run(context -> {
          InvalidVigilPropertyException e = invalid(context.getStartupFailure());
          assertThat(e.property()).isEqualTo("vigil.alerts.sinks.d.secret");
          assertThat(e.value()).isEqualTo("<hidden>");
          assertThat(e.reason()).isEqualTo("must not be blank: it is empty; leave it out when the robot does not verify signatures");
          assertThat(stackTrace(context.getStartupFailure())).doesNotContain(TOKEN);
        });
    // whitespace, as a quoted yaml value keeps it (withPropertyValues trims what it is given)
    runner.withPropertyValues("vigil.alerts.sinks.f.type=feishu", "vigil.alerts.sinks.f.url=https://open.feishu.cn/open-apis/bot/v2/hook/" + TOKEN)
        .withInitializer(c -> c.getEnvironment().getPropertySources().addFirst(
            new org.springframework.core.env.MapPropertySource("yaml", java.util.Map.of("vigil.alerts.sinks.f.secret", "  "))))
        .run(context -> {
          InvalidVigilPropertyException e = invalid(context.getStartupFailure());
          assertThat(e.property()).isEqualTo("vigil.alerts.sinks.f.secret");
          assertThat(e.value()).isEqualTo("<hidden>");
          assertThat(e.reason()).isEqualTo("must not be blank: it is 2 whitespace characters; leave it out when the robot does not verify signatures");
          assertThat(stackTrace(context.getStartupFailure())).doesNotContain(TOKEN);
        });
    runner.withPropertyValues("vigil.alerts.sinks.d.type=dingtalk", "vigil.alerts.sinks.d.token=" + TOKEN,
        "vigil.alerts.sinks.f.type=feishu", "vigil.alerts.sinks.f.url=https://open.feishu.cn/open-apis/bot/v2/hook/" + TOKEN)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(NotificationPipeline.class).routes().get("default").sinks()).extracting(String::valueOf)
              .noneMatch(sink -> sink.contains("signed"));
        });
  }

  /**
   * A property the sink's type does not use fails the start naming the property, the type and the types that use it:
   * a {@code secret} on a Slack sink, or SMTP settings on a webhook, were ignored, and the sink sent unsigned (or no
   * mail), unsaid. A secret's value is never in the message.
   */
  @Test
  void aPropertyTheSinksTypeDoesNotUseFailsTheStartNamingItAndTheTypesThatUseIt() {
    runner.withPropertyValues("vigil.alerts.sinks.ops.type=slack", "vigil.alerts.sinks.ops.url=http://127.0.0.1:1/services/T0/B0",
        "vigil.alerts.sinks.ops.secret=" + SECRET).run(context -> {
          InvalidVigilPropertyException e = invalid(context.getStartupFailure());
          assertThat(e.property()).isEqualTo("vigil.alerts.sinks.ops.secret");
          assertThat(e.value()).isEqualTo("<hidden>");
          assertThat(e.reason()).startsWith("a slack sink does not use secret; dingtalk and feishu sinks do");
          assertThat(stackTrace(context.getStartupFailure())).doesNotContain(SECRET);
        });
    runner.withPropertyValues("vigil.alerts.sinks.ops.type=webhook", "vigil.alerts.sinks.ops.url=http://127.0.0.1:1/hook",
        "vigil.alerts.sinks.ops.smtp.host=mail.desk.example").run(context -> {
          InvalidVigilPropertyException e = invalid(context.getStartupFailure());
          assertThat(e.property()).isEqualTo("vigil.alerts.sinks.ops.smtp.host");
          assertThat(e.value()).isEqualTo("mail.desk.example");
          assertThat(e.reason()).startsWith("a webhook sink does not use smtp.host; email sinks do");
        });
    runner.withPropertyValues("vigil.alerts.sinks.ops.type=webhook", "vigil.alerts.sinks.ops.url=http://127.0.0.1:1/hook",
        "vigil.alerts.sinks.ops.secret=" + SECRET).run(context -> {
          assertThat(invalid(context.getStartupFailure()).property()).isEqualTo("vigil.alerts.sinks.ops.secret");
          assertThat(stackTrace(context.getStartupFailure())).doesNotContain(SECRET);
        });
    // the type left out is log's, which sends nowhere: a url there is a forgotten type
    runner.withPropertyValues("vigil.alerts.sinks.ops.url=http://127.0.0.1:1/hook/" + SECRET).run(context -> {
      InvalidVigilPropertyException e = invalid(context.getStartupFailure());
      assertThat(e.property()).isEqualTo("vigil.alerts.sinks.ops.url");
      assertThat(e.reason()).startsWith("a log sink (the type when none is given) does not use url; "
          + "webhook, slack, dingtalk, wecom, feishu and alertmanager sinks do");
      assertThat(stackTrace(context.getStartupFailure())).doesNotContain(SECRET);
    });
  }

  /**
   * Every sink type with every property it uses (and the common ones, rate-limit and rate-limit-period) still builds, and
   * each property of the others fails naming it, through Spring Boot's binder: the table of which type uses which
   * property is checked against what the binder sets, one property at a time.
   */
  @Test
  void eachTypeTakesItsOwnPropertiesAndTheCommonOnesAndRefusesEveryOther() {
    java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
    values.put("url", "http://127.0.0.1:1/hook");
    values.put("token", TOKEN);
    values.put("secret", SECRET);
    values.put("headers.X-Token", SECRET);
    values.put("template", "{\"text\": {{text}}}");
    values.put("labels.instance", "gateway-1");
    values.put("timeout", "5s");
    values.put("smtp.host", "127.0.0.1");
    values.put("smtp.port", "25");   // the default, given: it is the given one that counts
    values.put("smtp.username", "vigil");
    values.put("smtp.password", PASSWORD);
    values.put("smtp.start-tls", "false");
    values.put("smtp.from", "vigil@desk.example");
    values.put("smtp.to", "ops@desk.example");
    // what each type's sink is built from (VigilAlertsFactory), written out here: the table to check
    java.util.Map<String, java.util.List<String>> uses = java.util.Map.of("log", List.of(),
        "webhook", List.of("url", "headers.X-Token", "template", "timeout"), "slack", List.of("url", "timeout"),
        "dingtalk", List.of("token", "secret", "url", "timeout"), "wecom", List.of("token", "url", "timeout"),
        "feishu", List.of("url", "secret", "timeout"), "email", List.of("smtp.host", "smtp.port", "smtp.username", "smtp.password",
            "smtp.start-tls", "smtp.from", "smtp.to", "timeout"), "alertmanager", List.of("url", "labels.instance", "headers.X-Token", "timeout"));
    java.util.List<String> failures = new java.util.ArrayList<>();
    int refused = 0;
    for (VigilAlertsProperties.SinkType type : VigilAlertsProperties.SinkType.values()) {
      String t = type.name().toLowerCase(java.util.Locale.ROOT);
      assertThat(uses).as("the properties of each type, written out in this test").containsKey(t);
      java.util.Map<String, String> own = new java.util.LinkedHashMap<>(java.util.Map.of("type", t, "rate-limit", "5", "rate-limit-period", "10s"));
      uses.get(t).forEach(key -> own.put(key, values.get(key)));
      try (NotificationPipeline p = pipeline(own)) {
        assertThat(p.routes().get("default").sinks()).as(t).singleElement();
      } catch (RuntimeException e) {
        failures.add(t + " with " + own.keySet() + " => " + e);
      }
      for (String key : values.keySet()) {
        if (own.containsKey(key)) {
          continue;
        }
        java.util.Map<String, String> bad = new java.util.LinkedHashMap<>(own);
        bad.put(key, values.get(key));
        // a key of a map is named as its own property (headers.X-Token), and the reason names the map
        String property = key.startsWith("headers.") || key.startsWith("labels.") ? key.substring(0, key.indexOf('.')) : key;
        try (NotificationPipeline p = pipeline(bad)) {
          failures.add(t + " took " + key);
        } catch (InvalidVigilPropertyException e) {
          refused++;
          if (!e.property().equals("vigil.alerts.sinks.s." + key) || e.all().size() != 1
              || !e.reason().contains((t.matches("[aeiou].*") ? "an " : "a ") + t + " sink")
              || !e.reason().contains("does not use " + property + ";") || stackTrace(e).contains(SECRET) || stackTrace(e).contains(TOKEN)
              || stackTrace(e).contains(PASSWORD)) {
            failures.add(t + " with " + key + " => " + e.getMessage());
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(refused).as("properties refused in all").isGreaterThan(60);
  }

  /**
   * Every unused property and every wrong header or label of every sink is in one failure, each named by its own
   * property, in the order of their names whatever the order they were given in: it was the first found, one a start.
   */
  @Test
  void everyMistakeOfEverySinkIsInOneFailureInTheOrderOfTheirNames() {
    java.util.Map<String, String> given = new java.util.LinkedHashMap<>();
    given.put("vigil.alerts.sinks.ops.type", "slack");
    given.put("vigil.alerts.sinks.ops.url", "http://127.0.0.1:1/services/T0/B0");
    given.put("vigil.alerts.sinks.ops.secret", SECRET);
    given.put("vigil.alerts.sinks.ops.labels.team", "rates");
    given.put("vigil.alerts.sinks.hook.type", "webhook");
    given.put("vigil.alerts.sinks.hook.url", "http://127.0.0.1:1/hook");
    given.put("vigil.alerts.sinks.hook.headers.Content-Type", "text/plain");
    given.put("vigil.alerts.sinks.hook.headers.X-Token", "");
    given.put("vigil.alerts.sinks.hook.headers.Authorization", "Bearer " + TOKEN);   // a good one: not listed
    given.put("vigil.alerts.sinks.fleet.type", "alertmanager");
    given.put("vigil.alerts.sinks.fleet.url", "http://127.0.0.1:9093");
    given.put("vigil.alerts.sinks.fleet.labels.trade-desk", "rates");
    given.put("vigil.alerts.sinks.fleet.token", TOKEN);
    List<String> expected = List.of("vigil.alerts.sinks.fleet.labels.trade-desk", "vigil.alerts.sinks.fleet.token",
        "vigil.alerts.sinks.hook.headers.Content-Type", "vigil.alerts.sinks.hook.headers.X-Token", "vigil.alerts.sinks.ops.labels.team",
        "vigil.alerts.sinks.ops.secret");
    for (boolean reversed : new boolean[] {false, true}) {
      List<java.util.Map.Entry<String, String>> entries = new java.util.ArrayList<>(given.entrySet());
      if (reversed) {
        java.util.Collections.reverse(entries);
      }
      java.util.Map<String, String> source = new java.util.LinkedHashMap<>();
      entries.forEach(e -> source.put(e.getKey(), e.getValue()));
      VigilAlertsProperties p = new org.springframework.boot.context.properties.bind.Binder(
          new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(source))
          .bindOrCreate("vigil.alerts", VigilAlertsProperties.class);
      InvalidVigilPropertyException e = org.assertj.core.api.Assertions.catchThrowableOfType(InvalidVigilPropertyException.class,
          () -> VigilAlertsFactory.pipeline(p).close());
      assertThat(e.all()).extracting(InvalidVigilPropertyException::property).as("reversed: %s", reversed).isEqualTo(expected);
      assertThat(e.property()).isEqualTo(expected.get(0));
      assertThat(e.all()).extracting(InvalidVigilPropertyException::reason).containsExactly(
          "label name of Alertmanager sink fleet must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __: 'trade-desk' (use 'trade_desk')",
          "an alertmanager sink does not use token; dingtalk and wecom sinks do (set vigil.alerts.sinks.fleet.type to the kind of sink "
              + "meant, or leave token out)",
          "header of webhook sink hook 'Content-Type': the sink sets Content-Type itself (application/json; charset=utf-8)",
          "header of webhook sink hook 'X-Token' must not have a blank value: it is empty",
          "a slack sink does not use labels; alertmanager sinks do (set vigil.alerts.sinks.ops.type to the kind of sink meant, or "
              + "leave labels out)",
          "a slack sink does not use secret; dingtalk and feishu sinks do (set vigil.alerts.sinks.ops.type to the kind of sink meant, "
              + "or leave secret out)");
      assertThat(e.all()).extracting(InvalidVigilPropertyException::value).containsExactly("rates", "<hidden>", "<hidden>", "<hidden>",
          "rates", "<hidden>");
      assertThat(stackTrace(e)).doesNotContain(SECRET).doesNotContain(TOKEN);
    }
  }

  /**
   * What a sink's build refuses (a url its builder refuses, a rate limit, a timeout, a missing token or url, two on one
   * sink) is in the same one failure as every other sink's, each named by its property: it was one a start.
   */
  @Test
  void whatASinksBuildRefusesIsInTheOneFailureWithEveryOtherSinks() {
    java.util.Map<String, String> source = new java.util.LinkedHashMap<>();
    source.put("vigil.alerts.sinks.ftp.type", "webhook");
    source.put("vigil.alerts.sinks.ftp.url", "ftp://files.desk.example/hook");
    source.put("vigil.alerts.sinks.busy.type", "slack");
    source.put("vigil.alerts.sinks.busy.url", "http://127.0.0.1:1/services/T0/B0");
    source.put("vigil.alerts.sinks.busy.rate-limit", "0");
    source.put("vigil.alerts.sinks.ding.type", "dingtalk");
    source.put("vigil.alerts.sinks.ding.timeout", "-1s");
    source.put("vigil.alerts.sinks.fleet.type", "alertmanager");
    source.put("vigil.alerts.sinks.fleet.timeout", "0s");
    VigilAlertsProperties p = new org.springframework.boot.context.properties.bind.Binder(
        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(source))
        .bindOrCreate("vigil.alerts", VigilAlertsProperties.class);
    InvalidVigilPropertyException e = org.assertj.core.api.Assertions.catchThrowableOfType(InvalidVigilPropertyException.class,
        () -> VigilAlertsFactory.pipeline(p).close());
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly("vigil.alerts.sinks.busy.rate-limit",
        "vigil.alerts.sinks.ding.timeout", "vigil.alerts.sinks.ding.token", "vigil.alerts.sinks.fleet.timeout",
        "vigil.alerts.sinks.fleet.url", "vigil.alerts.sinks.ftp.url");
    assertThat(e.all()).extracting(InvalidVigilPropertyException::reason).containsExactly(
        "rate limit's permits (notifications per period) must be at least 1: 0", "must be positive", "required for this sink type",
        "must be positive", "required for this sink type",
        "webhook uri of sink ftp must start with http:// or https://: 'ftp://files.desk.example/...' has scheme ftp");
  }

  /** The pipeline of one sink {@code s} with {@code sink}'s properties, bound by Spring Boot's binder. */
  private static NotificationPipeline pipeline(java.util.Map<String, String> sink) {
    java.util.Map<String, String> source = new java.util.LinkedHashMap<>();
    sink.forEach((key, value) -> source.put("vigil.alerts.sinks.s." + key, value));
    VigilAlertsProperties p = new org.springframework.boot.context.properties.bind.Binder(
        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(source))
        .bindOrCreate("vigil.alerts", VigilAlertsProperties.class);
    return VigilAlertsFactory.pipeline(p);
  }

  /** The property exception in {@code failure}'s causes. */
  private static io.github.vigil.spring.boot.autoconfigure.InvalidVigilPropertyException invalid(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidVigilPropertyException e) {
        return e;
      }
    }
    throw new AssertionError("no InvalidVigilPropertyException in " + failure, failure);
  }

  @Test
  void aSilenceOutsideTheSessionsOfAConfiguredCalendar() {
    ApplicationContextRunner withCalendars = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilCalendarAutoConfiguration.class,
            VigilAlertsAutoConfiguration.class, VigilAlertsEndpointAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=*", "vigil.backend=jdk", "vigil.calendars.desk.zone=UTC",
            "vigil.calendars.desk.sessions[0]=am 09:30-11:30", "vigil.calendars.desk.sessions[1]=pm 13:00-15:00");
    withCalendars.withPropertyValues("vigil.alerts.silences[0].id=off-hours", "vigil.alerts.silences[0].outside-sessions-of=desk",
        "vigil.alerts.silences[0].matchers.type=QUOTE").run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Alerting.class);
          io.github.vigil.alerts.Silence s = context.getBean(NotificationPipeline.class).silences().get(0);
          assertThat(s.id()).isEqualTo("off-hours");
          assertThat(s.matchers()).containsEntry("type", "QUOTE");
          assertThat(s.window()).isInstanceOfSatisfying(io.github.vigil.alerts.Silence.OutsideSessions.class,
              w -> assertThat(w.calendar().name()).isEqualTo("desk"));
          java.time.Instant monday = java.time.Instant.parse("2026-01-05T00:00:00Z");
          assertThat(s.window().isActive(monday.plus(Duration.ofHours(9)))).as("before the open").isTrue();
          assertThat(s.window().activeUntil(monday.plus(Duration.ofHours(9)))).contains(monday.plus(Duration.ofMinutes(9 * 60 + 30)));
          assertThat(s.window().isActive(monday.plus(Duration.ofHours(10)))).as("in the morning session").isFalse();
          assertThat(s.window().isActive(monday.plus(Duration.ofHours(12)))).as("the lunch break").isTrue();
          assertThat(s.window().isActive(monday.plus(Duration.ofDays(5).plusHours(10)))).as("Saturday").isTrue();
          VigilAlertsEndpoint endpoint = context.getBean(VigilAlertsEndpoint.class);
          assertThat(endpoint.alerts().silences()).singleElement()
              .satisfies(d -> assertThat(d.window()).isEqualTo("outside the sessions of desk"));
        });
    withCalendars.withPropertyValues("vigil.alerts.silences[0].outside-sessions-of=nyse").run(context -> assertThat(context)
        .getFailure().hasStackTraceContaining("vigil.alerts.silences[0]").hasStackTraceContaining("unknown calendar nyse (calendars: [desk])"));
    runner.withPropertyValues("vigil.alerts.silences[0].outside-sessions-of=desk").run(context -> assertThat(context)
        .getFailure().hasStackTraceContaining("vigil.alerts.silences[0]").hasStackTraceContaining("no trading calendars are configured"));
  }

  private static String stackTrace(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  @Test
  void aCrashingProcessReachesAWebhookOverRealHttp() throws Exception {
    try (WebhookReceiver hook = new WebhookReceiver()) {
      runner.withPropertyValues("vigil.processes.crasher.command=sh,-c,sleep 2; exit 3",
          "vigil.alerts.sinks.hook.type=webhook", "vigil.alerts.sinks.hook.url=" + hook.url(),
          "vigil.alerts.routes.ops.sinks=hook", "vigil.alerts.routes.ops.group-wait=0s")
          .run(context -> {
            assertThat(context).hasNotFailed();
            List<String> bodies = hook.awaitBodies(Duration.ofSeconds(30));
            assertThat(bodies).isNotEmpty();
            assertThat(bodies.get(0)).contains("\"receiver\":\"ops\"").contains("VigilProcessCrashed").contains("crasher");
          });
    }
  }
}
