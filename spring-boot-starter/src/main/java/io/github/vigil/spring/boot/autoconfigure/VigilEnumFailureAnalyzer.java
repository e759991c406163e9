package io.github.vigil.spring.boot.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.convert.ConversionFailedException;

/**
 * Explains a {@code vigil.*} property whose value is none of its choices, listing them: Spring Boot's own analysis
 * said only "No enum constant io.github.vigil.RestartPolicy.Mode.sometimes". Other binding failures are left to
 * Spring Boot's. Registered in {@code META-INF/spring.factories} before it; stateless and thread-safe.
 */
public class VigilEnumFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  /** The constants of {@code type}, an enum, as a property takes them: {@code never, on-failure, always}. */
  static String choices(Class<?> type) {
    return Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .collect(Collectors.joining(", "));
  }

  @Override
  protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
    String property = cause.getName().toString();
    ConversionFailedException conversion = findCause(cause, ConversionFailedException.class);
    if (!property.startsWith("vigil.") || conversion == null || !conversion.getTargetType().getType().isEnum()) {
      return null;
    }
    String choices = choices(conversion.getTargetType().getType());
    String origin = cause.getProperty() != null && cause.getProperty().getOrigin() != null ? cause.getProperty().getOrigin().toString() : null;
    InvalidVigilPropertyException invalid = new InvalidVigilPropertyException(property, conversion.getValue(),
        "is none of " + choices, origin);
    return new VigilFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(rootFailure, invalid); // its origin is given
  }
}
