package io.github.vigil.bench;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.linux.proc.ProcSampler;
import io.github.vigil.spi.ProcessSampler;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
import org.openjdk.jmh.infra.Blackhole;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * The cost of one sample of one process: Vigil's {@link ProcSampler} against OSHI reading the same
 * processes in the same run, and a plain reader (stat, status and io into one reused buffer plus an
 * fd count) as the floor. Each invocation samples the next process of the set, round robin, so the
 * score and {@code gc.alloc.rate.norm} (with {@code -prof gc}) are per process.
 *
 * <p>Process sets: {@code sleep}: 200 single-threaded {@code sleep} processes; {@code jvm}: 8 idle
 * JVMs with 16 extra parked threads each (about 35 threads apiece), closer to a trading gateway.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class SamplingBenchmark {

  @Param({"sleep", "jvm"})
  public String processes;

  private final List<Process> started = new ArrayList<>();
  private long[] pids;
  private int next;

  private ProcSampler sampler;
  private ProcessSample[] previous;
  /** Pss and the fd limit on every sample (slowFieldsMaxAge 0): the worst case of the default fields. */
  private ProcSampler freshSampler;
  /** Its clock moves 1 s each time the round robin starts over: a 1 s sampling loop, without the idle second. */
  private ProcSampler cadenceSampler;
  private long cadenceClock;
  private ProcessSample[] previousFresh;
  private ProcessSample[] previousCadence;
  /**
   * The sampler's defaults, its clock moved 15 s each time the round robin starts over: each process read once per
   * metrics scrape, as the Micrometer binding is by a Prometheus scrape every 15 s (slow fields re-read every time;
   * files kept open only if the sampler's keepOpenIdle outlasts the interval).
   */
  private ProcSampler scrapeSampler;
  private long scrapeClock;
  private ProcessSample[] previousScrape;
  private static final Set<Field> DEFAULT = ProcessSampler.DEFAULT_FIELDS;
  private static final Set<Field> NO_PSS = SamplingCost.NO_PSS;
  private static final Set<Field> ALL = Collections.unmodifiableSet(EnumSet.allOf(Field.class));
  private static final Set<Field> OSHI_FIELDS = SamplingCost.OSHI_FIELDS;

  private OperatingSystem os;
  private OSProcess[] oshiProcesses;

  private final byte[] plainBuffer = new byte[16 * 1024];
  private String[][] plainPaths;

  @Setup(Level.Trial)
  public void start() throws Exception {
    if (processes.equals("sleep")) {
      for (int i = 0; i < 200; i++) {
        started.add(new ProcessBuilder("sleep", "100000").start());
      }
    } else {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      for (int i = 0; i < 8; i++) {
        Process p = new ProcessBuilder(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            IdleJvm.class.getName(), "16").redirectErrorStream(true).start();
        started.add(p);
      }
      for (Process p : started) {
        byte[] ready = new byte[6];
        if (p.getInputStream().readNBytes(ready, 0, 6) != 6) {
          throw new IOException("an idle JVM did not start");
        }
      }
    }
    pids = started.stream().mapToLong(Process::pid).toArray();
    sampler = ProcSampler.create();
    freshSampler = ProcSampler.builder().slowFieldsMaxAge(java.time.Duration.ZERO).build();
    cadenceSampler = ProcSampler.builder().ticker(() -> cadenceClock).build();
    scrapeSampler = ProcSampler.builder().ticker(() -> scrapeClock).build();
    previousScrape = new ProcessSample[pids.length];
    previous = new ProcessSample[pids.length];
    previousFresh = new ProcessSample[pids.length];
    previousCadence = new ProcessSample[pids.length];
    os = new SystemInfo().getOperatingSystem();
    oshiProcesses = new OSProcess[pids.length];
    plainPaths = new String[pids.length][];
    for (int i = 0; i < pids.length; i++) {
      oshiProcesses[i] = os.getProcess((int) pids[i]);
      String dir = "/proc/" + pids[i] + "/";
      plainPaths[i] = new String[] {dir + "stat", dir + "status", dir + "io", dir + "fd"};
      if (sampler.sample(pids[i], DEFAULT, null).vanished() || oshiProcesses[i] == null) {
        throw new IllegalStateException("process " + pids[i] + " is not readable");
      }
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    sampler.close();
    freshSampler.close();
    cadenceSampler.close();
    scrapeSampler.close();
    for (Process p : started) {
      p.destroyForcibly();
    }
    for (Process p : started) {
      p.waitFor();
    }
  }

  private int nextIndex() {
    int i = next;
    next = i + 1 == pids.length ? 0 : i + 1;
    return i;
  }

  /**
   * Every field but sockets (Pss, thread states and zombie children included): what process-exporter
   * gathers and more, as a 1 s sampling loop reads them: Pss and the fd limit re-read every 10 s
   * (slowFieldsMaxAge), spread over the processes.
   */
  @Benchmark
  public ProcessSample vigilDefault() {
    int i = nextIndex();
    if (i == 0) {
      cadenceClock += 1_000_000_000L;
    }
    return previousCadence[i] = cadenceSampler.sample(pids[i], DEFAULT, previousCadence[i]);
  }

  /**
   * The Micrometer binding's fields ({@link ScrapeKeepOpen#BINDING_FIELDS}, as {@code sampleTree}) read once per scrape
   * every 15 s: what comparison 6's idle trial asks of the sampler, per process.
   */
  @Benchmark
  public ProcessSample vigilScrapeEvery15s() {
    int i = nextIndex();
    if (i == 0) {
      scrapeClock += 15_000_000_000L;
    }
    return previousScrape[i] = scrapeSampler.sampleTree(pids[i], ScrapeKeepOpen.BINDING_FIELDS, previousScrape[i]);
  }

  /** As {@link #vigilDefault()} with Pss ({@code smaps_rollup}, a page-table walk) and the fd limit read on every sample. */
  @Benchmark
  public ProcessSample vigilDefaultAllFresh() {
    int i = nextIndex();
    return previousFresh[i] = freshSampler.sample(pids[i], DEFAULT, previousFresh[i]);
  }

  /** As {@link #vigilDefault()} without Pss (no {@code smaps_rollup}, which makes the kernel walk page tables). */
  @Benchmark
  public ProcessSample vigilWithoutPss() {
    int i = nextIndex();
    return previous[i] = sampler.sample(pids[i], NO_PSS, previous[i]);
  }

  /** The fields OSHI's {@code getProcess} offers: the same work as {@link #oshiGetProcess}. */
  @Benchmark
  public ProcessSample vigilOshiFields() {
    int i = nextIndex();
    return previous[i] = sampler.sample(pids[i], OSHI_FIELDS, previous[i]);
  }

  /**
   * What a CPU or memory resource rule (and {@code ProcessController.sample(fields)} for them) reads since issue 18:
   * CPU time and percent and exact resident memory, {@code stat} and {@code statm}, through the tree sample.
   */
  @Benchmark
  public ProcessSample vigilRuleFields() {
    int i = nextIndex();
    return previous[i] = sampler.sampleTree(pids[i], Scale.METRIC_FIELDS, previous[i]);
  }

  /** CPU time and percent and {@code stat}'s resident memory: one {@code stat} read per process (issue 18). */
  @Benchmark
  public ProcessSample vigilStatFields() {
    int i = nextIndex();
    return previous[i] = sampler.sampleTree(pids[i], Scale.STAT_FIELDS, previous[i]);
  }

  /** Every field, sockets included (every descriptor link and four socket tables per sample), Pss every sample. */
  @Benchmark
  public ProcessSample vigilAllWithSockets() {
    int i = nextIndex();
    return previousFresh[i] = freshSampler.sample(pids[i], ALL, previousFresh[i]);
  }

  /** OSHI's {@code getProcess(pid)}: a new {@code OSProcess} with everything OSHI reads for it. */
  @Benchmark
  public void oshiGetProcess(Blackhole bh) {
    int i = nextIndex();
    OSProcess p = os.getProcess((int) pids[i]);
    bh.consume(p.getResidentMemory());
    bh.consume(p.getKernelTime() + p.getUserTime());
    bh.consume(p.getOpenFiles());
  }

  /** OSHI refreshing an {@code OSProcess} it already has ({@code updateAttributes()}). */
  @Benchmark
  public boolean oshiUpdateAttributes() {
    return oshiProcesses[nextIndex()].updateAttributes();
  }

  /** The floor: stat, status and io read into one reused buffer, and the fd directory listed; no parsing. */
  @Benchmark
  public long plainReader() throws IOException {
    String[] paths = plainPaths[nextIndex()];
    long sum = 0;
    for (int f = 0; f < 3; f++) {
      try (RandomAccessFile file = new RandomAccessFile(paths[f], "r")) {
        int n;
        while ((n = file.read(plainBuffer)) > 0) {
          sum += n;
        }
      }
    }
    String[] fds = new File(paths[3]).list();
    return sum + (fds == null ? 0 : fds.length);
  }
}
