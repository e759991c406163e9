package io.github.vigil.spi;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pass of the JDK backend over {@code /proc} ({@code ProcScan.table}): every process's parent, session, start and
 * state, and the run id in the environments of those started since a run. The JDK backend takes one before each
 * restart (does the ended run leave anything running?) and for each stop, so its cost grows with the machine's process
 * count and sits on the way from a crash to the next run (issue 18). Over this machine's own {@code /proc}, as it is
 * during the run (the count is printed by the harness, {@code ls -d /proc/[0-9]* | wc -l}); environments read of none
 * (a run that started now) and of all (a pass for a run as old as the machine). In the package of the class it
 * measures (package-private there). Command (also through {@code bench/jmh-ab REF ROUNDS ProcScanBenchmark}):
 *
 * <pre>
 * mvn -pl bench -am -DskipTests -Pjmh verify -Djmh.args="ProcScanBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProcScanBenchmark {

  /** A pass for a run started now: no environment read (every process started before it). */
  @Benchmark
  public Object tableNoEnvironments() {
    return ProcScan.table("VIGIL_RUN_ID", Long.MAX_VALUE, System.nanoTime());
  }

  /** A pass that reads every readable environment (a run as old as the machine: the worst case). */
  @Benchmark
  public Object tableAllEnvironments() {
    return ProcScan.table("VIGIL_RUN_ID", 0, System.nanoTime());
  }
}
