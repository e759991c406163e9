package io.github.vigil.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

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
 * <p>Registered in {@code META-INF/spring.factories}; stateless and thread-safe.
 */
public class VigilFailureAnalyzer extends AbstractFailureAnalyzer<InvalidVigilPropertyException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidVigilPropertyException cause) {
    StringBuilder description = new StringBuilder("Invalid Vigil configuration:\n\n");
    description.append("    Property: ").append(cause.property()).append('\n');
    description.append("    Value: \"").append(InvalidVigilPropertyException.shown(cause.value())).append("\"\n");
    if (cause.origin() != null) {
      description.append("    Origin: ").append(cause.origin()).append('\n');
    }
    description.append("    Reason: ").append(cause.reason()).append('\n');
    String action = "Update " + cause.property() + " in your application's configuration"
        + (cause.origin() != null ? " (" + cause.origin() + ")" : "")
        + ". The vigil.* properties and their defaults are listed in the configuration metadata"
        + " of vigil-spring-boot-starter (your IDE completes them).";
    return new FailureAnalysis(description.toString(), action, cause);
  }
}
