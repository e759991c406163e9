package io.github.vigil.bench;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import io.github.vigil.ProcessSample;
import io.github.vigil.linux.proc.ProcSampler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The read of a resource rule's files kept open ({@code stat}, {@code statm}, {@code task/PID/children}; issue 18,
 * target 3), per process of 100 live {@code sleep} children, round robin, by each way of reading a file kept open
 * from offset 0:
 * <ul>
 *   <li>{@link #channel}: the sampler's {@code FileChannel.read(buffer, 0)} into a heap buffer wrapping its 16 KiB
 *     array, as {@code ProcReader.read(FileChannel, String)} does (the JDK copies through a temporary direct buffer);</li>
 *   <li>{@link #preadArray16k}: a direct-mapped {@code pread} into that 16 KiB array (JNA copies the whole array to
 *     native memory and back: {@code Get/ReleaseByteArrayElements});</li>
 *   <li>{@link #preadArray1k}: the same into a 1 KiB array (what a small per-reader array costs);</li>
 *   <li>{@link #preadDirect}: a direct-mapped {@code pread} into a 16 KiB direct buffer, then the bytes read copied
 *     into the heap array (no JNA array copy, one copy of what was read, as the JDK's channel does);</li>
 *   <li>{@link #preadBare}: as {@link #preadDirect}, the buffer passed as a raw address and errno not captured: the
 *     least a JNA call costs (the sampler could not tell a gone process from another error this way);</li>
 *   <li>{@link #sampler}: the whole sample of a resource rule's fields ({@code sampleTree} with
 *     {@link Scale#METRIC_FIELDS}), for scale: the reads are part of it.</li>
 * </ul>
 * The {@code once*} benchmarks read the same way, once a second: each measured iteration is one round over the 100
 * processes ({@code batchSize}), after a 1 s pause outside the measurement, as a sampling loop once a second finds its
 * caches cold; the score is the round's time, so per process it is a hundredth of it. Their warmup reads 5,000
 * processes an iteration, so that the code is compiled as in a sampler of many processes.
 * Nothing is parsed in the read benchmarks; each returns a sum of what it read (about 300 bytes of {@code stat}, 25 of
 * {@code statm}, none of an empty children list). Sample mode: on a shared machine the median op and the iterations'
 * medians hold where the mean does not ({@code bench/proc-read-summary.py}). Results and the reading:
 * {@code bench/results/sampler-pread-jmh.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xmx256m"})
public class ProcReadBenchmark {
  /** libc's {@code pread}, {@code open} and {@code close} by JNA's direct mapping, as the Linux backend binds them. */
  static final class LibC {
    static {
      Native.register("c");
    }

    private LibC() {
    }

    static native long pread(int fd, byte[] buffer, long count, long offset) throws LastErrorException;

    static native long pread(int fd, ByteBuffer buffer, long count, long offset) throws LastErrorException;

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
  }

  /**
   * The leanest {@code pread} JNA binds: the buffer as a raw address (no {@code GetDirectBufferAddress}), errno not
   * captured (no {@link LastErrorException}): what JNA's dispatch itself costs, whatever the sampler would need.
   */
  static final class BareLibC {
    static {
      Native.register("c");
    }

    private BareLibC() {
    }

    static native long pread(int fd, long address, long count, long offset);
  }

  private static final int PROCESSES = 100;
  private static final String[] FILES = {"stat", "statm", "children"};

  private final List<Process> started = new ArrayList<>();
  private FileChannel[][] channels;
  private int[][] fds;
  private long[] pids;
  private int next;

  private final byte[] buf = new byte[16 * 1024];
  private final ByteBuffer view = ByteBuffer.wrap(buf);
  private final byte[] small = new byte[1024];
  private final ByteBuffer direct = ByteBuffer.allocateDirect(16 * 1024);

  private long directAddress;
  private ProcSampler sampler;
  private ProcessSample[] previous;

  @Setup(Level.Trial)
  public void start() throws IOException {
    for (int i = 0; i < PROCESSES; i++) {
      started.add(new ProcessBuilder("sleep", "100000").start());
    }
    pids = started.stream().mapToLong(Process::pid).toArray();
    channels = new FileChannel[PROCESSES][FILES.length];
    fds = new int[PROCESSES][FILES.length];
    for (int i = 0; i < PROCESSES; i++) {
      for (int f = 0; f < FILES.length; f++) {
        String path = path(pids[i], FILES[f]);
        channels[i][f] = FileChannel.open(Path.of(path), StandardOpenOption.READ);
        fds[i][f] = LibC.open(Native.toByteArray(path), 0x80000); // O_RDONLY | O_CLOEXEC
      }
    }
    directAddress = com.sun.jna.Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    sampler = ProcSampler.create();
    previous = new ProcessSample[PROCESSES];
    for (int i = 0; i < PROCESSES; i++) {
      // twice: the sampler keeps a process's files open from its second sample on
      previous[i] = sampler.sampleTree(pids[i], Scale.METRIC_FIELDS, null);
      previous[i] = sampler.sampleTree(pids[i], Scale.METRIC_FIELDS, previous[i]);
      if (previous[i].vanished()) {
        throw new IllegalStateException("process " + pids[i] + " is not readable");
      }
    }
  }

  private static String path(long pid, String file) {
    return file.equals("children") ? "/proc/" + pid + "/task/" + pid + "/children" : "/proc/" + pid + "/" + file;
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException, InterruptedException {
    sampler.close();
    for (int i = 0; i < PROCESSES; i++) {
      for (int f = 0; f < FILES.length; f++) {
        channels[i][f].close();
        LibC.close(fds[i][f]);
      }
    }
    for (Process p : started) {
      p.destroyForcibly();
    }
    for (Process p : started) {
      p.waitFor();
    }
  }

  private int nextIndex() {
    int i = next;
    next = i + 1 == PROCESSES ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public long channel() throws IOException {
    FileChannel[] chs = channels[nextIndex()];
    long sum = 0;
    for (FileChannel ch : chs) {
      int n = ch.read(view.clear().position(0), 0);
      sum += n + buf[0];
    }
    return sum;
  }

  @Benchmark
  public long preadArray16k() {
    int[] f = fds[nextIndex()];
    long sum = 0;
    for (int fd : f) {
      long n = LibC.pread(fd, buf, buf.length, 0);
      sum += n + buf[0];
    }
    return sum;
  }

  @Benchmark
  public long preadArray1k() {
    int[] f = fds[nextIndex()];
    long sum = 0;
    for (int fd : f) {
      long n = LibC.pread(fd, small, small.length, 0);
      sum += n + small[0];
    }
    return sum;
  }

  @Benchmark
  public long preadDirect() {
    int[] f = fds[nextIndex()];
    long sum = 0;
    for (int fd : f) {
      int n = (int) LibC.pread(fd, direct, direct.capacity(), 0);
      direct.get(0, buf, 0, n);
      sum += n + buf[0];
    }
    return sum;
  }

  @Benchmark
  public long preadBare() {
    int[] f = fds[nextIndex()];
    long sum = 0;
    for (int fd : f) {
      int n = (int) BareLibC.pread(fd, directAddress, direct.capacity(), 0);
      direct.get(0, buf, 0, n);
      sum += n + buf[0];
    }
    return sum;
  }

  /** A pause before each iteration of the {@code once*} benchmarks, outside the measurement. */
  @State(Scope.Thread)
  public static class Pause {
    @Setup(Level.Iteration)
    public void pause() throws InterruptedException {
      Thread.sleep(1000);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 5, batchSize = 5000)
  @Measurement(iterations = 20, batchSize = PROCESSES)
  public long onceChannel(Pause pause) throws IOException {
    return channel();
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 5, batchSize = 5000)
  @Measurement(iterations = 20, batchSize = PROCESSES)
  public long oncePreadArray1k(Pause pause) {
    return preadArray1k();
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 5, batchSize = 5000)
  @Measurement(iterations = 20, batchSize = PROCESSES)
  public long oncePreadDirect(Pause pause) {
    return preadDirect();
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 5, batchSize = 5000)
  @Measurement(iterations = 20, batchSize = PROCESSES)
  public long oncePreadBare(Pause pause) {
    return preadBare();
  }

  @Benchmark
  public ProcessSample sampler() {
    int i = nextIndex();
    return previous[i] = sampler.sampleTree(pids[i], Scale.METRIC_FIELDS, previous[i]);
  }
}
