package io.github.vigil.bench;

import io.github.vigil.ProcessSample;
import io.github.vigil.alerts.Anomaly;
import io.github.vigil.alerts.AnomalyDetectors;
import io.github.vigil.alerts.AnomalySettings;
import io.github.vigil.alerts.SpikeDetector;
import io.github.vigil.alerts.TrendDetector;
import io.github.vigil.spi.ProcessSampleBuilder;
import java.time.Instant;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost per sample of the alerts module's anomaly detectors (issue 16: under 1 µs per sample per
 * detector): one {@link SpikeDetector} (median/MAD over 90 values), one {@link TrendDetector}
 * (Theil–Sen over 24 buckets of 30), and all detectors of one process fed a {@link ProcessSample}
 * ({@link AnomalyDetectors#onSample}: 4 spikes, 3 trends, zombies). Noisy values, cycled from 4096.
 *
 * <pre>
 * mvn -pl bench -am -DskipTests -Pjmh verify -Djmh.args="DetectorBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectorBenchmark {
  private static final int N = 4096;
  private final double[] values = new double[N];
  private final ProcessSample[] samples = new ProcessSample[N];
  private SpikeDetector spike;
  private TrendDetector trend;
  private AnomalyDetectors all;
  private int i;
  private double seconds;

  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(42);
    ProcessSampleBuilder b = ProcessSampleBuilder.of(ProcessSample.Scope.TREE, 1);
    EnumSet<ProcessSample.Field> fields = EnumSet.of(ProcessSample.Field.CPU_TOTAL, ProcessSample.Field.MEMORY_RESIDENT,
        ProcessSample.Field.OPEN_FDS, ProcessSample.Field.FD_LIMIT, ProcessSample.Field.THREADS, ProcessSample.Field.ZOMBIE_CHILDREN);
    for (int k = 0; k < N; k++) {
      values[k] = 100 + 10 * (r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5);
      b.reset(ProcessSample.Scope.TREE, 1, 1_000L * k, 10_000_000_000L * k).request(fields).beginMember()
          .add(ProcessSample.Field.CPU_TOTAL, 1_000_000L * k)
          .add(ProcessSample.Field.MEMORY_RESIDENT, (long) (500e6 + 5e6 * r.nextDouble()))
          .add(ProcessSample.Field.OPEN_FDS, 100 + r.nextInt(4))
          .add(ProcessSample.Field.FD_LIMIT, 65536)
          .add(ProcessSample.Field.THREADS, 40 + r.nextInt(3))
          .zombiesRead()
          .endMember(1);
      samples[k] = b.build(null);
    }
    AnomalySettings s = AnomalySettings.defaults();
    spike = new SpikeDetector(s.spikeWindow(), s.spikeThreshold(), 1, 0.02, s.spikeConfirm(), s.spikeClear());
    trend = new TrendDetector(s.trendBucket(), s.trendBuckets(), s.trendMinBuckets(), s.trendMinTau(), 16, 0.02);
    all = new AnomalyDetectors(s, (Anomaly a) -> { });
  }

  @Benchmark
  public Object spikeDetector() {
    int k = i++ & (N - 1);
    return spike.add(values[k]);
  }

  @Benchmark
  public Object trendDetector() {
    int k = i++ & (N - 1);
    seconds += 10;
    return trend.add(seconds, values[k]);
  }

  @Benchmark
  public void allDetectorsOfOneProcess(Blackhole bh) {
    int k = i++ & (N - 1);
    seconds += 10;
    all.onSample("p", samples[k], seconds, Instant.EPOCH, 4e9);
    bh.consume(k);
  }
}
