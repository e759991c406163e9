/**
 * The supervision engine behind the public API. Not part of the API: anything here may change.
 *
 * <p>{@link io.github.vigil.internal.DefaultSupervisor} owns one thread on which every transition of
 * every {@link io.github.vigil.internal.ManagedProcess} runs; backends report exits and output from
 * their own threads, and those reports are handed to that thread.
 */
@NullMarked
package io.github.vigil.internal;

import org.jspecify.annotations.NullMarked;
