package io.github.vigil.internal;

import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessSample;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessSampler;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a supervised process's and an attachment's {@code sample(fields, slowFieldsMaxAge)} check of their arguments and
 * ask of the backend, written once for both ({@link ManagedProcess}, {@link Attachment}). Stateless; thread-safe.
 */
final class SampleRequests {
  private SampleRequests() {}

  /**
   * The backend's sampler, reading no value older than {@code slowFieldsMaxAge}; empty where the backend samples
   * nothing.
   *
   * @throws IllegalArgumentException naming the argument, when {@code slowFieldsMaxAge} is negative or {@code fields}
   *     is empty
   */
  static Optional<ProcessSampler> sampler(ProcessBackend backend, Set<ProcessSample.Field> fields, Duration slowFieldsMaxAge) {
    Objects.requireNonNull(slowFieldsMaxAge, "slowFieldsMaxAge");
    if (slowFieldsMaxAge.isNegative()) {
      throw new IllegalArgumentException("slowFieldsMaxAge must not be negative: " + HumanFormat.duration(slowFieldsMaxAge));
    }
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("fields must not be empty");
    }
    return backend.sampler().map(s -> s.withSlowFieldsMaxAge(slowFieldsMaxAge));
  }
}
