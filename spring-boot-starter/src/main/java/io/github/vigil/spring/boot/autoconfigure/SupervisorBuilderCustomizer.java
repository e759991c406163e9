package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.Supervisor;

/**
 * Customizes the {@link Supervisor.Builder} of the auto-configured supervisor after the
 * {@code vigil.*} properties are applied, e.g. to set a listener executor or a backend instance.
 * Every bean of this type is applied, in {@code @Order}.
 *
 * <p>Implementations are called once, on the thread creating the application context, for the supervisor the
 * application gets; when {@code vigil.backend} or {@code vigil.state-directory} is refused (the build with them failed),
 * not again for the stand-in supervisor the other {@code vigil.*} properties are then checked against.
 */
@FunctionalInterface
public interface SupervisorBuilderCustomizer {

  /** Changes {@code builder} in place. */
  void customize(Supervisor.Builder builder);
}
