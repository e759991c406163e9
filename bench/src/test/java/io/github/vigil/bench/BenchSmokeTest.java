package io.github.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The smoke form of bench/run inside {@code mvn verify}: each harness runs with a few trials against real
 * processes (and supervisord and process-exporter where installed), and must produce well-formed figures for
 * every contender. It checks that the harnesses work, not how fast anything is (the full run is bench/run).
 */
@EnabledOnOs(OS.LINUX)
class BenchSmokeTest {

  private static void assertWellFormed(List<Row> rows, String comparison, Set<String> contenders) {
    assertThat(rows).as("rows of comparison %s", comparison).isNotEmpty();
    for (Row r : rows) {
      assertThat(r.comparison()).isEqualTo(comparison);
      assertThat(r.stats().wellFormed()).as("%s", r).isTrue();
      assertThat(Row.parse(r.toTsv()).toTsv()).as("TSV round trip of %s", r).isEqualTo(r.toTsv());
    }
    assertThat(rows.stream().map(Row::contender).collect(Collectors.toSet())).containsExactlyInAnyOrderElementsOf(contenders);
  }

  private static boolean supervisord() {
    return Supervisord.binary().isPresent();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void crashToRestartOfVigilOnBothBackends() throws Exception {
    List<Row> rows = BenchMain.run("1", true, List.of("vigil-linux", "vigil-linux-inline", "vigil-linux-spare", "vigil-jdk"));
    assertWellFormed(rows, "1", Set.of("vigil-linux", "vigil-linux-inline", "vigil-linux-spare", "vigil-jdk"));
    for (Row r : rows) {
      assertThat(r.stats().n()).isEqualTo(3);
      assertThat(r.stats().min()).as("%s: a restart takes time", r).isPositive();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void crashToRestartOfSupervisord() throws Exception {
    assumeTrue(supervisord(), "supervisord is not installed (.ci/install.d/supervisor installs it)");
    List<Row> rows = BenchMain.run("1", true, List.of("supervisord"));
    assertWellFormed(rows, "1", Set.of("supervisord"));
    assertThat(rows.get(0).stats().n()).isEqualTo(3);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void exitDetectionOfChildrenAndNonChildren() throws Exception {
    Set<String> all = Set.of("vigil-linux", "vigil-jdk", "process-onexit", "vigil-linux-running", "process-onexit-running", "vigil-attach",
        "pidfd-poll", "processhandle-onexit");
    List<Row> rows = BenchMain.run("2", true, List.copyOf(all));
    assertWellFormed(rows, "2", all);
    Map<String, String> metric = rows.stream().collect(Collectors.toMap(Row::contender, Row::metric));
    assertThat(metric).containsEntry("vigil-linux", "exit-detection-child").containsEntry("vigil-linux-running", "exit-detection-child")
        .containsEntry("process-onexit-running", "exit-detection-child").containsEntry("vigil-attach", "exit-detection-attached")
        .containsEntry("pidfd-poll", "exit-detection-attached")
        .containsEntry("processhandle-onexit", "exit-detection-attached");
    rows.forEach(r -> assertThat(r.stats().n()).isEqualTo(3));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void scaleOfVigilAndTheJdk() throws Exception {
    List<Row> rows = BenchMain.run("3", true, List.of("vigil-linux", "jdk-threads"));
    assertWellFormed(rows, "3", Set.of("vigil-linux", "jdk-threads"));
    assertThat(rows.stream().filter(r -> r.contender().equals("vigil-linux")).map(Row::metric))
        .containsExactlyInAnyOrder("threads", "heap-after-gc", "rss", "cpu", "cpu-mean", "sampling-cpu", "sampling-cpu-metrics",
            "sampling-cpu-stat");
    Row jdkThreads = rows.stream().filter(r -> r.contender().equals("jdk-threads") && r.metric().equals("threads")).findFirst().orElseThrow();
    assertThat(jdkThreads.stats().median()).as("the JDK's reaper threads for 20 children").isGreaterThanOrEqualTo(1);
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void scaleOfSupervisord() throws Exception {
    assumeTrue(supervisord(), "supervisord is not installed (.ci/install.d/supervisor installs it)");
    List<Row> rows = BenchMain.run("3", true, List.of("supervisord"));
    assertWellFormed(rows, "3", Set.of("supervisord"));
    assertThat(rows.stream().map(Row::metric)).containsExactlyInAnyOrder("threads", "rss", "cpu", "cpu-mean");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void samplingCostOfVigilOshiThePlainReaderAndTheExporter() throws Exception {
    boolean exporter = Files.isExecutable(SamplingCost.exporterBinary());
    List<Row> rows = BenchMain.run("4", true, null);
    assertWellFormed(rows, "4", exporter
        ? Set.of("vigil-no-pss", "vigil-default", "vigil-default-all-fresh", "vigil-oshi-fields", "vigil-oshi-fields-unkept", "oshi", "plain-reader", "process-exporter")
        : Set.of("vigil-no-pss", "vigil-default", "vigil-default-all-fresh", "vigil-oshi-fields", "vigil-oshi-fields-unkept", "oshi", "plain-reader"));
    for (Row r : rows) {
      if (r.metric().startsWith("alloc")) {
        assertThat(r.stats().min()).as("%s: sampling allocates something", r).isPositive();
      }
    }
    assertThat(rows.stream().map(Row::metric)).contains("time-per-process-20", "time-per-process-50", "alloc-per-process-50");
    assumeTrue(exporter, "prometheus-process-exporter is not installed (.ci/install.d/process-exporter installs it)");
    assertThat(rows.stream().filter(r -> r.contender().equals("process-exporter")).map(Row::metric))
        .containsExactlyInAnyOrder("cpu-per-process-20", "cpu-per-process-50");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void spawnAndReap() throws Exception {
    List<Row> rows = BenchMain.run("5", true, null);
    assertWellFormed(rows, "5", Set.of("vigil-linux", "vigil-linux-fresh", "vigil-linux-spare", "vigil-jdk", "processbuilder",
        "vigil-linux-spare-spaced", "processbuilder-spaced"));
    rows.stream().filter(r -> r.metric().equals("spawn-and-reap")).forEach(r -> assertThat(r.stats().n()).isEqualTo(20));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void idleWithMetricsBound() throws Exception {
    List<Row> rows = BenchMain.run("6", true, List.of("vigil-linux"));
    // the differences (above the JVM's floor, above its baseline heap) may be negative: the smoke form's 2 s floor
    // follows the JVM's start-up and its compilers; every other row is a measurement and well formed
    // so may the threads the JVM added: compiler threads it started at start-up can end during the run (-3 once in CI)
    Set<String> differences = Set.of("idle-cpu-above-floor", "heap-above-baseline", "threads");
    assertWellFormed(rows.stream().filter(r -> !differences.contains(r.metric())).toList(), "6", Set.of("vigil-linux"));
    rows.stream().filter(r -> differences.contains(r.metric())).forEach(r -> assertThat(Double.isFinite(r.stats().median())).as("%s", r).isTrue());
    assertThat(rows.stream().map(Row::metric))
        .containsExactlyInAnyOrder("idle-cpu", "idle-cpu-above-floor", "heap-above-baseline", "heap-after-gc", "threads");
    Row cpu = rows.stream().filter(r -> r.metric().equals("idle-cpu")).findFirst().orElseThrow();
    assertThat(cpu.stats().median()).as("the JVM used some CPU in the window").isPositive();
  }
}
