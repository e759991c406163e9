/**
 * Auto-configuration of a {@link io.github.vigil.Supervisor} bound to the {@code vigil.*}
 * properties ({@link io.github.vigil.spring.boot.autoconfigure.VigilProperties}), its lifecycle
 * ({@link io.github.vigil.spring.boot.autoconfigure.VigilLifecycle}), the Actuator endpoint and the
 * health contributor.
 */
@NullMarked
package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
