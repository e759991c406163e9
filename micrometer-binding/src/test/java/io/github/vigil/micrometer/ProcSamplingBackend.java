package io.github.vigil.micrometer;

import io.github.vigil.linux.proc.ProcSampler;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.JdkProcessBackend;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.ProcessSampler;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import java.util.Optional;

/**
 * The JDK backend's spawning with linux-native's {@code /proc} sampler: real processes, real
 * {@code /proc} readings, until the Linux backend offers its sampler itself. Linux only.
 */
final class ProcSamplingBackend implements ProcessBackend {
  private final JdkProcessBackend spawner;
  private final ProcessSampler sampler = ProcSampler.create();

  ProcSamplingBackend(String supervisorName) {
    this.spawner = new JdkProcessBackend(new BackendContext(supervisorName, null));
  }

  @Override
  public String name() {
    return "jdk+proc";
  }

  @Override
  public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
    return spawner.spawn(request, listener);
  }

  @Override
  public Optional<ProcessSampler> sampler() {
    return Optional.of(sampler);
  }

  @Override
  public void close() {
    spawner.close();
  }
}
