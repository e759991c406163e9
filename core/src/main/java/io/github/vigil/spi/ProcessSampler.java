package io.github.vigil.spi;

import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads what the operating system says about processes: one process, a process and its
 * descendants, or a group of processes. A backend offers one through {@link ProcessBackend#sampler()}.
 *
 * <p>Never throws because a process ended: a sample of a process that is gone, or that vanished
 * while being read, says so ({@link ProcessSample#vanished()}). Fields the operating system refuses
 * are absent from the sample, never zero.
 *
 * <p>CPU percent is computed against {@code previous}, the caller's last sample of the same target
 * (pass {@code null} for the first); the sampler itself keeps no history per process, so nothing
 * accumulates for processes that are no longer sampled.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ProcessSampler {

  /**
   * What a sampler reads unless told otherwise: every field except {@link Field#SOCKETS}, which
   * costs a look at every descriptor and the machine's socket tables.
   */
  Set<Field> DEFAULT_FIELDS = Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(Field.SOCKETS)));

  /** The fields this sampler can read, where the operating system allows. */
  Set<Field> supportedFields();

  /** One process. */
  ProcessSample sample(long pid, Set<Field> fields, @Nullable ProcessSample previous);

  /** A process and all its living descendants, summed (see {@link ProcessSample} for how). */
  ProcessSample sampleTree(long pid, Set<Field> fields, @Nullable ProcessSample previous);

  /**
   * A group of processes, summed. Pids that are gone are left out; the sample is vanished only if
   * none is left. {@link ProcessSample#pid()} is the first pid given.
   */
  ProcessSample sampleGroup(long[] pids, Set<Field> fields, @Nullable ProcessSample previous);

  /**
   * This sampler, or a view of it sharing its state, whose samples carry no value older than
   * {@code maxAge}: fields it re-reads less often than it samples (those whose
   * {@link ProcessSample#age(Field)} it states, such as the Linux sampler's Pss, descriptor limit and a
   * multithreaded process's per-thread states and context switches) are read again when older.
   * {@link Duration#ZERO} reads every field on every sample. A sampler that reads every field on every
   * sample returns itself, as this default does.
   *
   * @throws IllegalArgumentException when {@code maxAge} is negative
   */
  default ProcessSampler withSlowFieldsMaxAge(Duration maxAge) {
    if (java.util.Objects.requireNonNull(maxAge, "slowFieldsMaxAge").isNegative()) {
      throw new IllegalArgumentException("slowFieldsMaxAge must not be negative: " + HumanFormat.duration(maxAge));
    }
    return this;
  }

  /** {@link #sample(long, Set, ProcessSample)} with {@link #DEFAULT_FIELDS}. */
  default ProcessSample sample(long pid, @Nullable ProcessSample previous) {
    return sample(pid, DEFAULT_FIELDS, previous);
  }

  /** {@link #sampleTree(long, Set, ProcessSample)} with {@link #DEFAULT_FIELDS}. */
  default ProcessSample sampleTree(long pid, @Nullable ProcessSample previous) {
    return sampleTree(pid, DEFAULT_FIELDS, previous);
  }
}
