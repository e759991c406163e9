package io.github.vigil.spring.boot.autoconfigure;

import static io.github.vigil.spring.boot.autoconfigure.ProcessSpecFactory.key;

import io.github.vigil.alerts.AlertRules;
import io.github.vigil.alerts.AlertType;
import io.github.vigil.alerts.AlertmanagerSink;
import io.github.vigil.alerts.DingTalkSink;
import io.github.vigil.alerts.EmailSink;
import io.github.vigil.alerts.FeishuSink;
import io.github.vigil.alerts.NotificationPipeline;
import io.github.vigil.alerts.NotificationSink;
import io.github.vigil.alerts.RateLimit;
import io.github.vigil.alerts.RetryPolicy;
import io.github.vigil.alerts.Route;
import io.github.vigil.alerts.RuleConfig;
import io.github.vigil.alerts.Severity;
import io.github.vigil.alerts.Silence;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.alerts.SlackSink;
import io.github.vigil.alerts.WeComSink;
import io.github.vigil.alerts.WebhookSink;
import io.github.vigil.alerts.Slf4jSink;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@code vigil.alerts.*} into rules, sinks, routes and silences. A bad value fails naming the
 * property; a secret's value (token, secret, password, header) is never in the message.
 */
final class VigilAlertsFactory {
  private static final String P = "vigil.alerts.";
  /** The URL of a sink builder made only to check a header or label with: never sent to. */
  private static final URI KEY_CHECK_URI = URI.create("http://127.0.0.1/");
  /** A sink's timeout when none is set, and the one it is built with to check the rest when its own is refused. */
  private static final Duration DEFAULT_TIMEOUT = new VigilAlertsProperties.Sink().getTimeout();

  private VigilAlertsFactory() {}

  /** The rules of {@code vigil.alerts.rules} and {@code overrides}; one failure naming every mistake of them. */
  static AlertRules rules(VigilAlertsProperties p) {
    java.util.List<InvalidVigilPropertyException> problems = new java.util.ArrayList<>();
    AlertRules rules = rules(p, problems);
    failOnAll(problems);
    return rules;
  }

  /**
   * The rules of {@code vigil.alerts.rules} and {@code overrides}, each mistake added to {@code problems} (they failed the
   * start one at a time, at once), the setting with it left as it was.
   */
  static AlertRules rules(VigilAlertsProperties p, java.util.List<InvalidVigilPropertyException> problems) {
    RuleConfig defaults = apply(RuleConfig.defaults(), p.getRules(), P + "rules", problems);
    AlertRules rules = AlertRules.of(defaults);
    for (Map.Entry<String, VigilAlertsProperties.Rules> e : p.getOverrides().entrySet()) {
      RuleConfig c = apply(defaults, e.getValue(), P + "overrides." + e.getKey(), problems);
      rules = rules.override(e.getKey(), ignored -> c);
    }
    return rules;
  }

  /**
   * Fails on an override for a name that is no process or attachment of {@code supervisor}: a misspelt one would leave
   * the process it meant on the defaults, unsaid.
   */
  static void checkOverrideNames(VigilAlertsProperties p, io.github.vigil.Supervisor supervisor) {
    java.util.List<InvalidVigilPropertyException> problems = new java.util.ArrayList<>();
    checkOverrideNames(p, supervisor, java.util.Set.of(), problems);
    failOnAll(problems);
  }

  /**
   * Adds to {@code problems} each override for a name that is no process or attachment of {@code supervisor} nor of
   * {@code others} (those not registered for mistakes of their own).
   */
  static void checkOverrideNames(VigilAlertsProperties p, io.github.vigil.Supervisor supervisor, java.util.Collection<String> others,
      java.util.List<InvalidVigilPropertyException> problems) {
    java.util.Set<String> known = new java.util.TreeSet<>(others);
    supervisor.controllers().forEach(c -> known.add(c.name()));
    supervisor.attachedProcesses().forEach(a -> known.add(a.name()));
    for (String name : p.getOverrides().keySet()) {
      if (!known.contains(name)) {
        String closest = StrictVigilProperties.closest(name, new java.util.ArrayList<>(known));
        problems.add(new InvalidVigilPropertyException(P + "overrides." + name, name, "no process or attachment is named '" + name + "'"
            + (closest != null ? "; did you mean `" + closest + "`?" : " (known: " + known + ")"), null));
      }
    }
  }

  /** {@code base} with the settings of {@code r}; a refused one is added to {@code problems} and left as in {@code base}. */
  private static RuleConfig apply(RuleConfig base, VigilAlertsProperties.Rules r, String prefix,
      java.util.List<InvalidVigilPropertyException> problems) {
    RuleConfig c = base;
    for (VigilAlertsProperties.AlertTypeName t : r.getDisabled()) {
      c = c.without(AlertType.valueOf(t.name()));
    }
    for (Map.Entry<VigilAlertsProperties.AlertTypeName, VigilAlertsProperties.SeverityName> e : r.getSeverities().entrySet()) {
      c = c.withSeverity(AlertType.valueOf(e.getKey().name()), Severity.valueOf(e.getValue().name()));
    }
    RuleConfig[] box = {c};
    java.util.function.Consumer<Supplier<RuleConfig>> step = change -> {
      RuleConfig changed = collect(problems, change);
      if (changed != null) {
        box[0] = changed;
      }
    };
    if (r.getNotRunningGrace() != null) {
      step.accept(() -> at(prefix + ".not-running-grace", r.getNotRunningGrace(),
          () -> box[0].withNotRunningGrace(r.getNotRunningGrace())));
    }
    if (r.getStableAfter() != null) {
      step.accept(() -> at(prefix + ".stable-after", r.getStableAfter(), () -> box[0].withStableAfter(r.getStableAfter())));
    }
    if (r.getFlappingRestarts() != null || r.getFlappingWindow() != null) {
      int n = r.getFlappingRestarts() != null ? r.getFlappingRestarts() : box[0].flappingRestarts();
      Duration w = r.getFlappingWindow() != null ? r.getFlappingWindow() : box[0].flappingWindow();
      if (r.getFlappingWindow() != null && (w.isZero() || w.isNegative())) { // named as set, not as the restarts beside it
        problems.add(new InvalidVigilPropertyException(prefix + ".flapping-window", w, "must be positive", null));
        if (r.getFlappingRestarts() != null) {   // the restarts still checked, against the window they would have had
          Duration window = box[0].flappingWindow();
          step.accept(() -> at(prefix + ".flapping-restarts", n, () -> box[0].withFlapping(n, window)));
        }
      } else {
        step.accept(() -> at(prefix + ".flapping-restarts", n, () -> box[0].withFlapping(n, w)));
      }
    }
    if (r.getCpuLimitPercent() != null) {
      step.accept(() -> at(prefix + ".cpu-limit-percent", r.getCpuLimitPercent(),
          () -> box[0].withCpuLimitPercent(r.getCpuLimitPercent())));
    }
    Duration cpuFor = r.getHighCpuFor() != null ? r.getHighCpuFor() : box[0].cpuFor();
    if (r.getHighCpuPercent() != null) {
      step.accept(() -> at(prefix + ".high-cpu-percent", r.getHighCpuPercent(),
          () -> box[0].withHighCpu(r.getHighCpuPercent(), cpuFor)));
    } else if (r.getHighCpuShare() != null) {
      step.accept(() -> at(prefix + ".high-cpu-share", r.getHighCpuShare(),
          () -> box[0].withHighCpuShare(r.getHighCpuShare(), cpuFor)));
    }
    if (r.getMemoryLimit() != null) {
      step.accept(() -> at(prefix + ".memory-limit", r.getMemoryLimit(), () -> box[0].withMemoryLimit(r.getMemoryLimit().toBytes())));
    }
    Duration memFor = r.getHighMemoryFor() != null ? r.getHighMemoryFor() : box[0].memoryFor();
    if (r.getHighMemory() != null) {
      step.accept(() -> at(prefix + ".high-memory", r.getHighMemory(),
          () -> box[0].withHighMemory(r.getHighMemory().toBytes(), memFor)));
    } else if (r.getHighMemoryShare() != null) {
      step.accept(() -> at(prefix + ".high-memory-share", r.getHighMemoryShare(),
          () -> box[0].withHighMemoryShare(r.getHighMemoryShare(), memFor)));
    }
    return box[0];
  }

  static NotificationPipeline pipeline(VigilAlertsProperties p) {
    return pipeline(p, null);
  }

  /**
   * The pipeline; {@code trading} (may be null) gives the calendars of {@code outside-sessions-of} silences. Every
   * mistake of the sinks, their rate limits, the routes and the retry in one failure, sorted by property name.
   */
  static NotificationPipeline pipeline(VigilAlertsProperties p, @Nullable TradingSupervision trading) {
    java.util.List<InvalidVigilPropertyException> problems = new java.util.ArrayList<>();
    NotificationPipeline pipeline = pipeline(p, trading, problems);
    failOnAll(problems);
    return java.util.Objects.requireNonNull(pipeline);
  }

  /**
   * The pipeline, or null when a sink, a rate limit, a route or the retry has mistakes, each added to {@code problems}
   * (the routes' were said a start after the sinks'); a route naming a sink with mistakes is not called wrong for it.
   * Every silence's mistake is added too.
   */
  static @Nullable NotificationPipeline pipeline(VigilAlertsProperties p, @Nullable TradingSupervision trading,
      java.util.List<InvalidVigilPropertyException> problems) {
    return pipeline(p, trading, java.util.Set.of(), problems);
  }

  /**
   * The pipeline, as {@link #pipeline(VigilAlertsProperties, TradingSupervision, java.util.List)} makes it; a silence
   * {@code outside-sessions-of} a calendar of {@code calendarsWithMistakes} (configured, not built) is left out, not
   * called unknown.
   */
  static @Nullable NotificationPipeline pipeline(VigilAlertsProperties p, @Nullable TradingSupervision trading,
      java.util.Set<String> calendarsWithMistakes, java.util.List<InvalidVigilPropertyException> problems) {
    int before = problems.size();
    // every silence's mistake, whether or not the sinks have some (they were said once the sinks had none, one a start)
    java.util.List<Silence> silences = new java.util.ArrayList<>();
    for (int i = 0; i < p.getSilences().size(); i++) {
      VigilAlertsProperties.SilenceProperties s = p.getSilences().get(i);
      String prefix = P + "silences[" + i + "]";
      Silence silence = collect(problems, () -> at(prefix, s.getId(), () -> silence(s, prefix, trading, calendarsWithMistakes)));
      if (silence != null) {
        silences.add(silence);
      }
    }
    NotificationPipeline.Builder b = NotificationPipeline.builder();
    Map<String, NotificationSink> sinks = new LinkedHashMap<>();
    // every sink's mistakes, and every rate limit's, in one failure: none is sent to
    p.getSinks().forEach((name, s) -> {
      NotificationSink sink = collect(problems, () -> checkedSink(name, s));
      RateLimit limit = collect(problems, () -> at(P + "sinks." + name + ".rate-limit", s.getRateLimit(),
          () -> new RateLimit(s.getRateLimit(), s.getRateLimitPeriod())));
      if (sink != null && limit != null) {
        sinks.put(name, sink);
        b.rateLimit(name, limit);
      }
    });
    // the names a route may give: a sink with mistakes too, which is not said to be unknown
    java.util.Set<String> named = new java.util.LinkedHashSet<>(p.getSinks().keySet());
    if (sinks.isEmpty() && p.getSinks().isEmpty()) {
      sinks.put("log", new Slf4jSink("log"));
    }
    named.addAll(sinks.keySet());
    if (p.getRoutes().isEmpty() && problems.size() == before) {   // a sink with mistakes leaves no pipeline to build
      Route.Builder r = Route.builder("default");
      sinks.values().forEach(r::sink);
      b.route(r.build());
    }
    p.getRoutes().forEach((name, rp) -> {
      Route route = collect(problems, () -> at(P + "routes." + name, name, () -> route(name, rp, sinks, named)));
      if (route != null) {
        b.route(route);
      }
    });
    VigilAlertsProperties.Retry rt = p.getRetry();
    RetryPolicy retry = collect(problems, () -> at(P + "retry", rt.getMaxAttempts(), () -> new RetryPolicy(rt.getMaxAttempts(),
        rt.getInitialBackoff(), rt.getMultiplier(), rt.getMaxBackoff())));
    if (problems.size() > before) {
      return null;
    }
    b.retry(retry);
    NotificationPipeline pipeline = at(P + "routes", p.getRoutes().keySet(), b::build);
    silences.forEach(pipeline::addSilence);
    return pipeline;
  }

  /** A pipeline that sends nowhere but the log: the bean while the start fails for mistakes, never started. */
  static NotificationPipeline placeholder() {
    return NotificationPipeline.builder().route(Route.builder("default").sink(new Slf4jSink("log")).build()).build();
  }

  /**
   * The route {@code name}; every sink it names that is not among {@code named} in one failure. Null, with nothing said,
   * when it names a sink of {@code named} that was not built for mistakes of its own: those fail the start.
   */
  private static @Nullable Route route(String name, VigilAlertsProperties.RouteProperties rp, Map<String, NotificationSink> sinks,
      java.util.Set<String> named) {
    Route.Builder r = Route.builder(name);
    java.util.List<InvalidVigilPropertyException> unknown = new java.util.ArrayList<>();
    boolean unbuilt = false;
    for (int i = 0; i < rp.getSinks().size(); i++) {
      String s = rp.getSinks().get(i);
      NotificationSink sink = sinks.get(s);
      if (sink == null && named.contains(s)) {
        unbuilt = true;
      } else if (sink == null) { // named at its own element, with the closest sink (it named the route, "all", and no line)
        String closest = StrictVigilProperties.closest(s, java.util.List.copyOf(named));
        unknown.add(new InvalidVigilPropertyException(P + "routes." + name + ".sinks[" + i + "]", s, "unknown sink " + s + " (sinks: "
            + named + ")" + (closest != null ? "; did you mean `" + closest + "`?" : ""), null));
      } else {
        r.sink(sink);
      }
    }
    if (!unknown.isEmpty()) {
      throw InvalidVigilPropertyException.of(unknown);
    }
    if (unbuilt) {   // its sinks' mistakes fail the start: the route is not built, nor anything said of it
      return null;
    }
    if (rp.getSinks().isEmpty()) {
      sinks.values().forEach(r::sink);
    }
    if (rp.getMinSeverity() != null) {
      r.minSeverity(Severity.valueOf(rp.getMinSeverity().name()));
    }
    if (!rp.getProcesses().isEmpty()) {
      r.processes(rp.getProcesses().toArray(String[]::new));
    }
    rp.getLabels().forEach(r::label);
    if (rp.isEscalationOnly()) {
      r.escalationOnly();
    }
    r.groupBy(rp.getGroupBy().toArray(String[]::new)).groupWait(rp.getGroupWait()).groupInterval(rp.getGroupInterval())
        .repeatInterval(rp.getRepeatInterval());
    if (rp.getEscalateTo() != null) {
      r.escalateTo(rp.getEscalateTo(), rp.getEscalateAfter() != null ? rp.getEscalateAfter() : Duration.ofMinutes(15));
    }
    return r.build();
  }

  /**
   * The silence {@code s} ({@code prefix}: {@code vigil.alerts.silences[i]}); a mistake is named by the key it is in
   * ({@code .daily-to} when it is missing, {@code .outside-sessions-of} naming no calendar). Null, with nothing said, when
   * it is {@code outside-sessions-of} a calendar of {@code calendarsWithMistakes}: those fail the start on their own.
   */
  private static @Nullable Silence silence(VigilAlertsProperties.SilenceProperties s, String prefix, @Nullable TradingSupervision trading,
      java.util.Set<String> calendarsWithMistakes) {
    String id = s.getId() != null ? s.getId() : prefix;
    String calendar = s.getOutsideSessionsOf();
    if (calendar != null) {
      String at = prefix + ".outside-sessions-of";
      if (s.getDailyFrom() != null || s.getDailyTo() != null || s.getStartsAt() != null || s.getEndsAt() != null) {
        throw new InvalidVigilPropertyException(at, calendar, "outside-sessions-of cannot be combined with daily-from/daily-to or starts-at/ends-at", null);
      }
      TradingCalendar c = trading == null ? null : trading.calendar(calendar).orElse(null);
      if (c == null && calendarsWithMistakes.contains(calendar)) {
        return null;
      }
      if (trading == null) {
        throw new InvalidVigilPropertyException(at, calendar, "outside-sessions-of " + calendar + ": no trading calendars are configured (vigil.calendars.*)", null);
      }
      if (c == null) {
        java.util.List<String> known = new java.util.ArrayList<>(trading.calendars().stream().map(TradingCalendar::name).toList());
        known.addAll(calendarsWithMistakes);
        throw new InvalidVigilPropertyException(at, calendar, "outside-sessions-of: unknown calendar " + calendar + " (calendars: "
            + known + ")", null);
      }
      return at(prefix, id, () -> Silence.outsideSessions(id, s.getMatchers(), c, s.getCreatedBy(), s.getComment()));
    }
    if (s.getDailyFrom() != null || s.getDailyTo() != null) {
      if (s.getDailyFrom() == null || s.getDailyTo() == null) {
        throw new InvalidVigilPropertyException(prefix + (s.getDailyFrom() == null ? ".daily-from" : ".daily-to"), null,
            "a daily silence needs both daily-from and daily-to", null);
      }
      ZoneId zone = at(prefix + ".zone", s.getZone(), () -> {
        try {
          return ZoneId.of(s.getZone());
        } catch (java.time.DateTimeException e) {
          throw new IllegalArgumentException("not a time zone (e.g. Asia/Shanghai)", e);
        }
      });
      return at(prefix, id, () -> Silence.daily(id, s.getMatchers(), s.getDailyFrom(), s.getDailyTo(), s.getDays(), zone,
          s.getCreatedBy(), s.getComment()));
    }
    if (s.getStartsAt() == null || s.getEndsAt() == null) {
      throw new InvalidVigilPropertyException(prefix + (s.getStartsAt() == null ? ".starts-at" : ".ends-at"), null,
          "a silence needs starts-at and ends-at, or daily-from and daily-to", null);
    }
    return at(prefix + ".ends-at", s.getEndsAt(), () -> Silence.between(id, s.getMatchers(), s.getStartsAt(), s.getEndsAt(),
        s.getCreatedBy(), s.getComment()));
  }

  /** The sink {@code name}, or one failure naming every mistake of its properties ({@link #checkedSink}). */
  static NotificationSink sink(String name, VigilAlertsProperties.Sink s) {
    java.util.List<InvalidVigilPropertyException> problems = new java.util.ArrayList<>();
    NotificationSink sink = collect(problems, () -> checkedSink(name, s));
    failOnAll(problems);
    return sink;
  }

  /**
   * The sink {@code name}, or one failure naming every mistake of its properties: those found without building it
   * ({@link #problems}) and what its builder refuses beyond them (a url it refuses, an SMTP port), said under the
   * property's name; it is built even when the first have some, so that one start says both. A sink is not sent to when
   * it is built, so building one is a check too.
   */
  private static NotificationSink checkedSink(String name, VigilAlertsProperties.Sink s) {
    java.util.List<InvalidVigilPropertyException> problems = new java.util.ArrayList<>(problems(name, s));
    if (name.isBlank()) {
      throw InvalidVigilPropertyException.of(problems);
    }
    String prefix = P + "sinks." + name;
    // built even with mistakes found before, so that what only its builder refuses is said in the same failure (it came
    // the next start): a refused timeout is replaced by the default, not refused again; what is refused again the same
    // (a missing url, a header) is said once (InvalidVigilPropertyException.throwAll)
    Duration timeout = s.getTimeout() == null || s.getTimeout().isZero() || s.getTimeout().isNegative() ? DEFAULT_TIMEOUT : s.getTimeout();
    // whatever a sink's builder refuses beyond the checks here is said under the sink's name
    NotificationSink sink = collect(problems, () -> at(prefix, s.getType(), () -> build(name, s, prefix, timeout)));
    if (!problems.isEmpty()) {
      throw InvalidVigilPropertyException.of(problems);
    }
    return sink;
  }

  /** What {@code step} returns, or null when it refuses a property: then every property it refused is added to {@code out}. */
  private static <T> @Nullable T collect(java.util.List<InvalidVigilPropertyException> out, Supplier<T> step) {
    try {
      return step.get();
    } catch (InvalidVigilPropertyException e) {
      out.addAll(e.all());
      return null;
    }
  }

  /**
   * Fails, once, on every property of {@code problems}, in the order of their names, so that a user with three mistakes
   * reads three in one start, the same each time ({@link InvalidVigilPropertyException#all()}); nothing when there is none.
   */
  private static void failOnAll(java.util.List<InvalidVigilPropertyException> problems) {
    InvalidVigilPropertyException.throwAll(problems);
  }

  /**
   * Every mistake of the sink {@code name}'s properties that is found without building it, each named by its property,
   * in no particular order: a blank sink name; a property given that the sink's type does not use
   * ({@link VigilAlertsProperties.SinkType}'s table: it would be ignored, unsaid, as a signing secret on a Slack sink or
   * SMTP settings on a webhook were); a header or label that the sink's builder refuses (a header the JDK's HTTP client
   * would refuse at every send, a label name Alertmanager refuses); a timeout that is not positive; a url, token, SMTP
   * host, sender or password its type needs and lacks; a blank signing secret; an e-mail sink without Jakarta Mail. A key
   * of {@code headers} or {@code labels} is named as its own property ({@code vigil.alerts.sinks.ops.headers.X-Token}),
   * so that the failure analyzer finds its file and line. A secret's value (url, token, secret, a header's,
   * smtp.password) is {@code <hidden>}.
   */
  private static java.util.List<InvalidVigilPropertyException> problems(String name, VigilAlertsProperties.Sink s) {
    if (name.isBlank()) { // the key is what is wrong: named as written ("sinks[ ]"), not "sinks. " with the type as its value
      return java.util.List.of(new InvalidVigilPropertyException(P + "sinks[" + name + "]", name, "sink name must not be blank: '" + name + "'", null));
    }
    String prefix = P + "sinks." + name;
    VigilAlertsProperties.SinkType type = s.getType();
    java.util.List<InvalidVigilPropertyException> out = new java.util.ArrayList<>();
    for (Map.Entry<String, Object> e : s.given().entrySet()) {
      String property = e.getKey();
      if (type.uses(property)) {
        continue;
      }
      String reason = notUsed(type, property, prefix);
      if (property.equals("headers")) {   // each key, where it was written
        s.getHeaders().keySet().forEach(k -> out.add(new InvalidVigilPropertyException(key(prefix + ".headers", k), "<hidden>", reason, null)));
      } else if (property.equals("labels")) {
        s.getLabels().forEach((k, v) -> out.add(new InvalidVigilPropertyException(key(prefix + ".labels", k), v, reason, null)));
      } else {
        out.add(new InvalidVigilPropertyException(prefix + "." + property, e.getValue(), reason, null));
      }
    }
    // each key through its sink's own builder, one made for it alone: the sink's url is checked when the sink is built
    if (type.uses("headers")) {
      s.getHeaders().forEach((k, v) -> refused(out, key(prefix + ".headers", k), "<hidden>", () -> {
        if (type == VigilAlertsProperties.SinkType.WEBHOOK) {
          WebhookSink.builder(name, KEY_CHECK_URI).header(k, v);
        } else {
          AlertmanagerSink.builder(name, KEY_CHECK_URI).header(k, v);
        }
      }));
    }
    if (type.uses("labels")) {
      s.getLabels().forEach((k, v) -> refused(out, key(prefix + ".labels", k), v, () -> AlertmanagerSink.builder(name, KEY_CHECK_URI).label(k, v)));
    }
    // what the build refuses one at a time, with the build's own checks and messages
    if (s.getTimeout() == null || s.getTimeout().isZero() || s.getTimeout().isNegative()) {
      out.add(new InvalidVigilPropertyException(prefix + ".timeout", s.getTimeout(), "must be positive", null));
    }
    switch (type) {
      case WEBHOOK, SLACK, FEISHU, ALERTMANAGER -> collect(out, () -> need(s.getUrl(), prefix + ".url"));
      case DINGTALK, WECOM -> collect(out, () -> needSecret(s.getToken(), prefix + ".token"));
      case EMAIL -> {
        if (!isPresent("jakarta.mail.Session")) {
          out.add(noJakartaMail(s, prefix));
        }
        VigilAlertsProperties.Smtp m = s.getSmtp();
        collect(out, () -> need(m.getHost(), prefix + ".smtp.host"));
        collect(out, () -> need(m.getFrom(), prefix + ".smtp.from"));
        if (m.getUsername() != null) {
          collect(out, () -> needSecret(m.getPassword(), prefix + ".smtp.password"));
        }
      }
      default -> { }
    }
    if (type == VigilAlertsProperties.SinkType.DINGTALK || type == VigilAlertsProperties.SinkType.FEISHU) {
      collect(out, () -> optionalSecret(s.getSecret(), prefix + ".secret"));
    }
    return out;
  }

  /** Adds to {@code out} what {@code step} refuses, as {@code property}'s with {@code value}. */
  private static void refused(java.util.List<InvalidVigilPropertyException> out, String property, @Nullable Object value, Runnable step) {
    try {
      step.run();
    } catch (IllegalArgumentException e) {
      InvalidVigilPropertyException ex = new InvalidVigilPropertyException(property, value, String.valueOf(e.getMessage()), null);
      ex.initCause(e);
      out.add(ex);
    }
  }

  /** Why {@code property} is refused on a sink of {@code type}: the type, and the types that use it. */
  private static String notUsed(VigilAlertsProperties.SinkType type, String property, String prefix) {
    java.util.List<String> users = java.util.Arrays.stream(VigilAlertsProperties.SinkType.values()).filter(t -> t.uses(property))
        .map(VigilAlertsFactory::written).toList();
    return article(written(type)) + " sink" + (type == VigilAlertsProperties.SinkType.LOG ? " (the type when none is given)" : "")
        + " does not use " + property + "; " + (users.isEmpty() ? "no type of sink does" : and(users) + " sinks do")
        + " (set " + prefix + ".type to the kind of sink meant, or leave " + property + " out)";
  }

  /** A sink type as it is written in the properties: {@code dingtalk}. */
  private static String written(VigilAlertsProperties.SinkType type) {
    return type.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String article(String word) {
    return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}. */
  private static String and(java.util.List<String> words) {
    int last = words.size() - 1;
    return last == 0 ? words.get(0) : String.join(", ", words.subList(0, last)) + " and " + words.get(last);
  }

  private static NotificationSink build(String name, VigilAlertsProperties.Sink s, String prefix, Duration timeout) {
    switch (s.getType()) {
      case LOG:
        return new Slf4jSink(name);
      case WEBHOOK: {
        URI url = need(s.getUrl(), prefix + ".url");
        // a webhook's path often holds its secret: the sink's message shows what it may of the URL
        WebhookSink.Builder b = at(prefix + ".url", "<hidden>", () -> WebhookSink.builder(name, url)).timeout(timeout);
        s.getHeaders().forEach((k, v) -> at(key(prefix + ".headers", k), "<hidden>", () -> b.header(k, v)));
        if (s.getTemplate() != null) {
          b.template(s.getTemplate());
        }
        return b.build();
      }
      case SLACK: {
        URI url = need(s.getUrl(), prefix + ".url");
        // the webhook's URL is its secret: the sink's message shows what it may of it
        return at(prefix + ".url", "<hidden>", () -> new SlackSink(name, url, timeout));
      }
      case DINGTALK: {
        DingTalkSink.Builder b = DingTalkSink.builder(name, needSecret(s.getToken(), prefix + ".token")).timeout(timeout);
        String secret = optionalSecret(s.getSecret(), prefix + ".secret");
        if (secret != null) {
          b.secret(secret);
        }
        if (s.getUrl() != null) {
          at(prefix + ".url", s.getUrl(), () -> b.endpoint(s.getUrl()));
        }
        return b.build();
      }
      case WECOM: {
        String key = needSecret(s.getToken(), prefix + ".token");
        URI url = s.getUrl() != null ? s.getUrl() : WeComSink.ENDPOINT;
        return at(prefix + ".url", url, () -> new WeComSink(name, key, url, timeout));
      }
      case FEISHU: {
        URI url = need(s.getUrl(), prefix + ".url");
        String secret = optionalSecret(s.getSecret(), prefix + ".secret");   // before the sink, which would be said of the url
        return at(prefix + ".url", "<hidden>", () -> new FeishuSink(name, url, secret, InstantSource.system(), timeout));
      }
      case EMAIL: {
        if (!isPresent("jakarta.mail.Session")) {
          throw noJakartaMail(s, prefix);
        }
        VigilAlertsProperties.Smtp m = s.getSmtp();
        EmailSink.Builder b = at(prefix + ".smtp.port", m.getPort(),
            () -> EmailSink.builder(name, need(m.getHost(), prefix + ".smtp.host"), m.getPort()))
            .from(need(m.getFrom(), prefix + ".smtp.from")).to(m.getTo().toArray(String[]::new)).startTls(m.isStartTls())
            .timeout(timeout);
        if (m.getUsername() != null) {
          b.auth(m.getUsername(), needSecret(m.getPassword(), prefix + ".smtp.password"));
        }
        return at(prefix + ".smtp", m.getTo(), b::build);
      }
      case ALERTMANAGER: {
        URI url = need(s.getUrl(), prefix + ".url");
        // the sink's message shows the URL without its password, which the value would show
        AlertmanagerSink.Builder b = at(prefix + ".url", "<hidden>", () -> AlertmanagerSink.builder(name, url)).timeout(timeout);
        s.getLabels().forEach((k, v) -> at(key(prefix + ".labels", k), v, () -> b.label(k, v)));
        s.getHeaders().forEach((k, v) -> at(key(prefix + ".headers", k), "<hidden>", () -> b.header(k, v)));
        return b.build();
      }
      default:
        throw new InvalidVigilPropertyException(prefix + ".type", s.getType(), "unknown sink type", null);
    }
  }

  private static InvalidVigilPropertyException noJakartaMail(VigilAlertsProperties.Sink s, String prefix) {
    return new InvalidVigilPropertyException(prefix + ".type", s.getType(),
        "an e-mail sink needs Jakarta Mail on the class path (add org.eclipse.angus:angus-mail)", null);
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, VigilAlertsFactory.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static <T> T need(@Nullable T value, String property) {
    if (value == null) {
      throw new InvalidVigilPropertyException(property, null, "required for this sink type", null);
    }
    return value;
  }

  private static String needSecret(@Nullable String value, String property) {
    if (value == null || value.isBlank()) {
      throw new InvalidVigilPropertyException(property, "<hidden>", "required for this sink type", null);
    }
    return value;
  }

  /**
   * A signing secret that may be left out: null when it is, and refused when blank, as a blank token or password is
   * ({@link #needSecret}): set but blank is most likely a variable that was not set ({@code ${DING_SECRET:}}) for a
   * robot that does verify signatures, which would refuse every message signed with it (or sent unsigned).
   */
  private static @Nullable String optionalSecret(@Nullable String value, String property) {
    if (value != null && value.isBlank()) {
      throw new InvalidVigilPropertyException(property, "<hidden>", "must not be blank: it is "
          + (value.isEmpty() ? "empty" : value.length() + " whitespace character" + (value.length() == 1 ? "" : "s"))
          + "; leave it out when the robot does not verify signatures", null);
    }
    return value;
  }

  private static <T> T at(String property, @Nullable Object value, Supplier<T> step) {
    try {
      return step.get();
    } catch (InvalidVigilPropertyException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      InvalidVigilPropertyException ex = new InvalidVigilPropertyException(property, value, String.valueOf(e.getMessage()), null);
      ex.initCause(e);
      throw ex;
    }
  }
}
