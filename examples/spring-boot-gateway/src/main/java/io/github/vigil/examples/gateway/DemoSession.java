package io.github.vigil.examples.gateway;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Times a short synthetic trading session relative to the application's start, so that the demo
 * shows an open and a close within its first half minute: {@code gateway.session.zone},
 * {@code gateway.session.open} and {@code gateway.session.close}, which {@code application.yml}'s
 * calendar {@code demo} uses. The session opens {@code gateway.session.opens-in} (default 10 s) after
 * the start and lasts {@code gateway.session.length} (default 12 s); its zone is a fixed offset in
 * which the start is about noon, so the session never crosses midnight. Not a real exchange's hours.
 */
public class DemoSession implements EnvironmentPostProcessor, Ordered {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    Duration opensIn = DurationStyle.detectAndParse(environment.getProperty("gateway.session.opens-in", "10s"));
    Duration length = DurationStyle.detectAndParse(environment.getProperty("gateway.session.length", "12s"));
    Instant now = Instant.now();
    int utcSecond = now.atOffset(ZoneOffset.UTC).toLocalTime().toSecondOfDay();
    ZoneOffset zone = ZoneOffset.ofTotalSeconds(Math.round((43_200 - utcSecond) / 900f) * 900);
    LocalTime open = LocalTime.ofInstant(now.plus(opensIn), zone).withNano(0);
    LocalTime close = open.plus(length);
    environment.getPropertySources().addLast(new MapPropertySource("demo-session", Map.of(
        "gateway.session.zone", zone.getId(), "gateway.session.open", open.format(TIME), "gateway.session.close", close.format(TIME))));
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
