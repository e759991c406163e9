/**
 * Vigil's test kit: unit-test a supervision setup (restart policies, cooldowns, start limits,
 * dependencies, listeners) in milliseconds, without processes and without sleeps.
 *
 * <ul>
 *   <li>{@link io.github.vigil.test.FakeBackend}: a {@link io.github.vigil.spi.ProcessBackend} whose
 *       processes are objects ({@link io.github.vigil.test.FakeProcess}): the test decides when they
 *       exit, with which code or signal, what they print, how they react to signals, which spawns fail
 *       and which are slow.
 *   <li>{@link io.github.vigil.test.VirtualClock}: a {@link io.github.vigil.Ticker} and
 *       {@link io.github.vigil.Scheduler} that move only when the test advances them.
 *   <li>{@link io.github.vigil.test.EventRecorder}: records every event, with awaits.
 *   <li>{@link io.github.vigil.test.SupervisorTestKit}: all three wired to a real
 *       {@link io.github.vigil.Supervisor}, with {@code awaitIdle()} after each step.
 * </ul>
 *
 * Depends on the public API and SPI only.
 */
@NullMarked
package io.github.vigil.test;

import org.jspecify.annotations.NullMarked;
