/**
 * The supervision engine behind the public API. Not part of the API: anything here may change.
 *
 * <p>{@link io.github.vigil.internal.DefaultSupervisor} owns one thread on which every transition of
 * every {@link io.github.vigil.internal.ManagedProcess} runs; backends report exits and output from
 * their own threads, and those reports are handed to that thread.
 *
 * <p><b>Thread hops from an exit to its restart: one.</b> The backend's thread that reaps the child
 * (the JDK backend's reaper callback, the Linux backend's event loop) hands the exit to the
 * supervision thread ({@code DefaultSupervisor.onLoop}); that same task records the exit, asks the
 * restart policy and, when the delay is zero, spawns the next run at once. A non-zero delay adds the
 * timer that ends it (the scheduler's task is handed to the supervision thread, a second hop after
 * the delay). Nothing else is on that path: events to listeners and the completion of public futures
 * are queued for the listener executor ({@link io.github.vigil.internal.EventBus}) and never waited for.
 *
 * <p><b>Terminal states.</b> A removed process and a closed supervisor spawn nothing more; every
 * command after or racing with {@code remove()} or {@code close()} completes exceptionally at once.
 * {@code stopAll()} and {@code close()} first hold every process ({@code holdForStop}): one waiting
 * in {@code BACKOFF} is stopped at once, and a run ending while dependents are still being stopped is
 * not restarted.
 */
@NullMarked
package io.github.vigil.internal;

import org.jspecify.annotations.NullMarked;
