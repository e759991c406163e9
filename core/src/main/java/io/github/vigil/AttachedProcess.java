package io.github.vigil;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A handle to processes Vigil did not start and watches: see {@link Supervisor#attach(AttachSpec)}.
 * Changes are also reported as {@link SupervisorEvent}s ({@link SupervisorEvent.Attached},
 * {@link SupervisorEvent.AttachedFound}, {@link SupervisorEvent.AttachedLost},
 * {@link SupervisorEvent.AttachStateChanged}, {@link SupervisorEvent.Detached}), with the
 * attachment's name as {@link SupervisorEvent#process()}.
 *
 * <p>Thread-safe.
 */
public interface AttachedProcess {

  /** The attachment's name. */
  String name();

  AttachSpec spec();

  /**
   * The current status; never blocks. Once detached (or the supervisor closed), the last status before it, whole,
   * its message starting {@code "detached; at the last look: "}: nothing is looked at any more.
   */
  AttachStatus status();

  /**
   * Looks for the target now instead of at the next rescan; completes with the status after the look
   * (once the supervisor is closed, with the last status), on the supervisor's listener executor, never
   * on the supervision thread.
   */
  CompletionStage<AttachStatus> rescan();

  /**
   * Reads the matched processes now, summed as one group (each process on its own, not its
   * descendants), through the backend's {@linkplain io.github.vigil.spi.ProcessBackend#sampler()
   * sampler}. CPU percent is measured over at least a second, from the newest earlier sample a second old: every
   * sample a second or more after the first has it (sampled once a second: from the second on). Empty when nothing matches or the
   * backend has no sampler. Reads on the calling thread.
   */
  Optional<ProcessSample> sample();

  /**
   * As {@link #sample()}, with no value older than {@code slowFieldsMaxAge}: fields the sampler
   * re-reads less often than it samples (see {@link ProcessSample#age}) are read again when older;
   * {@link java.time.Duration#ZERO} reads every field now.
   *
   * @throws IllegalArgumentException when {@code slowFieldsMaxAge} is negative
   */
  default Optional<ProcessSample> sample(java.time.Duration slowFieldsMaxAge) {
    if (java.util.Objects.requireNonNull(slowFieldsMaxAge, "slowFieldsMaxAge").isNegative()) {
      throw new IllegalArgumentException("slowFieldsMaxAge must not be negative: " + HumanFormat.duration(slowFieldsMaxAge));
    }
    return sample();
  }

  /**
   * As {@link #sample(java.time.Duration)}, reading only the fields asked for (and what they are derived from), as
   * {@link ProcessController#sample(java.util.Set)} does. The sample may hold more fields than asked for. The default
   * implementation reads every default field.
   *
   * @throws IllegalArgumentException when {@code fields} is empty or {@code slowFieldsMaxAge} is negative
   */
  default Optional<ProcessSample> sample(java.util.Set<ProcessSample.Field> fields, java.time.Duration slowFieldsMaxAge) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("fields must not be empty");
    }
    return sample(slowFieldsMaxAge);
  }

  /**
   * Sends {@code signal} to every matched process, through a pidfd (never to a process that reused a
   * pid). Only if the spec {@linkplain AttachSpec#allowSignals() allows it}.
   *
   * @return how many processes were signalled
   * @throws IllegalStateException when the spec does not allow signals, the attachment was detached, or the
   *     kernel refused the signal to a process (another user's, without the capability), naming each; the
   *     others were signalled
   * @throws UnsupportedOperationException when the backend cannot signal through pidfds (the JDK backend)
   */
  int signal(Signal signal);
}
