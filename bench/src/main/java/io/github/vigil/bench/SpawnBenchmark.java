package io.github.vigil.bench;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Issue 18's spawn path, as comparison 5 of bench/run measures it: each invocation starts {@code /bin/true} and returns
 * once its clean exit is known (Vigil's {@code SupervisorEvent.Exited}; {@code Process.waitFor()} for the anchor), one
 * after another. {@code linux} is the Linux backend's usual start (setpriv, the wrapper shell and its cgroup joins in
 * front of the program), {@code linux-spare} the same backend with {@code -Dvigil.linux.spares=1} (the start takes a
 * wrapper started ahead with its cgroups joined, and the next spare is started after it), {@code jdk} the portable
 * backend and {@code processbuilder} the anchor. Sample mode: the score's percentiles are the latency distribution.
 *
 * <pre>
 * mvn -q -pl bench -am -DskipTests -Pjmh verify -Djmh.args="SpawnBenchmark -f 1 -wi 1 -i 5 -rf text -rff $PWD/bench/results/spawn-jmh.txt"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class SpawnBenchmark {

  @Param({"linux", "linux-spare", "jdk", "processbuilder"})
  public String contender;

  private final BlockingQueue<SupervisorEvent.Exited> exits = new ArrayBlockingQueue<>(16);
  private final ProcessBuilder builder = new ProcessBuilder("/bin/true");
  private Supervisor supervisor;
  private AutoCloseable subscription;
  private ProcessController controller;

  @Setup
  public void start() {
    Supervisors.checkParam(this, "contender");
    if (contender.equals("processbuilder")) {
      return;
    }
    supervisor = Supervisors.build("spawn-jmh", contender.startsWith("linux") ? "linux" : "jdk",
        contender.equals("linux-spare") ? Map.of("vigil.linux.spares", "1") : Map.of());
    subscription = supervisor.subscribe(e -> {
      if (e instanceof SupervisorEvent.Exited x) {
        exits.add(x);
      }
    });
    controller = supervisor.register(ProcessSpec.builder("true").command("/bin/true")
        .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build());
  }

  @Benchmark
  public int spawnAndReap() throws IOException, InterruptedException {
    int code;
    if (controller == null) {
      code = builder.start().waitFor();
    } else {
      controller.start();
      SupervisorEvent.Exited x = exits.poll(30, TimeUnit.SECONDS);
      if (x == null) {
        throw new IllegalStateException(contender + ": no Exited event within 30 s of starting /bin/true");
      }
      code = x.exit().termination() instanceof Termination.Exited e ? e.code() : -1;
    }
    if (code != 0) {
      throw new IllegalStateException(contender + ": /bin/true did not exit cleanly (" + code + ")");
    }
    return code;
  }

  @TearDown
  public void stop() throws Exception {
    if (supervisor != null) {
      subscription.close();
      supervisor.close();
    }
  }
}
