package io.github.vigil.calendar;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The example calendars of {@code src/test/resources/calendars}, loaded from their files. */
final class ExampleCalendars {
  private ExampleCalendars() {}

  static Path file(String name) {
    try {
      return Path.of(ExampleCalendars.class.getResource("/calendars/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static TradingCalendar shfe() {
    return TradingCalendar.load(file("shfe.calendar"));
  }

  static TradingCalendar cme() {
    return TradingCalendar.load(file("cme-globex.calendar"));
  }

  static TradingCalendar lse() {
    return TradingCalendar.load(file("lse.calendar"));
  }
}
