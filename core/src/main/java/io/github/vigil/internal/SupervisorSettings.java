package io.github.vigil.internal;

import io.github.vigil.Scheduler;
import io.github.vigil.Ticker;
import io.github.vigil.spi.ProcessBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * What {@link io.github.vigil.Supervisor.Builder} collected. Internal: not part of the API.
 */
public record SupervisorSettings(
    String name, Ticker ticker, InstantSource instantSource, @Nullable Scheduler scheduler, RandomGenerator random,
    @Nullable Executor listenerExecutor, @Nullable Path stateDirectory, @Nullable String backendName,
    @Nullable ProcessBackend backend, Duration closeTimeout) {}
