package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.Processes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 items 12 and 13 side by side with a live process-exporter (Debian's 0.7.10): a wrapper that
 * starts a CPU-burning child again and again (each child ends and is replaced, so the tree's sum does not
 * go down when one ends), and that leaves an unreaped zombie child behind. Each burner burns about 0.3 s and
 * then rests 1.5 s. The exporter is read every 100 ms, ours every second, so both see what each burner used
 * before it ends, and between two of our reads one ends while the next starts and burns. CPU seconds gained
 * over the churn agree with the kernel's account of the tree within 5 % and are not below the exporter's (which
 * misses what members shorter than its interval used; a tree's CPU counts reaped children's), minor faults with the kernel's within
 * 1 % (a tree's faults count reaped children's too, once: read every second or every 100 ms alike) and not below the
 * exporter's (which reads minflt of the processes it sees, and misses members shorter than its interval), the process count exactly, and the
 * tree's proportional memory with the exporter's within 5 % (it was NaN with a zombie member, then stale).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ChurningTreeExporterTest {

  @Test
  void aChurningWrapperWithAZombieChildAgreesWithALiveExporter(@TempDir Path dir, TestReporter reporter) throws Exception {
    Optional<Path> binary = Optional.of(Path.of("/usr/bin/prometheus-process-exporter")).filter(Files::isExecutable);
    assumeTrue(binary.isPresent(), "prometheus-process-exporter is not installed (.ci/install.d/process-exporter installs it)");
    String comm = "vigilch-" + (100000 + new SplittableRandom().nextInt(900000));
    Path shell = dir.resolve(comm);
    Files.createSymbolicLink(shell, Path.of("/bin/sh").toRealPath());
    // a zombie child first ((exit 0) & never waited for: the wrapper only waits for each burner by pid), then
    // 6 burners of about 0.4 s of CPU each, one after the other, then a quiet wait
    String script = "(exit 0) & exec 3<>\"$1/go\" 4<>\"$1/park\"; read x <&3; "
        + "n=0; while [ $n -lt 6 ]; do sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 1.5' & wait $!; n=$((n+1)); done; "
        + ": > \"$1/done\"; read y <&4";
    new ProcessBuilder("mkfifo", dir.resolve("go").toString(), dir.resolve("park").toString()).start().waitFor();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process exporter = null;
    FakeTicker ticker = new FakeTicker();
    try (Supervisor supervisor = LinuxSupervisors.linux("churn-compat")) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(MetricNaming.PROCESS_EXPORTER).ticker(ticker).build()) {
        metrics.bindTo(registry);
        ProcessController wrapper = supervisor.register(ProcessSpec.builder(comm)
            .command(shell.toString(), "-c", script, "sh", dir.toString()).startupGrace(Duration.ZERO).build());
        wrapper.start(Duration.ofSeconds(10));
        // the exporter starts once the wrapper runs under its final name: it matches a process by the name it
        // had when first seen (no -recheck), and the run is "sh" (Vigil's vigil-run wrapper) for the moment
        // before its exec; first seen then, the exporter would never count it (2 of 14 runs here, before this)
        long runPid = wrapper.status().pid();
        assertThat(Processes.eventually(Duration.ofSeconds(10), () -> {
          try {
            return Files.readString(Path.of("/proc/" + runPid + "/comm")).trim().equals(comm);
          } catch (java.io.IOException e) {
            return false;
          }
        })).isTrue();
        exporter = new ProcessBuilder(binary.get().toString(), "-web.listen-address", "127.0.0.1:" + port, "-procnames", comm)
            .redirectErrorStream(true).redirectOutput(dir.resolve("exporter.log").toFile()).start();
        assertThat(Processes.eventually(Duration.ofSeconds(15), () -> scrape(http, uri).isPresent())).isTrue();
        Map<String, String> group = Map.of("groupname", comm);
        Map<String, String> user = Map.of("groupname", comm, "mode", "user");
        assertThat(Processes.eventually(Duration.ofSeconds(15), () -> {
          ticker.advance(Duration.ofMinutes(1));
          return scrape(http, uri).map(t -> PromText.parse(t).value("namedprocess_namegroup_cpu_seconds_total", user).isPresent()).orElse(false)
              && !Double.isNaN(PromText.parse(registry.scrape()).value("namedprocess_namegroup_cpu_seconds_total", user).orElse(Double.NaN));
        })).as("both sides see the wrapper").isTrue();
        Thread.sleep(300); // quiet, waiting for go: both baselines are read at rest
        long wrapperPid = wrapper.status().pid();
        double kernelFirst = kernelUserSeconds(wrapperPid);
        double kernelSystemFirst = kernelSystemSeconds(wrapperPid);
        long kernelFaultsFirst = kernelMinorFaults(wrapperPid);
        PromText theirsFirst = PromText.parse(scrape(http, uri).orElseThrow());
        ticker.advance(Duration.ofMinutes(1));
        PromText oursFirst = PromText.parse(registry.scrape());
        Files.writeString(dir.resolve("go"), "go\n");
        // the exporter is read every 100 ms (what it needs to follow the churn: read every second it lost a fifth
        // here); ours every second, longer than a burn: one burner ends and the next starts and burns between two
        // of our reads, where summing the tree lost the ended one
        for (int tick = 0; !Files.exists(dir.resolve("done")); tick++) {
          scrape(http, uri).orElseThrow();
          if (tick % 10 == 0) {
            ticker.advance(Duration.ofMinutes(1));
            registry.scrape();
          }
          Thread.sleep(100);
        }
        PromText theirs;
        PromText ours;
        Thread.sleep(300); // parked
        theirs = PromText.parse(scrape(http, uri).orElseThrow());
        ticker.advance(Duration.ofMinutes(1));
        ours = PromText.parse(registry.scrape());

        double kernel = kernelUserSeconds(wrapperPid) - kernelFirst;
        double kernelSystem = kernelSystemSeconds(wrapperPid) - kernelSystemFirst;
        long kernelFaults = kernelMinorFaults(wrapperPid) - kernelFaultsFirst; // the tree's minflt + cminflt: every burner waited for
        StringBuilder report = new StringBuilder("kernel's account (utime + cutime of the wrapper): " + String.format("%.2f", kernel) + " s; ");
        double oursUser = ours.value("namedprocess_namegroup_cpu_seconds_total", user).orElseThrow()
            - oursFirst.value("namedprocess_namegroup_cpu_seconds_total", user).orElseThrow();
        assertThat(oursUser).as("user CPU gained against the kernel's own account of the tree; %s", report)
            .isCloseTo(kernel, org.assertj.core.api.Assertions.within(Math.max(0.05 * kernel, 0.03)));
        for (String mode : new String[] {"user", "system"}) {
          Map<String, String> labels = Map.of("groupname", comm, "mode", mode);
          double t = theirs.value("namedprocess_namegroup_cpu_seconds_total", labels).orElseThrow()
              - theirsFirst.value("namedprocess_namegroup_cpu_seconds_total", labels).orElseThrow();
          double o = ours.value("namedprocess_namegroup_cpu_seconds_total", labels).orElseThrow()
              - oursFirst.value("namedprocess_namegroup_cpu_seconds_total", labels).orElseThrow();
          double k = mode.equals("user") ? kernel : kernelSystem;
          report.append("cpu ").append(mode).append(": ours ").append(String.format("%.2f", o)).append(" s, exporter ")
              .append(String.format("%.2f", t)).append(" s, kernel ").append(String.format("%.2f", k)).append(" s; ");
          // the kernel's account of the tree is the reference; the exporter, which reads utime and stime of the
          // processes it sees, misses what members shorter than its 100 ms interval used (each burner's fork before
          // its exec, its sleep's start: system time mostly), which the wrapper's cutime and cstime hold
          assertThat(o).as("cpu %s gained over the churn against the kernel's account; so far %s", mode, report)
              .isCloseTo(k, org.assertj.core.api.Assertions.within(Math.max(0.05 * k, 0.03)));
          assertThat(o).as("cpu %s gained over the churn, not below the exporter's; so far %s", mode, report)
              .isGreaterThanOrEqualTo(t - Math.max(0.05 * t, 0.03));
        }
        double tf = theirs.value("namedprocess_namegroup_minor_page_faults_total", group).orElseThrow()
            - theirsFirst.value("namedprocess_namegroup_minor_page_faults_total", group).orElseThrow();
        double of = ours.value("namedprocess_namegroup_minor_page_faults_total", group).orElseThrow()
            - oursFirst.value("namedprocess_namegroup_minor_page_faults_total", group).orElseThrow();
        report.append("minor faults: ours ").append(of).append(", exporter ").append(tf).append(", kernel (minflt + cminflt of the tree) ")
            .append(kernelFaults).append("; ");
        // the kernel's account is the reference. Both reads of it are at rest (waiting for go, parked), and a tree's
        // faults add each member's cminflt, counting a member seen alive once when it is reaped: ours is the kernel's
        // whatever our interval (read every second; summing living members only, it once got 951 of 1052 under load).
        // The exporter reads only minflt of the processes it sees every 100 ms and so misses the faults of members
        // that lived less than that (each burner's fork before it execs, the zombie's subshell): it may count fewer
        // (883 against the kernel's 1046 once in CI), never more, and never more than ours
        assertThat(of).as("minor faults gained against the kernel's account; %s", report)
            .isCloseTo(kernelFaults, org.assertj.core.api.Assertions.within(Math.max(0.01 * kernelFaults, 5)));
        assertThat(tf).as("the exporter's minor faults cannot exceed the kernel's; %s", report)
            .isLessThanOrEqualTo(kernelFaults + Math.max(0.01 * kernelFaults, 5));
        assertThat(of).as("minor faults gained, not below the exporter's; %s", report)
            .isGreaterThanOrEqualTo(tf - Math.max(0.01 * tf, 5));
        assertThat(ours.value("namedprocess_namegroup_num_procs", group)).as("wrapper and its zombie")
            .isEqualTo(theirs.value("namedprocess_namegroup_num_procs", group));
        double pss = ours.value("namedprocess_namegroup_memory_bytes", Map.of("groupname", comm, "memtype", "proportionalResident")).orElseThrow();
        double theirPss = theirs.value("namedprocess_namegroup_memory_bytes", Map.of("groupname", comm, "memtype", "proportionalResident")).orElseThrow();
        report.append("Pss with a zombie member: ours ").append(pss).append(", exporter ").append(theirPss);
        // a small shell's Pss moves by a fifth as burners that share its pages come and go while its resident memory
        // stays put: the sampler's own re-read (every 10 s) served a Pss from while a burner lived (within 50 % only,
        // before). In this naming every sample reads the slow fields afresh (VigilMetrics.Builder.maxAge defaults to
        // the sample interval), so both read the parked wrapper and its zombie (which has no memory) alike
        assertThat(pss).as("the tree's Pss with a zombie member; %s", report).isNotNaN()
            .isCloseTo(theirPss, org.assertj.core.api.Assertions.within(Math.max(0.05 * theirPss, 16384)));
        reporter.publishEntry("churning wrapper against process-exporter", report.toString());
        org.slf4j.LoggerFactory.getLogger(ChurningTreeExporterTest.class).error("side by side: {}", report); // the README quotes it
        wrapper.stop(Duration.ofSeconds(10));
      }
    } finally {
      if (exporter != null) {
        exporter.destroy();
        if (!exporter.waitFor(10, TimeUnit.SECONDS)) {
          exporter.destroyForcibly().waitFor();
        }
      }
    }
  }

  /** utime + cutime of {@code pid} in seconds (fields 14 and 16 of its stat, at 100 ticks per second). */
  private static double kernelUserSeconds(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[13])) / 100.0;
  }

  /** The wrapper's system CPU and that of every child it waited for (stime + cstime, fields 15 and 17 of its stat). */
  private static double kernelSystemSeconds(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[12]) + Long.parseLong(f[14])) / 100.0;
  }

  /**
   * The kernel's account of the tree's minor faults: minflt + cminflt (fields 10 and 11 of stat) of the wrapper and of
   * each of its descendants (the zombie, until the wrapper's first wait reaps it along and it moves into the
   * wrapper's cminflt: counting the wrapper alone, that move read as 27 faults gained that no process took).
   */
  private static long kernelMinorFaults(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long sum = Long.parseLong(f[7]) + Long.parseLong(f[8]);
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        for (String child : Files.readString(task.resolve("children")).trim().split(" ")) {
          if (!child.isEmpty()) {
            sum += kernelMinorFaults(Long.parseLong(child));
          }
        }
      }
    }
    return sum;
  }

  private static Optional<String> scrape(HttpClient http, URI uri) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
