package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.RunState;
import io.github.vigil.spi.ProcessSampler;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares the sampler, process by process, with prometheus-process-exporter (Debian's package,
 * installed by {@code .ci/install.d/process-exporter}) reading the same processes: each watched
 * process is its own exporter group ({@code {{.Comm}}-{{.PID}}}), with its children counted in it,
 * which is the sampler's tree. The processes are stopped (SIGSTOP) while both read them, so gauges
 * must agree; counters are compared as the increase between two readings, since the exporter counts
 * from when it first sees a process.
 *
 * <p>Tolerances: exact for counts, descriptors, virtual memory and counters; the exporter's resident
 * memory is {@code stat}'s rss, a per-CPU approximation of the exact {@code VmRSS} the sampler
 * reports, so resident agrees within 5% or 512 KiB per process; Pss within 5%.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class ProcessExporterComparisonTest {
  private static final String MARKER = "VIGIL_EXPORTER_COMPARISON";
  private static final Pattern SAMPLE = Pattern.compile("^(namedprocess_namegroup_\\w+)\\{([^}]*)\\} (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final RealProcs procs = new RealProcs();
  // every field read on every sample, as the exporter does on every scrape (by default Pss and per-thread sums are reused up to 5 s)
  private final ProcSampler sampler = ProcSampler.builder().slowFieldsMaxAge(java.time.Duration.ZERO).build();
  private Process exporter;

  @AfterEach
  void cleanUp() throws Exception {
    sampler.close();
    if (exporter != null) {
      exporter.destroyForcibly();
      exporter.waitFor();
    }
    procs.close();
  }

  static Path exporterBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, "prometheus-process-exporter");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return Path.of("/usr/bin/prometheus-process-exporter");
  }

  @Test
  void agreesWithProcessExporterProcessByProcess(@TempDir Path dir) throws Exception {
    Path bin = exporterBinary();
    assumeTrue(Files.isExecutable(bin), "prometheus-process-exporter is not installed (.ci/install.d/process-exporter installs it)");

    List<Process> watched = new ArrayList<>();
    int[] ports = new int[2];
    watched.add(procs.workload(3, 6, ports, MARKER));
    watched.add(procs.workload(1, 1, ports, MARKER));
    watched.add(procs.start("sh", "-c", "sleep 1000 & sleep 1000 & wait; : " + MARKER));
    watched.add(procs.start("sh", "-c", "while :; do :; done; : " + MARKER));
    assertThat(RealProcs.eventually(Duration.ofSeconds(20), () -> watched.get(2).toHandle().children().count() == 2)).isTrue();

    Path config = dir.resolve("exporter.yml");
    Files.writeString(config, "process_names:\n  - name: \"{{.Comm}}-{{.PID}}\"\n    cmdline:\n    - " + MARKER + "\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    exporter = new ProcessBuilder(bin.toString(), "-config.path", config.toString(), "-threads=false",
        "-web.listen-address", "127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(dir.resolve("exporter.log").toFile())
        .start();
    HttpClient http = HttpClient.newHttpClient();
    URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");

    // first reading: both see the same frozen state
    freezeAll(watched);
    Map<Long, ProcessSample> first = sampleAll(watched, null);
    Map<String, Map<String, Double>> scrape1 = scrape(http, metrics);
    assertThat(scrape1.keySet()).as("exporter groups").hasSize(watched.size());

    // let them work (the burner burns CPU, the JVMs do what JVMs do), then read again
    thawAll(watched);
    Thread.sleep(1500);
    freezeAll(watched);
    Map<Long, ProcessSample> second = sampleAll(watched, first);
    Map<String, Map<String, Double>> scrape2 = scrape(http, metrics);

    for (Process p : watched) {
      ProcessSample a = first.get(p.pid());
      ProcessSample b = second.get(p.pid());
      String comm = RealProcs.statField(Path.of("/proc", Long.toString(p.pid()), "stat"), 2);
      String group = comm + "-" + p.pid();
      Map<String, Double> m = scrape2.get(group);
      assertThat(m).as("exporter group %s in %s", group, scrape2.keySet()).isNotNull();
      String what = "group " + group + ": ";

      assertThat(m.get("num_procs")).as(what + "num_procs").isEqualTo(b.get(Field.PROCESSES));
      assertThat(m.get("num_threads")).as(what + "num_threads").isEqualTo(b.get(Field.THREADS));
      assertThat(m.get("open_filedesc")).as(what + "open_filedesc").isEqualTo(b.get(Field.OPEN_FDS));
      assertThat(m.get("worst_fd_ratio")).as(what + "worst_fd_ratio").isCloseTo(b.get(Field.WORST_FD_RATIO), within(1e-9));
      assertThat(m.get("memory_bytes{memtype=virtual}")).as(what + "virtual").isEqualTo(b.get(Field.MEMORY_VIRTUAL));
      assertThat(m.get("memory_bytes{memtype=swapped}")).as(what + "swapped").isEqualTo(b.get(Field.MEMORY_SWAPPED));
      double rss = b.get(Field.MEMORY_RESIDENT);
      assertThat(m.get("memory_bytes{memtype=resident}")).as(what + "resident")
          .isCloseTo(rss, within(Math.max(0.05 * rss, 512 * 1024.0 * b.get(Field.PROCESSES))));
      double pss = b.get(Field.MEMORY_PROPORTIONAL);
      assertThat(m.get("memory_bytes{memtype=proportionalResident}")).as(what + "Pss").isCloseTo(pss, within(0.05 * pss));
      assertThat(m.get("memory_bytes{memtype=proportionalSwapped}")).as(what + "SwapPss")
          .isEqualTo(b.get(Field.MEMORY_PROPORTIONAL_SWAPPED));
      // the exporter adds the ticks to btime (whole seconds) and prints whole seconds; ours is to the hundredth from a
      // boot time of /proc/uptime: the exporter's is the same or up to two truncations (under 2 s) earlier
      double ours = b.startTime().orElseThrow().toEpochMilli() / 1000.0;
      assertThat(m.get("oldest_start_time_seconds")).as(what + "start (the exporter prints whole seconds; ours %s)", ours)
          .isBetween(Math.floor(ours) - 1.0, ours + 0.02);
      for (RunState s : RunState.values()) {
        // process-exporter 0.7.10's "states" (help text: "number of processes in states …") counts, as observed, the
        // process's own state plus, for a multithreaded process, each of its threads' states: a stopped JVM of 19
        // threads shows Other=20. Single-process groups here, so this is checked exactly in those terms.
        boolean multithreaded = b.get(Field.THREADS) > b.get(Field.PROCESSES);
        long expected = b.processes(s).getAsLong() + (multithreaded ? b.threads(s).getAsLong() : 0);
        assertThat(m.get("states{state=" + s.label() + "}")).as(what + "state " + s).isEqualTo((double) expected);
      }
      // counters: the exporter's totals count from its first reading, ours are totals: compare increases
      Map<String, Double> m1 = scrape1.get(group);
      assertThat(m.get("cpu_seconds_total{mode=user}") - m1.get("cpu_seconds_total{mode=user}")).as(what + "cpu user")
          .isCloseTo(delta(a, b, Field.CPU_USER) / 1e9, within(1e-6));
      assertThat(m.get("cpu_seconds_total{mode=system}") - m1.get("cpu_seconds_total{mode=system}")).as(what + "cpu system")
          .isCloseTo(delta(a, b, Field.CPU_SYSTEM) / 1e9, within(1e-6));
      assertThat(m.get("major_page_faults_total") - m1.get("major_page_faults_total")).as(what + "major faults")
          .isEqualTo(delta(a, b, Field.MAJOR_FAULTS));
      assertThat(m.get("minor_page_faults_total") - m1.get("minor_page_faults_total")).as(what + "minor faults")
          .isEqualTo(delta(a, b, Field.MINOR_FAULTS));
      assertSwitches(what + "voluntary switches", m.get("context_switches_total{ctxswitchtype=voluntary}")
          - m1.get("context_switches_total{ctxswitchtype=voluntary}"), delta(a, b, Field.VOLUNTARY_SWITCHES));
      assertSwitches(what + "involuntary switches", m.get("context_switches_total{ctxswitchtype=nonvoluntary}")
          - m1.get("context_switches_total{ctxswitchtype=nonvoluntary}"), delta(a, b, Field.INVOLUNTARY_SWITCHES));
      assertThat(m.get("read_bytes_total") - m1.get("read_bytes_total")).as(what + "read bytes").isEqualTo(delta(a, b, Field.READ_BYTES));
      assertThat(m.get("write_bytes_total") - m1.get("write_bytes_total")).as(what + "write bytes")
          .isEqualTo(delta(a, b, Field.WRITE_BYTES));
    }
    // the burner did burn: the comparison of CPU is not a comparison of zeros
    ProcessSample burner = second.get(watched.get(3).pid());
    assertThat(delta(first.get(watched.get(3).pid()), burner, Field.CPU_TOTAL)).isGreaterThan(100_000_000L);
    assertThat(burner.cpuPercent().getAsDouble()).isGreaterThan(0.0);
  }

  /**
   * A multithreaded process's switches are summed over its living threads, so the sum goes down when a thread
   * ends between two readings (a JVM's compiler threads come and go). The exporter subtracts its two sums as
   * unsigned 64-bit numbers: its increase then wraps to about 2^64 (seen: 1.8446744073709552E19 where the sum fell
   * by 7). Equal otherwise.
   */
  private static void assertSwitches(String what, double exporterIncrease, double ourIncrease) {
    if (ourIncrease < 0) {
      assertThat(exporterIncrease).as("%s: our sum fell by %s (a thread ended); the exporter's unsigned difference wraps",
          what, -ourIncrease).isGreaterThan(0x1p63);
    } else {
      assertThat(exporterIncrease).as(what).isEqualTo(ourIncrease);
    }
  }

  private static double delta(ProcessSample a, ProcessSample b, Field f) {
    return b.get(f) - a.get(f);
  }

  private Map<Long, ProcessSample> sampleAll(List<Process> watched, Map<Long, ProcessSample> previous) {
    Map<Long, ProcessSample> out = new HashMap<>();
    for (Process p : watched) {
      ProcessSample s = sampler.sampleTree(p.pid(), ProcessSampler.DEFAULT_FIELDS, previous == null ? null : previous.get(p.pid()));
      assertThat(s.vanished()).isFalse();
      out.put(p.pid(), s);
    }
    return out;
  }

  private static void freezeAll(List<Process> watched) throws Exception {
    for (Process p : watched) {
      for (ProcessHandle h : p.toHandle().descendants().toList()) {
        RealProcs.freeze(h.pid());
      }
      RealProcs.freeze(p.pid());
    }
  }

  private static void thawAll(List<Process> watched) throws Exception {
    for (Process p : watched) {
      RealProcs.signal(p.pid(), "CONT");
      for (ProcessHandle h : p.toHandle().descendants().toList()) {
        RealProcs.signal(h.pid(), "CONT");
      }
    }
  }

  /** Group name to {@code metric{other labels}} (without the prefix and groupname) to value. */
  static Map<String, Map<String, Double>> scrape(HttpClient http, URI uri) throws Exception {
    String body = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (body == null) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("namedprocess_namegroup_num_procs")) {
          body = r.body();
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (body == null) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the exporter published no group within 30 s");
        }
        Thread.sleep(100);
      }
    }
    Map<String, Map<String, Double>> groups = new TreeMap<>();
    for (String line : body.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String name = m.group(1).substring("namedprocess_namegroup_".length());
      Map<String, String> labels = new LinkedHashMap<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      String group = labels.remove("groupname");
      if (group == null || labels.containsKey("threadname")) {
        continue;
      }
      StringBuilder key = new StringBuilder(name);
      if (!labels.isEmpty()) {
        key.append('{');
        labels.forEach((k, v) -> key.append(key.charAt(key.length() - 1) == '{' ? "" : ",").append(k).append('=').append(v));
        key.append('}');
      }
      groups.computeIfAbsent(group, g -> new TreeMap<>()).put(key.toString(), Double.parseDouble(m.group(3)));
    }
    return groups;
  }
}
