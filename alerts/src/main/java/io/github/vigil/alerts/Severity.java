package io.github.vigil.alerts;

import java.util.Locale;

/** How urgent an alert is; ordered from the least to the most urgent. */
public enum Severity {
  /** Worth knowing; nobody needs to act now. */
  INFO,
  /** Someone should look during the day. */
  WARNING,
  /** Someone should act now. */
  CRITICAL;

  /** The lower-case name used as the {@code severity} label ({@code warning}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
