package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a start-up that failed on an invalid {@code vigil.*} property, naming the property, its
 * value, why it is rejected and where it was defined:
 *
 * <pre>
 * Invalid Vigil configuration:
 *
 *     Property: vigil.processes.quote-feed.restart.max-restarts
 *     Value: "-1"
 *     Origin: class path resource [application.yml] - 9:23
 *     Reason: restart.maxRestarts must not be negative: -1
 * </pre>
 *
 * A rejection made where the environment was not at hand (a calendar's, an alert route's) is given the origin of its
 * property here, where it is: they said no file nor line; a key of a map as it was written too
 * ({@code vigil.alerts.sinks.ops.headers.X-Token}, which is no canonical property name). Several properties rejected at
 * once ({@link InvalidVigilPropertyException#all()}) are each listed so, in their order.
 *
 * <p>Registered in {@code META-INF/spring.factories}; Spring Boot gives it the application's environment. Stateless
 * and thread-safe.
 */
public class VigilFailureAnalyzer extends AbstractFailureAnalyzer<InvalidVigilPropertyException> {
  private final Environment environment;

  /** @param environment the failed application's, where the properties' origins are */
  public VigilFailureAnalyzer(Environment environment) {
    this.environment = environment;
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidVigilPropertyException cause) {
    java.util.List<InvalidVigilPropertyException> all = cause.all();
    StringBuilder description = new StringBuilder("Invalid Vigil configuration")
        .append(all.size() > 1 ? " (" + all.size() + " properties)" : "").append(":\n");
    java.util.List<String> origins = new java.util.ArrayList<>();
    for (InvalidVigilPropertyException each : all) {
      @Nullable String origin = each.origin() != null ? each.origin() : originOf(each.property());
      description.append('\n');
      description.append("    Property: ").append(each.property()).append('\n');
      description.append("    Value: \"").append(InvalidVigilPropertyException.shown(each.value())).append("\"\n");
      if (origin != null) {
        description.append("    Origin: ").append(origin).append('\n');
        origins.add(origin);
      }
      description.append("    Reason: ").append(each.reason()).append('\n');
    }
    String action = (all.size() == 1 ? "Update " + cause.property() : "Update each of these properties")
        + " in your application's configuration" + (all.size() == 1 && !origins.isEmpty() ? " (" + origins.get(0) + ")" : "")
        + ". The vigil.* properties and their defaults are listed in the configuration metadata"
        + " of vigil-spring-boot-starter (your IDE completes them).";
    return new FailureAnalysis(description.toString(), action, cause);
  }

  private @Nullable String originOf(String property) {
    try {
      return ProcessSpecFactory.origin(environment, property);
    } catch (RuntimeException e) { // a name that is no property name: no origin, and the analysis still says the rest
      return null;
    }
  }
}
