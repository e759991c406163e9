package io.github.vigil;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A handle to processes Vigil did not start and watches: see {@link Supervisor#attach(AttachSpec)}.
 * Changes are also reported as {@link SupervisorEvent}s ({@link SupervisorEvent.Attached},
 * {@link SupervisorEvent.AttachedFound}, {@link SupervisorEvent.AttachedLost},
 * {@link SupervisorEvent.AttachStateChanged}, {@link SupervisorEvent.AttachedHandedOver},
 * {@link SupervisorEvent.Detached}), with the attachment's name as {@link SupervisorEvent#process()}.
 *
 * <p><b>Daemons.</b> A classic daemon's first process forks the real daemon and exits (nginx with {@code daemon on;},
 * redis with {@code daemonize yes}, a shell's {@code (program &)}). When a process matched by
 * {@linkplain AttachSpec.Target.ExactName name} or {@linkplain AttachSpec.Target.CommandLine command line} exits, the
 * look for the target that its exit asks for at once (a listing of the processes begun after the exit was heard; no
 * other window is waited for) decides what it was. A process of that listing that matches the target is its
 * successor when it started no earlier than the one that exited, at most 1 s before the exit was heard (a daemon's first
 * process exits right after its fork), and either
 * <ul>
 *   <li>was found before as its descendant (while it lived, it was among its ancestors), or
 *   <li>is new to the attachment, started at most 50 ms after the exit was heard (start times have a clock tick's
 *       resolution), and its parent is one of the exited process's ancestors or init, as an orphan's adopter is,
 *       and not a process that matches the target.
 * </ul>
 * Of several, one found before goes first, then the oldest. With a successor, the attachment carries on with it: a
 * {@link SupervisorEvent.AttachedHandedOver} (after the successor's {@link SupervisorEvent.AttachedFound} if it is
 * new), no {@link SupervisorEvent.AttachedLost}, no exit counted, no change of state. Without one, the exit is
 * reported as any other once that look and the follow-up look 100 ms later (or the next steady look, with a shorter
 * rescan interval) have found none, the status standing as before the exit meanwhile (a daemon caught by the first in
 * its {@code exec}, its command line being replaced, matches in neither way): an {@code AttachedLost} stamped with the
 * time the exit was heard, counted in the status,
 * {@code STOPPED} when nothing else matches. A process started by a parent that matches (an nginx master replacing a
 * worker, by name), started well after the exit (a restart by systemd, 100 ms later by default), or forked more than
 * 1 s before it (an nginx master's workers, attached by name, when the master is killed) is no successor, and the
 * exit is reported. A daemon whose first process waits longer than 1 s for it before exiting reads as that process's
 * exit, as before; so may any on the JDK backend, whose start times count from a boot time in whole seconds (up to a
 * second early) and whose exits are seen up to {@link AttachSpec#exitPollInterval()} late. A restart within those
 * 50 ms by one of the exited process's ancestors (a shell loop that starts it again at once) cannot be told from a
 * daemon's fork, and is taken for one. A
 * {@linkplain AttachSpec.Target.PidFile pid file} names one process, and a {@linkplain AttachSpec.Target.Pid pid} is
 * one: the exit of what they name is always reported (a daemon writes its pid file once it has forked).
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
