package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Hands alerts to Prometheus Alertmanager through its v2 API: {@code POST /api/v2/alerts} with an array
 * of {@code postableAlert}s ({@code labels}, {@code annotations}, {@code startsAt}, {@code endsAt},
 * {@code generatorURL}), so that a fleet's Alertmanager does the routing, grouping, inhibition and
 * silences across hosts. Labels are the alert's ({@code alertname}, {@code process}, {@code severity},
 * the process's labels) plus this sink's extra labels (e.g. {@code instance} = the gateway's host). A
 * label name Alertmanager would refuse ({@code trade-desk}: it takes {@code [a-zA-Z_][a-zA-Z0-9_]*}) is sent
 * as the Prometheus name the Micrometer binding gives the same tag ({@code trade_desk}); one bad name
 * made Alertmanager refuse the whole notification (HTTP 400).
 *
 * <p>A firing alert is sent with {@code endsAt} = now + {@code firingValidFor} (15 min by default), as
 * Prometheus does, so an alert of a JVM that died resolves by itself; the route feeding this sink
 * must therefore repeat more often (a {@code repeatInterval} of a quarter of it, and a short
 * {@code groupWait}: Alertmanager groups by itself). A resolved alert is sent with its real {@code endsAt}.
 * Alertmanager answers 200; anything else fails and is retried. Thread-safe.
 */
public final class AlertmanagerSink implements NotificationSink {
  private final String name;
  private final URI alertsUri;
  private final Map<String, String> extraLabels;
  private final @Nullable String generatorUrl;
  private final Duration firingValidFor;
  private final Map<String, String> headers;
  private final Http http;

  private AlertmanagerSink(Builder b) {
    this.name = b.name;
    String base = b.baseUri.toString();
    this.alertsUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts");
    this.extraLabels = Map.copyOf(b.extraLabels);
    this.generatorUrl = b.generatorUrl;
    this.firingValidFor = b.firingValidFor;
    this.headers = Map.copyOf(b.headers);
    this.http = new Http(b.timeout);
  }

  /** A sink named {@code name} for the Alertmanager at {@code baseUri} (e.g. {@code http://alertmanager:9093}). */
  public static Builder builder(String name, URI baseUri) {
    return new Builder(name, baseUri);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Notification n) throws Exception {
    http.post(alertsUri, body(n), headers, "Alertmanager " + name + " (" + Http.origin(alertsUri) + ")");
  }

  String body(Notification n) {
    Json j = new Json().beginArray();
    for (Alert a : n.alerts()) {
      Map<String, String> labels = new TreeMap<>(extraLabels);
      a.labels().forEach((k, v) -> labels.put(labelName(k), v));
      j.beginObject()
          .object("labels", labels)
          .object("annotations", WebhookSink.annotations(a))
          .field("startsAt", DateTimeFormatter.ISO_INSTANT.format(a.startsAt()))
          .field("endsAt", DateTimeFormatter.ISO_INSTANT.format(a.endsAt() != null ? a.endsAt() : n.at().plus(firingValidFor)));
      if (generatorUrl != null) {
        j.field("generatorURL", generatorUrl + URLEncoder.encode(a.process(), StandardCharsets.UTF_8));
      }
      j.endObject();
    }
    return j.endArray().toString();
  }

  /** {@code name} as a Prometheus label name: every character outside {@code [a-zA-Z0-9_]} an underscore, none leading digit. */
  static String labelName(String name) {
    if (validLabelName(name)) {
      return name;
    }
    StringBuilder b = new StringBuilder(name.length() + 1);
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      b.append('_');
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
    }
    return b.toString();
  }

  static boolean validLabelName(String name) {
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 128 || !(Character.isLetterOrDigit(c) || c == '_')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "AlertmanagerSink{" + name + ", " + Http.origin(alertsUri) + ", labels " + extraLabels + "}";
  }

  /** Builds an {@link AlertmanagerSink}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final URI baseUri;
    private final Map<String, String> extraLabels = new TreeMap<>();
    /** The labels every alert carries ({@link Alert#labels()}); {@code anomaly} on anomalies. */
    private static final java.util.List<String> OWN_LABELS = java.util.List.of("alertname", "process", "severity", "anomaly");
    private @Nullable String generatorUrl;
    private Duration firingValidFor = Duration.ofMinutes(15);
    private final Map<String, String> headers = new TreeMap<>();
    private Duration timeout = Duration.ofSeconds(10);

    private Builder(String name, URI baseUri) {
      this.name = SinkNames.check(name);
      this.baseUri = requireNonNull(baseUri, "baseUri");
      String scheme = baseUri.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme) || baseUri.getHost() == null) {
        // alertmanager:9093 parses as scheme "alertmanager": it was accepted and every send failed
        String shown = Http.withoutUserInfo(baseUri.toString(), baseUri); // no password
        throw new IllegalArgumentException("baseUri of Alertmanager sink " + name + " must be http:// or https:// and a host: '"
            + shown + "' has " + (scheme == null ? "no scheme" : "http".equals(scheme) || "https".equals(scheme) ? "no host"
            : "scheme " + scheme) + " (e.g. http://alertmanager:9093)");
      }
    }

    /**
     * A label added to every alert (an alert's own label of the same name wins).
     *
     * @throws IllegalArgumentException when Alertmanager would refuse the name, naming it and the name to use; for a name
     *     every alert sets itself; for an empty value, which Alertmanager drops
     */
    public Builder label(String labelName, String value) {
      requireNonNull(labelName, "labelName");
      if (!validLabelName(labelName) || labelName.startsWith("__")) {
        throw new IllegalArgumentException("label name of Alertmanager sink " + name + " must match [a-zA-Z_][a-zA-Z0-9_]* and not start "
            + "with __: '" + labelName + "'" + (labelName.startsWith("__") ? "" : " (use '" + labelName(labelName) + "')"));
      }
      if (OWN_LABELS.contains(labelName)) { // every alert has its own: this one would never be sent
        throw new IllegalArgumentException("label name of Alertmanager sink " + name + " is one every alert sets itself "
            + OWN_LABELS + ", which would win over it: '" + labelName + "'");
      }
      if (requireNonNull(value, "value").isEmpty()) { // Alertmanager drops a label whose value is empty: it was never seen
        throw new IllegalArgumentException("label " + labelName + " of Alertmanager sink " + name + " must not be empty: Alertmanager "
            + "drops a label whose value is empty");
      }
      extraLabels.put(labelName, value);
      return this;
    }

    /** The start of {@code generatorURL}, followed by the URL-encoded process name (e.g. an Actuator link). */
    public Builder generatorUrl(String prefix) {
      generatorUrl = requireNonNull(prefix, "prefix");
      return this;
    }

    /** How long a firing alert stays firing in Alertmanager without being sent again (default 15 min). */
    public Builder firingValidFor(Duration d) {
      requireNonNull(d, "firingValidFor");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("firingValidFor must be positive: " + HumanFormat.duration(d));
      }
      firingValidFor = d;
      return this;
    }

    /**
     * A header for every request (basic auth, a tenant); never logged.
     *
     * @throws IllegalArgumentException naming the sink and the header (never its value) for one that could not be sent:
     *     a name or value the JDK's HTTP client refuses ({@code Host}, {@code X Token}, a line break), Content-Type (the
     *     sink sets it), a blank value; it was taken and every send failed
     */
    public Builder header(String headerName, String value) {
      Http.checkHeader(headerName, value, "header of Alertmanager sink " + name);
      headers.put(headerName, value);
      return this;
    }

    /** Connect and request timeout (default 10 s). */
    public Builder timeout(Duration d) {
      timeout = requireNonNull(d, "timeout");
      return this;
    }

    /** The sink. */
    public AlertmanagerSink build() {
      return new AlertmanagerSink(this);
    }
  }
}
