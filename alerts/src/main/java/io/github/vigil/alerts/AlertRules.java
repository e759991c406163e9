package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Alert rules for every process: one {@link RuleConfig} by default and overrides per process name.
 *
 * <pre>{@code
 * AlertRules rules = AlertRules.of(RuleConfig.defaults().withHighMemoryShare(0.9, Duration.ofMinutes(2)))
 *     .override("quote-feed", c -> c.withFlapping(5, Duration.ofMinutes(10)).withSeverity(AlertType.CRASHED, Severity.CRITICAL));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class AlertRules {
  private final RuleConfig defaults;
  private final Map<String, RuleConfig> overrides;

  private AlertRules(RuleConfig defaults, Map<String, RuleConfig> overrides) {
    this.defaults = defaults;
    this.overrides = Map.copyOf(overrides);
  }

  /** {@link RuleConfig#defaults()} for every process. */
  public static AlertRules defaults() {
    return of(RuleConfig.defaults());
  }

  /** {@code defaults} for every process. */
  public static AlertRules of(RuleConfig defaults) {
    return new AlertRules(requireNonNull(defaults, "defaults"), Map.of());
  }

  /** These rules, with {@code process}'s config derived from the defaults by {@code change}. */
  public AlertRules override(String process, UnaryOperator<RuleConfig> change) {
    requireNonNull(process, "process");
    if (process.isBlank()) {
      throw new IllegalArgumentException("process name must not be blank: '" + process + "'");
    }
    Map<String, RuleConfig> o = new LinkedHashMap<>(overrides);
    o.put(process, requireNonNull(change.apply(defaults), "the override of " + process));
    return new AlertRules(defaults, o);
  }

  /** The config of {@code process}. */
  public RuleConfig configFor(String process) {
    return overrides.getOrDefault(process, defaults);
  }

  /** The default config. */
  public RuleConfig defaultConfig() {
    return defaults;
  }

  /** The overrides by process name. */
  public Map<String, RuleConfig> overrides() {
    return overrides;
  }

  @Override
  public String toString() {
    return "AlertRules{defaults=" + defaults + ", overrides=" + overrides.keySet() + "}";
  }
}
