package io.github.vigil.bench;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.linux.proc.ProcSampler;
import io.github.vigil.spi.ProcessSampler;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Comparison 4: one full sample of each of {@code n} {@code sleep} processes (200, then 1,000): wall time,
 * CPU time and heap allocated per process on the sampling thread, for Vigil's sampler (Pss excluded and
 * included, and OSHI's fields), OSHI 7.5.0 {@code getProcess} and a plain reader; and process-exporter's CPU
 * time per process per scrape. Each figure's statistics are over rounds (one round samples every process once).
 */
final class SamplingCost {
  static final String COMPARISON = "4";
  private static final int WARMUP_ROUNDS = 5;
  static final Set<Field> NO_PSS;
  /**
   * What OSHI's {@code getProcess} gives: CPU, resident and virtual memory, read and written bytes, faults,
   * open descriptors and their limit, threads, start, user, state. Not context switches: OSHI reports the
   * leader thread's only, Vigil sums every thread's, which is other work.
   */
  static final Set<Field> OSHI_FIELDS = Collections.unmodifiableSet(EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM,
      Field.CPU_TOTAL, Field.CPU_PERCENT, Field.MEMORY_RESIDENT, Field.MEMORY_VIRTUAL, Field.READ_BYTES, Field.WRITE_BYTES,
      Field.MAJOR_FAULTS, Field.MINOR_FAULTS, Field.OPEN_FDS, Field.FD_LIMIT, Field.WORST_FD_RATIO, Field.THREADS,
      Field.START_TIME, Field.UPTIME, Field.PROCESSES, Field.USER, Field.PROCESS_STATES));

  static {
    EnumSet<Field> f = EnumSet.copyOf(ProcessSampler.DEFAULT_FIELDS);
    f.remove(Field.MEMORY_PROPORTIONAL);
    f.remove(Field.MEMORY_PROPORTIONAL_SWAPPED);
    NO_PSS = Collections.unmodifiableSet(f);
  }

  private SamplingCost() {}

  interface Reader {
    void read(int index) throws IOException;
  }

  static List<Row> run(int[] sizes, int rounds, boolean exporter) throws Exception {
    int max = 0;
    for (int s : sizes) {
      max = Math.max(max, s);
    }
    List<Process> started = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    try {
      // the first sizes[0] get their own argument, so the exporter can match exactly them
      for (int i = 0; i < max; i++) {
        String arg = i < sizes[0] ? "100200" : "100800";
        started.add(new ProcessBuilder("/bin/sleep", arg).start());
      }
      long[] pids = started.stream().mapToLong(Process::pid).toArray();
      for (int n : sizes) {
        rows.addAll(readers(pids, n, rounds));
        if (exporter) {
          rows.addAll(exporter(n, n == sizes[0] ? "sleep 100200" : "sleep 100[28]00", rounds));
        }
      }
    } finally {
      for (Process p : started) {
        p.destroyForcibly();
      }
      for (Process p : started) {
        p.waitFor();
      }
    }
    return rows;
  }

  private static List<Row> readers(long[] allPids, int n, int rounds) throws Exception {
    long[] pids = java.util.Arrays.copyOf(allPids, n);
    // a sampler each, so that no contender reads files another kept open or fields another read recently
    ProcSampler noPss = ProcSampler.create();
    // as a sampling loop at 1 s sees it, without idling between rounds (which would make every round start cold):
    // the sampler's clock moves 1 s per round, so Pss and the fd limit (10 s maximum age) are re-read once in 10 rounds
    long[] samplerClock = {0};
    ProcSampler everySecond = ProcSampler.builder().ticker(() -> samplerClock[0]).build();
    ProcSampler fresh = ProcSampler.builder().slowFieldsMaxAge(java.time.Duration.ZERO).build();
    ProcSampler oshiFields = ProcSampler.create();
    ProcSampler oshiFieldsUnkept = ProcSampler.builder().keepOpen(0).build();
    OperatingSystem os = new SystemInfo().getOperatingSystem();
    ProcessSample[] prevNoPss = new ProcessSample[n];
    ProcessSample[] prevDefault = new ProcessSample[n];
    ProcessSample[] prevFresh = new ProcessSample[n];
    ProcessSample[] prevOshi = new ProcessSample[n];
    ProcessSample[] prevOshiUnkept = new ProcessSample[n];
    byte[] buffer = new byte[16 * 1024];
    String[][] paths = new String[n][];
    for (int i = 0; i < n; i++) {
      String dir = "/proc/" + pids[i] + "/";
      paths[i] = new String[] {dir + "stat", dir + "status", dir + "io", dir + "fd"};
    }
    long[] sink = new long[1];
    List<Row> rows = new ArrayList<>();
    rows.addAll(measure("vigil-no-pss", n, rounds, NO_CLOCK, i -> {
      ProcessSample s = prevNoPss[i] = noPss.sample(pids[i], NO_PSS, prevNoPss[i]);
      check(s);
    }, "ProcSampler, DEFAULT_FIELDS without Pss/SwapPss"));
    noPss.close(); // the files it kept open: the next contender has the whole budget
    rows.addAll(measure("vigil-default", n, rounds, () -> samplerClock[0] += 1_000_000_000L, i -> {
      ProcessSample s = prevDefault[i] = everySecond.sample(pids[i], ProcessSampler.DEFAULT_FIELDS, prevDefault[i]);
      check(s);
    }, "ProcSampler, DEFAULT_FIELDS, its clock moved 1 s per round as in a 1 s sampling loop: Pss and the fd limit "
        + "re-read once in 10 rounds, spread over the rounds (slowFieldsMaxAge 10 s); the files read every sample kept open"));
    everySecond.close(); // the files it kept open: the next contender has the whole budget
    rows.addAll(measure("vigil-default-all-fresh", n, rounds, NO_CLOCK, i -> {
      ProcessSample s = prevFresh[i] = fresh.sample(pids[i], ProcessSampler.DEFAULT_FIELDS, prevFresh[i]);
      check(s);
    }, "ProcSampler, DEFAULT_FIELDS with slowFieldsMaxAge 0: Pss (smaps_rollup) and the fd limit read on every sample"));
    fresh.close(); // the files it kept open: the next contender has the whole budget
    rows.addAll(measure("vigil-oshi-fields", n, rounds, NO_CLOCK, i -> {
      ProcessSample s = prevOshi[i] = oshiFields.sample(pids[i], OSHI_FIELDS, prevOshi[i]);
      check(s);
    }, "ProcSampler, the fields OSHI's getProcess gives"));
    oshiFields.close(); // the files it kept open: the next contender has the whole budget
    rows.addAll(measure("vigil-oshi-fields-unkept", n, rounds, NO_CLOCK, i -> {
      ProcessSample s = prevOshiUnkept[i] = oshiFieldsUnkept.sample(pids[i], OSHI_FIELDS, prevOshiUnkept[i]);
      check(s);
    }, "ProcSampler with keepOpen 0 (every file opened, read, closed), the fields OSHI's getProcess gives"));
    oshiFieldsUnkept.close(); // the files it kept open: the next contender has the whole budget
    rows.addAll(measure("oshi", n, rounds, NO_CLOCK, i -> {
      OSProcess p = os.getProcess((int) pids[i]);
      if (p == null) {
        throw new IllegalStateException("OSHI lost " + pids[i]);
      }
      sink[0] += p.getResidentMemory() + p.getKernelTime() + p.getUserTime() + p.getOpenFiles();
    }, "OSHI 7.5.0 OperatingSystem.getProcess(pid)"));
    rows.addAll(measure("plain-reader", n, rounds, NO_CLOCK, i -> {
      String[] f = paths[i];
      for (int k = 0; k < 3; k++) {
        try (RandomAccessFile file = new RandomAccessFile(f[k], "r")) {
          int r;
          while ((r = file.read(buffer)) > 0) {
            sink[0] += r;
          }
        }
      }
      String[] fds = new File(f[3]).list();
      sink[0] += fds == null ? 0 : fds.length;
    }, "stat, status, io into one reused buffer + fd/ listed, no parsing"));
    return rows;
  }

  private static void check(ProcessSample s) {
    if (s.vanished()) {
      throw new IllegalStateException("sample of " + s.pid() + " vanished: " + s.vanishedReason().orElse("?"));
    }
  }

  private static final Runnable NO_CLOCK = () -> { };

  /** Rounds back to back; {@code beforeRound} runs before each (outside the measurement). */
  private static List<Row> measure(String who, int n, int rounds, Runnable beforeRound, Reader reader, String note) throws IOException {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    double[] time = new double[rounds];
    double[] cpu = new double[rounds];
    double[] alloc = new double[rounds];
    for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
      beforeRound.run();
      long a0 = mx.getThreadAllocatedBytes(tid);
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        reader.read(i);
      }
      long t1 = System.nanoTime();
      long c1 = mx.getCurrentThreadCpuTime();
      long a1 = mx.getThreadAllocatedBytes(tid);
      if (r >= 0) {
        time[r] = (t1 - t0) / 1e3 / n;
        cpu[r] = (c1 - c0) / 1e3 / n;
        alloc[r] = (double) (a1 - a0) / n;
      }
    }
    String suffix = "-" + n;
    String rn = note + "; per round of " + n + " processes, " + rounds + " rounds after " + WARMUP_ROUNDS + " warm-up";
    return List.of(new Row(COMPARISON, who, "time-per-process" + suffix, "µs", Stats.of(time), rn),
        new Row(COMPARISON, who, "cpu-per-process" + suffix, "µs", Stats.of(cpu), rn),
        new Row(COMPARISON, who, "alloc-per-process" + suffix, "B", Stats.of(alloc), rn));
  }

  static Path exporterBinary() {
    return Path.of("/usr/bin/prometheus-process-exporter");
  }

  /** process-exporter's CPU time per watched process per scrape (its own utime + stime), over {@code rounds} scrapes. */
  private static List<Row> exporter(int n, String cmdlineRegex, int rounds) throws Exception {
    Path bin = exporterBinary();
    if (!Files.isExecutable(bin)) {
      return List.of();
    }
    Path dir = Files.createTempDirectory("vigil-bench-exporter");
    Path config = dir.resolve("exporter.yml");
    Files.writeString(config, "process_names:\n  - name: \"{{.Comm}}\"\n    cmdline:\n    - '" + cmdlineRegex + "'\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process exporter = new ProcessBuilder(bin.toString(), "-config.path", config.toString(), "-threads=false",
        "-gather-smaps=true", "-web.listen-address", "127.0.0.1:" + port).redirectErrorStream(true)
        .redirectOutput(dir.resolve("exporter.log").toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String body = null;
      while (body == null) {
        try {
          body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("process-exporter did not answer on port " + port, e);
          }
          Thread.sleep(100);
        }
      }
      String numProcs = "namedprocess_namegroup_num_procs{groupname=\"sleep\"} " + n;
      for (int r = -2; r < 0; r++) { // warm-up scrapes: the first sees every process as new
        body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
      }
      if (!body.contains(numProcs)) {
        throw new IllegalStateException("process-exporter does not report " + n + " sleep processes");
      }
      int others = new File("/proc").list((d, name) -> name.chars().allMatch(Character::isDigit)).length - n;
      double[] cpu = new double[rounds];
      long total0 = ProcWatch.cpuNanos(exporter.pid());
      for (int r = 0; r < rounds; r++) {
        long c0 = ProcWatch.cpuNanos(exporter.pid());
        http.send(get, HttpResponse.BodyHandlers.ofString());
        // the exporter's CPU time is in clock ticks (10 ms): let its counters settle before reading them
        Thread.sleep(50);
        long c1 = ProcWatch.cpuNanos(exporter.pid());
        cpu[r] = (c1 - c0) / 1e3 / n;
      }
      double mean = (ProcWatch.cpuNanos(exporter.pid()) - total0) / 1e3 / n / rounds;
      return List.of(new Row(COMPARISON, "process-exporter", "cpu-per-process-" + n, "µs", Stats.of(cpu),
          "prometheus-process-exporter " + exporterVersion() + " -threads=false -gather-smaps=true, " + n
              + " matched processes (it also reads the stat of about " + others + " others each scrape); its CPU time per scrape / "
              + n + ", clock-tick (10 ms) resolution, over " + rounds + " scrapes; mean over all of them "
              + String.format(java.util.Locale.ROOT, "%.0f", mean) + " µs"));
    } finally {
      exporter.destroy();
      exporter.waitFor(10, TimeUnit.SECONDS);
      exporter.destroyForcibly();
      exporter.waitFor();
      for (File f : dir.toFile().listFiles()) {
        f.delete();
      }
      dir.toFile().delete();
    }
  }

  static String exporterVersion() {
    try {
      Process p = new ProcessBuilder(exporterBinary().toString(), "-version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes()).trim().split("\n")[0];
      p.waitFor();
      return v.replaceAll(".*revision: ([0-9.]+).*", "$1");
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }
}
