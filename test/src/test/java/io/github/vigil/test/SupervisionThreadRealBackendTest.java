package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.linux.LinuxBackendProvider;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.JdkProcessBackendProvider;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessBackendProvider;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "What was seen" 5 on both real backends, with real processes: the calls that can block (spawn, a
 * signal to a process tree, the look for a run's descendants) never run on the supervision thread
 * {@code vigil-<name>}, only on its I/O threads {@code vigil-<name>-io-*}, and on the Linux backend
 * the spawn (with the look for what the last run left) on its own event loop {@code vigil-<name>-linux},
 * handed there straight from the supervision thread. Before, the JDK backend's
 * {@code /proc/*}{@code /environ} scans, forked {@code kill -s} and spawns all ran there.
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class SupervisionThreadRealBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = "vigil-st-" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "linux"})
  void blockingCallsRunOnTheIoThreadsOnly(String backendName) throws Exception {
    ProcessBackendProvider provider = backendName.equals("linux") ? new LinuxBackendProvider() : new JdkProcessBackendProvider();
    assumeTrue(provider.isAvailable(), "the " + backendName + " backend is not available here");
    String supName = "st-" + backendName;
    Set<String> callers = ConcurrentHashMap.newKeySet();
    Set<String> spawners = ConcurrentHashMap.newKeySet();
    ProcessBackend recording = new Recording(provider.create(new BackendContext(supName, null)), callers, spawners);
    EventRecorder rec = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name(supName).backend(recording).closeTimeout(Duration.ofSeconds(20)).build()) {
      sup.subscribe(rec);
      ProcessController crasher = sup.register(ProcessSpec.builder("crasher").command("sh", "-c", "sleep 0.2; exit 3", marker)
          .startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ZERO)).withStartLimit(1000, Duration.ofHours(1)))
          .build());
      ProcessController stopper = sup.register(ProcessSpec.builder("stopper").command("sh", "-c", "sleep 300; exit 0", marker)
          .startupGrace(Duration.ZERO).stopSignal(Signal.SIGINT).build()); // a signal other than TERM and KILL
      crasher.start(WAIT);
      stopper.start(WAIT);
      rec.await(SupervisorEvent.Started.class, e -> e.process().equals("crasher"), 3, WAIT); // two exits, two restarts
      assertThat(stopper.stop(WAIT).state()).isEqualTo(ProcessState.STOPPED);
      assertThat(stopper.restart(WAIT).state()).isEqualTo(ProcessState.RUNNING);
    }
    String loop = "vigil-" + supName + "-linux";
    assertThat(callers).as("threads that called the backend's signals and tree scans").isNotEmpty()
        .allMatch(n -> n.startsWith("vigil-" + supName + "-io-") || n.equals(loop), "an I/O thread of the supervisor, or the backend's loop")
        .doesNotContain("vigil-" + supName);
    if (backendName.equals("linux")) { // the crasher's restarts went straight to the event loop: no I/O thread between exit and restart
      assertThat(spawners).as("who spawned on which thread").contains("crasher on " + loop)
          .noneMatch(n -> n.startsWith("crasher on ") && !n.equals("crasher on " + loop));
    } else {
      assertThat(spawners).as("who spawned on which thread").isNotEmpty().allMatch(n -> n.contains(" on vigil-" + supName + "-io-"));
    }
  }

  /** A backend that records which threads call its blocking methods; everything else is the real one's. */
  private static final class Recording implements ProcessBackend {
    private final ProcessBackend real;
    private final Set<String> callers;
    private final Set<String> spawners;

    Recording(ProcessBackend real, Set<String> callers, Set<String> spawners) {
      this.real = real;
      this.callers = callers;
      this.spawners = spawners;
    }

    @Override
    public java.util.Optional<io.github.vigil.spi.AsyncSpawner> asyncSpawner() {
      return real.asyncSpawner().map(async -> (prepare, listener) -> async.spawn(() -> {
        SpawnRequest request = prepare.call();
        spawners.add(request.name() + " on " + Thread.currentThread().getName());
        return request;
      }, listener).thenApply(this::recorded));
    }

    private void note() {
      callers.add(Thread.currentThread().getName());
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
      spawners.add(request.name() + " on " + Thread.currentThread().getName());
      note();
      return recorded(real.spawn(request, listener));
    }

    private RunningProcess recorded(RunningProcess p) {
      return new RunningProcess() {
        @Override
        public long pid() {
          return p.pid();
        }

        @Override
        public boolean signal(Signal signal) {
          note();
          return p.signal(signal);
        }

        @Override
        public boolean signalTree(Signal signal) {
          note();
          return p.signalTree(signal);
        }

        @Override
        public boolean isTreeAlive() {
          note();
          return p.isTreeAlive();
        }
      };
    }

    @Override
    public boolean hostStartChecks() {
      return real.hostStartChecks();
    }

    @Override
    public java.util.Optional<io.github.vigil.spi.ProcessSampler> sampler() {
      return real.sampler();
    }

    @Override
    public void close() {
      real.close();
    }
  }
}
