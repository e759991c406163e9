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
 * property here, where it is: they said no file nor line.
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
    @Nullable String origin = cause.origin() != null ? cause.origin() : originOf(cause.property());
    StringBuilder description = new StringBuilder("Invalid Vigil configuration:\n\n");
    description.append("    Property: ").append(cause.property()).append('\n');
    description.append("    Value: \"").append(InvalidVigilPropertyException.shown(cause.value())).append("\"\n");
    if (origin != null) {
      description.append("    Origin: ").append(origin).append('\n');
    }
    description.append("    Reason: ").append(cause.reason()).append('\n');
    String action = "Update " + cause.property() + " in your application's configuration"
        + (origin != null ? " (" + origin + ")" : "")
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
