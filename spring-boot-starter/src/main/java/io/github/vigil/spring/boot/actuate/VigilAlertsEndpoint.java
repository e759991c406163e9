package io.github.vigil.spring.boot.actuate;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import io.github.vigil.alerts.Alert;
import io.github.vigil.alerts.Alerting;
import io.github.vigil.alerts.NotificationPipeline;
import io.github.vigil.alerts.NotificationSink;
import io.github.vigil.alerts.PipelineStats;
import io.github.vigil.alerts.Route;
import io.github.vigil.alerts.Silence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code vigilalerts} ({@code GET /actuator/vigilalerts}): the alerts firing
 * now, the silences (active or not), the routes with their sinks by name and type, and the
 * pipeline's counters. Read-only. Sinks are shown by name and kind only: no URL, token, secret,
 * header or password is ever shown.
 *
 * <p>Thread-safe.
 */
@Endpoint(id = "vigilalerts", defaultAccess = Access.READ_ONLY)
public class VigilAlertsEndpoint {
  private final Alerting alerting;
  private final NotificationPipeline pipeline;

  /** The endpoint of {@code alerting} and {@code pipeline}. */
  public VigilAlertsEndpoint(Alerting alerting, NotificationPipeline pipeline) {
    this.alerting = requireNonNull(alerting, "alerting");
    this.pipeline = requireNonNull(pipeline, "pipeline");
  }

  /** Firing alerts, silences, routes and counters. */
  @ReadOperation
  public AlertsDescriptor alerts() {
    List<AlertDescriptor> firing = new ArrayList<>();
    for (Alert a : alerting.firing()) {
      firing.add(new AlertDescriptor(a.key(), a.type().name(), a.process(), a.severity().label(), a.summary(), a.description(),
          a.labels(), a.startsAt(), a.occurrences()));
    }
    Instant now = Instant.now();
    List<SilenceDescriptor> silences = new ArrayList<>();
    for (Silence s : pipeline.silences()) {
      silences.add(new SilenceDescriptor(s.id(), s.matchers(), describe(s.window()), s.window().isActive(now),
          s.window().activeUntil(now).orElse(null), s.createdBy(), s.comment()));
    }
    Map<String, RouteDescriptor> routes = new LinkedHashMap<>();
    for (Route r : pipeline.routes().values()) {
      List<String> sinks = new ArrayList<>();
      for (NotificationSink s : r.sinks()) {
        sinks.add(s.name() + " (" + s.getClass().getSimpleName() + ")");
      }
      // as a person reads them, as the vigil endpoint gives durations (they were ISO-8601: "PT5M")
      routes.put(r.name(), new RouteDescriptor(sinks, r.groupBy(), HumanFormat.duration(r.groupWait()), HumanFormat.duration(r.groupInterval()),
          HumanFormat.duration(r.repeatInterval()), r.escalateTo().orElse(null), r.escalateAfter().map(HumanFormat::duration).orElse(null)));
    }
    return new AlertsDescriptor(firing, silences, routes, pipeline.stats());
  }

  private static String describe(Silence.Window w) {
    if (w instanceof Silence.Between b) {
      return b.startsAt() + " .. " + b.endsAt();
    }
    if (w instanceof Silence.OutsideSessions o) {
      return "outside the sessions of " + o.calendar().name();
    }
    Silence.Daily d = (Silence.Daily) w;
    return "daily " + d.from() + " .. " + d.to() + " " + d.zone() + " on " + d.days();
  }

  /** The endpoint's answer. */
  public record AlertsDescriptor(List<AlertDescriptor> firing, List<SilenceDescriptor> silences,
      Map<String, RouteDescriptor> routes, PipelineStats stats) {}

  /** A firing alert. */
  public record AlertDescriptor(String key, String type, String process, String severity, String summary, String description,
      Map<String, String> labels, Instant startsAt, int occurrences) {}

  /** A silence. */
  public record SilenceDescriptor(String id, Map<String, String> matchers, String window, boolean active,
      @Nullable Instant activeUntil, String createdBy, String comment) {}

  /** A route: its sinks by name and kind, its timings. */
  public record RouteDescriptor(List<String> sinks, List<String> groupBy, String groupWait, String groupInterval,
      String repeatInterval, @Nullable String escalateTo, @Nullable String escalateAfter) {}
}
