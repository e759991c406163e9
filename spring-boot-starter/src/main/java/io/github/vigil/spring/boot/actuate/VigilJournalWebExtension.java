package io.github.vigil.spring.boot.actuate;

import static java.util.Objects.requireNonNull;

import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.TradeCalendar;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The journal's reports on the {@code vigil} endpoint, over HTTP: {@code GET /actuator/vigil/{name}/restarts?period=7d}
 * (a {@link io.github.vigil.journal.RestartReport}) and {@code GET /actuator/vigil/{name}/history?period=7d} (its
 * runs). What was heard up to the request is written first. A period is {@code 7d}, {@code 12h}, {@code 30m} or
 * ISO-8601; a bad one is a 400 naming it, an unknown report a 404. Both look back over the window {@code vigil
 * restarts} and {@code vigil history} do: after the request's time less the period, up to and including that time
 * (to the millisecond, as the journal stamps), so a restart at the edge is in both reports or in neither. Durations
 * are written as the endpoint writes its own: as a person reads them ({@code "recovery": "1.08 s"}) with the seconds
 * as a number beside ({@code "recoverySeconds": 1.082}).
 *
 * <p>Thread-safe: each request opens its own reader.
 */
@EndpointWebExtension(endpoint = VigilEndpoint.class)
public class VigilJournalWebExtension {
  private final Journal journal;
  private final InstantSource clock;

  public VigilJournalWebExtension(Journal journal) {
    this(journal, InstantSource.system());
  }

  VigilJournalWebExtension(Journal journal, InstantSource clock) {
    this.journal = requireNonNull(journal, "journal");
    this.clock = requireNonNull(clock, "clock");
  }

  /** The restart report or the history of {@code name} over {@code period} (default 7 days). */
  @ReadOperation
  public WebEndpointResponse<Object> report(@Selector String name, @Selector String report, @Nullable String period) {
    Duration p;
    try {
      p = period == null ? Duration.ofDays(7) : parse(period);
    } catch (IllegalArgumentException e) {
      return new WebEndpointResponse<>(Map.of("error", e.getMessage()), WebEndpointResponse.STATUS_BAD_REQUEST);
    }
    if (!report.equals("restarts") && !report.equals("history")) {
      return new WebEndpointResponse<>(Map.of("error", "no report '" + report + "': restarts or history"), WebEndpointResponse.STATUS_NOT_FOUND);
    }
    journal.flush(Duration.ofSeconds(2));
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Instant from = now.minus(p); // left out; now included: the journal reads [from + 1 ms, now + 1 ms)
    try (JournalReader reader = journal.reader()) {
      if (report.equals("restarts")) {
        ZoneId zone = ZoneId.systemDefault();
        return new WebEndpointResponse<>(ReadableJson.of(reader.restartsUpTo(name, now, p, zone, TradeCalendar.calendarDays(zone))));
      }
      Map<String, Object> history = new LinkedHashMap<>();
      history.put("process", name);
      history.put("from", from.toString());
      history.put("to", now.toString());
      history.put("runs", reader.runs(name, from.plusMillis(1), now.plusMillis(1)));
      return new WebEndpointResponse<>(ReadableJson.of(history));
    } catch (SQLException e) {
      return new WebEndpointResponse<>(Map.of("error", "journal unreadable: " + e.getMessage()), 503);
    }
  }

  /** {@code 7d}, {@code 12h}, {@code 30m}, {@code 90s}, {@code 2w} or ISO-8601. */
  static Duration parse(String period) {
    String v = period.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (v.startsWith("p")) {
        d = Duration.parse(v.toUpperCase(Locale.ROOT));
      } else {
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        d = switch (v.charAt(v.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          case 'd' -> Duration.ofDays(n);
          case 'w' -> Duration.ofDays(7 * n);
          default -> throw new IllegalArgumentException();
        };
      }
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw new IllegalArgumentException("period must be a duration like 7d, 12h, 30m or PT1H: '" + period + "'");
  }
}
