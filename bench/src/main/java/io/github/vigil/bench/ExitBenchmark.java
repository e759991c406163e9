package io.github.vigil.bench;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 18's exit path, child exit to event, as comparison 2 of bench/run measures it: each invocation SIGKILLs a
 * supervised {@code sleep} started 5 ms before (not timed) and returns once a listener heard its
 * {@code SupervisorEvent.Exited}. {@code linux} is the Linux backend (the exit read from a pidfd; a SIGKILL the
 * supervisor did not send is checked against the run's memory cgroup and the kernel log for an OOM kill),
 * {@code linux-nocgroups} the same with {@code -Dvigil.linux.cgroups=false}, {@code jdk} the portable backend and
 * {@code process-onexit} the anchor, a {@code ProcessBuilder} child's {@code Process.onExit()}. Sample mode: the
 * score's percentiles are the latency distribution.
 *
 * <pre>
 * mvn -q -pl bench -am -DskipTests -Pjmh verify -Djmh.args="ExitBenchmark -f 1 -wi 1 -i 5 -rf text -rff $PWD/bench/results/exit-jmh.txt"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class ExitBenchmark {

  @Param({"linux", "linux-nocgroups", "jdk", "process-onexit"})
  public String contender;

  private final BlockingQueue<Long> exits = new ArrayBlockingQueue<>(16);
  private Supervisor supervisor;
  private AutoCloseable subscription;
  private ProcessController controller;
  private ProcessHandle child;

  @Setup(Level.Trial)
  public void start() {
    Supervisors.checkParam(this, "contender");
    if (contender.equals("process-onexit")) {
      return;
    }
    supervisor = Supervisors.build("exit-jmh", contender.startsWith("linux") ? "linux" : "jdk",
        contender.equals("linux-nocgroups") ? Map.of("vigil.linux.cgroups", "false") : Map.of());
    subscription = supervisor.subscribe(e -> {
      if (e instanceof SupervisorEvent.Exited) {
        exits.add(System.nanoTime());
      }
    });
    controller = supervisor.register(ProcessSpec.builder("sleeper").command("/bin/sleep", "100000")
        .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build());
  }

  /** As comparison 2: a new child, killed 5 ms after it started (not timed). */
  @Setup(Level.Invocation)
  public void spawn() throws IOException, InterruptedException {
    if (controller != null) {
      child = ProcessHandle.of(controller.start(Duration.ofSeconds(30)).pid()).orElseThrow();
    } else {
      Process p = new ProcessBuilder("/bin/sleep", "100000").start();
      p.onExit().thenRun(() -> exits.add(System.nanoTime()));
      child = p.toHandle();
    }
    Thread.sleep(5);
  }

  @Benchmark
  public long exitToEvent() throws InterruptedException {
    ProcWatch.kill(child);
    Long heard = exits.poll(30, TimeUnit.SECONDS);
    if (heard == null) {
      throw new IllegalStateException(contender + ": no exit heard within 30 s of killing " + child.pid());
    }
    return heard;
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    if (supervisor != null) {
      subscription.close();
      supervisor.close();
    }
  }
}
