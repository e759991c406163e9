/**
 * Actuator support: the {@code vigil} endpoint
 * ({@link io.github.vigil.spring.boot.actuate.VigilEndpoint}) and a health contributor per
 * supervised process ({@link io.github.vigil.spring.boot.actuate.VigilHealthContributor}).
 */
@NullMarked
package io.github.vigil.spring.boot.actuate;

import org.jspecify.annotations.NullMarked;
