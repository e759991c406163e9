package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * POSTs each notification as JSON to any URL. By default the body has the shape of Alertmanager's
 * webhook ({@code version "4"}, {@code status}, {@code receiver}, {@code groupLabels},
 * {@code commonLabels}, {@code alerts[]} with {@code status}, {@code labels}, {@code annotations},
 * {@code startsAt}, {@code endsAt}), which many receivers already read. With a {@link Builder#template}
 * the body is the template with placeholders replaced, JSON-escaped: {@code {{title}}},
 * {@code {{text}}}, {@code {{markdown}}}, {@code {{status}}}, {@code {{severity}}}, {@code {{route}}},
 * {@code {{process}}}, and {@code {{alerts}}} (the alerts as a JSON array, inserted as is).
 *
 * <p>Headers (an {@code Authorization} token) are sent but never logged. Thread-safe.
 */
public final class WebhookSink implements NotificationSink {
  private final String name;
  private final URI uri;
  private final @Nullable String template;
  private final Map<String, String> headers;
  private final Http http;

  private WebhookSink(Builder b) {
    this.name = b.name;
    this.uri = b.uri;
    this.template = b.template;
    this.headers = Map.copyOf(b.headers);
    this.http = new Http(b.timeout);
  }

  /** A webhook sink named {@code name} posting to {@code uri}. */
  public static Builder builder(String name, URI uri) {
    return new Builder(name, uri);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Notification n) throws Exception {
    http.post(uri, body(n), headers, "webhook " + name + " (" + Http.origin(uri) + ")");
  }

  /** The body this sink sends for {@code n}. */
  String body(Notification n) {
    if (template == null) {
      return alertmanagerStyle(n);
    }
    return template.replace("{{title}}", Json.escaped(n.title()))
        .replace("{{text}}", Json.escaped(n.text()))
        .replace("{{markdown}}", Json.escaped(n.markdown()))
        .replace("{{status}}", n.status().name().toLowerCase(java.util.Locale.ROOT))
        .replace("{{severity}}", n.severity().label())
        .replace("{{route}}", Json.escaped(n.route()))
        .replace("{{process}}", Json.escaped(n.groupLabels().getOrDefault("process", "")))
        .replace("{{alerts}}", alertsArray(n));
  }

  static String alertsArray(Notification n) {
    Json j = new Json().beginArray();
    for (Alert a : n.alerts()) {
      j.beginObject()
          .field("status", a.status().name().toLowerCase(java.util.Locale.ROOT))
          .object("labels", new java.util.TreeMap<>(a.labels()))
          .object("annotations", annotations(a))
          .field("startsAt", DateTimeFormatter.ISO_INSTANT.format(a.startsAt()))
          .field("endsAt", a.endsAt() == null ? "0001-01-01T00:00:00Z" : DateTimeFormatter.ISO_INSTANT.format(a.endsAt()))
          .field("fingerprint", a.key())
          .endObject();
    }
    return j.endArray().toString();
  }

  static Map<String, String> annotations(Alert a) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("summary", a.summary());
    if (!a.description().isEmpty()) {
      m.put("description", a.description());
    }
    m.put("occurrences", Integer.toString(a.occurrences()));
    return m;
  }

  private static String alertmanagerStyle(Notification n) {
    Map<String, String> common = null;
    for (Alert a : n.alerts()) {
      if (common == null) {
        common = new java.util.TreeMap<>(a.labels());
      } else {
        common.entrySet().removeIf(e -> !e.getValue().equals(a.labels().get(e.getKey())));
      }
    }
    return new Json().beginObject()
        .field("version", "4")
        .field("groupKey", n.groupKey())
        .field("status", n.status().name().toLowerCase(java.util.Locale.ROOT))
        .field("receiver", n.route())
        .object("groupLabels", n.groupLabels())
        .object("commonLabels", common == null ? Map.of() : common)
        .field("title", n.title())
        .field("repeat", n.repeat())
        .field("escalated", n.escalated())
        .name("alerts").raw(alertsArray(n))
        .endObject().toString();
  }

  @Override
  public String toString() {
    return "WebhookSink{" + name + ", " + Http.origin(uri) + (headers.isEmpty() ? "" : ", headers " + headers.keySet()) + "}";
  }

  /** Builds a {@link WebhookSink}. Not thread-safe. */
  public static final class Builder {
    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{\\{([^{}]*)\\}\\}");
    private static final java.util.List<String> PLACEHOLDERS =
        java.util.List.of("title", "text", "markdown", "status", "severity", "route", "process", "alerts");
    private final String name;
    private final URI uri;
    private @Nullable String template;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(10);

    private Builder(String name, URI uri) {
      this.name = SinkNames.check(name);
      this.uri = requireNonNull(uri, "uri");
      Http.checkHttpUri(uri, "webhook uri of sink " + name);
    }

    /**
     * The body template (see the class doc).
     *
     * @throws IllegalArgumentException naming the sink and the placeholder, for one it does not know (it was sent as is)
     */
    public Builder template(String t) {
      requireNonNull(t, "template");
      java.util.regex.Matcher m = PLACEHOLDER.matcher(t);
      while (m.find()) {
        if (!PLACEHOLDERS.contains(m.group(1))) {
          throw new IllegalArgumentException("template of webhook sink " + name + " has an unknown placeholder {{" + m.group(1)
              + "}}; known: " + PLACEHOLDERS.stream().map(x -> "{{" + x + "}}").collect(java.util.stream.Collectors.joining(", ")));
        }
      }
      template = t;
      return this;
    }

    /**
     * A header sent with every request; its value is never logged.
     *
     * @throws IllegalArgumentException naming the sink and the header (never its value) for one that could not be sent:
     *     a name or value the JDK's HTTP client refuses ({@code Host}, {@code X Token}, a line break), Content-Type (the
     *     sink sets it), a blank value; it was taken and every send failed
     */
    public Builder header(String headerName, String value) {
      Http.checkHeader(headerName, value, "header of webhook sink " + name);
      headers.put(headerName, value);
      return this;
    }

    /** Connect and request timeout (default 10 s). */
    public Builder timeout(Duration d) {
      timeout = requireNonNull(d, "timeout");
      return this;
    }

    /** The sink. */
    public WebhookSink build() {
      return new WebhookSink(this);
    }
  }
}
