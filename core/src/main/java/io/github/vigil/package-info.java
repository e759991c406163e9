/**
 * Vigil's public API: describe processes with {@link io.github.vigil.ProcessSpec}, supervise them with
 * a {@link io.github.vigil.Supervisor}, control each through its {@link io.github.vigil.ProcessController},
 * and follow what happens through {@link io.github.vigil.SupervisorEvent}s.
 */
@NullMarked
package io.github.vigil;

import org.jspecify.annotations.NullMarked;
