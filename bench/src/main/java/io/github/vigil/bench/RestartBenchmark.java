package io.github.vigil.bench;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
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
 * Issue 18's hot path, crash to restart on a backend, as comparison 1 of bench/run measures it: each
 * invocation SIGKILLs the supervised {@code sleep} and returns once another child of this JVM runs {@code sleep}
 * (seen through {@code /proc}, polled every 250 µs). {@code linux-standby} is the Linux backend with its opt-in standby
 * ({@code -Dvigil.linux.standby=true}: the next run prepared ahead), {@code linux-inline} its default (setpriv, the
 * wrapper and its two cgroup joins on the restart's path), {@code linux-spare} the Linux backend with no standby and
 * one spare ({@code -Dvigil.linux.standby=false -Dvigil.linux.spares=1}: the restart takes a wrapper started ahead
 * for any start, its cgroups joined), {@code jdk} the portable backend. Sample mode: the
 * score's percentiles are the latency distribution.
 *
 * <pre>
 * mvn -q -pl bench -am -DskipTests -Pjmh verify -Djmh.args="RestartBenchmark -f 1 -wi 1 -i 5 -rf text -rff $PWD/bench/results/restart-jmh.txt"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class RestartBenchmark {

  @Param({"linux-standby", "linux-inline", "linux-spare", "jdk"})
  public String backend;

  private Supervisor supervisor;
  private ProcWatch watch;
  private long current;

  @Setup(Level.Trial)
  public void start() throws IOException {
    Supervisors.checkParam(this, "backend");
    Map<String, String> switches = backend.equals("linux-spare")
        ? Map.of("vigil.linux.standby", "false", "vigil.linux.spares", "1")
        : Map.of("vigil.linux.standby", Boolean.toString(backend.equals("linux-standby")));
    supervisor = Supervisors.build("restart-jmh", backend.startsWith("linux") ? "linux" : "jdk", switches);
    RestartPolicy policy = RestartPolicy.always().withBackoff(Backoff.none()).withStartLimit(Integer.MAX_VALUE, Duration.ofSeconds(1));
    ProcessController c = supervisor.register(ProcessSpec.builder("sleeper").command("/bin/sleep", "100000")
        .restartPolicy(policy).startupGrace(Duration.ZERO).build());
    c.start(Duration.ofSeconds(30));
    watch = new ProcWatch(ProcessHandle.current().pid());
    current = watch.awaitChild("sleep", -1, TimeUnit.SECONDS.toNanos(30), 1000);
  }

  /** As comparison 1's 20 ms between trials: the supervisor settles after the last restart (not timed). */
  @Setup(Level.Invocation)
  public void settle() throws InterruptedException {
    Thread.sleep(20);
  }

  @Benchmark
  public long crashToRestart() throws IOException {
    ProcessHandle h = ProcessHandle.of(current).orElseThrow(() -> new IllegalStateException("child " + current + " vanished"));
    ProcWatch.kill(h);
    long next = watch.awaitChild("sleep", current, TimeUnit.SECONDS.toNanos(30), 250);
    if (next < 0) {
      throw new IllegalStateException("no restart within 30 s of killing " + current);
    }
    current = next;
    return next;
  }

  @TearDown(Level.Trial)
  public void stop() {
    supervisor.close();
  }
}
