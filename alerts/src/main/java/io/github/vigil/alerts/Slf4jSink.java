package io.github.vigil.alerts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes notifications to SLF4J (logger {@code io.github.vigil.alerts.Slf4jSink}): WARN for firing
 * CRITICAL and WARNING groups, INFO otherwise, with the process as a key-value. Thread-safe.
 */
public final class Slf4jSink implements NotificationSink {
  private static final Logger log = LoggerFactory.getLogger(Slf4jSink.class);
  private final String name;

  /** A sink named {@code name}. */
  public Slf4jSink(String name) {
    this.name = SinkNames.check(name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Notification n) {
    String process = n.groupLabels().getOrDefault("process", "");
    if (n.status() == Alert.Status.FIRING && n.severity() != Severity.INFO) {
      log.atWarn().addKeyValue("process", process).addKeyValue("route", n.route()).log("{}", n.text().strip());
    } else {
      log.atInfo().addKeyValue("process", process).addKeyValue("route", n.route()).log("{}", n.text().strip());
    }
  }

  @Override
  public String toString() {
    return "Slf4jSink{" + name + "}";
  }
}
