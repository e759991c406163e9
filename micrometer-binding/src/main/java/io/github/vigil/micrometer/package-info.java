/**
 * Micrometer meters for a Vigil {@link io.github.vigil.Supervisor}: bind a
 * {@link io.github.vigil.micrometer.VigilMetrics} to a {@code MeterRegistry} and every supervised
 * process gets its meters while it is registered, named in Micrometer's conventions or, by choice
 * ({@link io.github.vigil.micrometer.MetricNaming}), exactly as prometheus process-exporter names them.
 */
@NullMarked
package io.github.vigil.micrometer;

import org.jspecify.annotations.NullMarked;
