package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Backoff;
import io.github.vigil.ExitCause;
import io.github.vigil.HealthCheck;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.PostgresServer;
import io.github.vigil.testing.EventRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end on real processes and the Linux backend: an OOM kill in a 64 MiB memory limit, a SIGSEGV with a
 * core dump, a manual restart by a named actor and a restart by a failing liveness check go through the
 * journal into SQLite and into a real PostgreSQL, and {@code vigil restarts} / {@code vigil crash} name each
 * cause, read while the gateway (the supervisor and its journal) is still running.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(300)
class EndToEndLinuxTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static PostgresServer postgres;

  @TempDir
  Path dir;

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  void everyCauseIsNamedByTheCli(String db) throws Exception {
    String url;
    if (db.equals("sqlite")) {
      url = "jdbc:sqlite:" + dir.resolve("state/journal.db");
    } else {
      assumeTrue(PostgresServer.unavailableReason().isEmpty(), () -> PostgresServer.unavailableReason().get());
      if (postgres == null) {
        postgres = PostgresServer.start("e2e");
      }
      url = postgres.url();
    }
    String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).trim();
    Path segvDir = Files.createDirectories(dir.resolve("segv"));
    String host = "e2e-" + db;
    RestartPolicy once = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100))).withStartLimit(1, Duration.ofMinutes(5));
    try (Supervisor sup = Supervisor.builder().name("e2e-" + db).backend("linux").build();
        Journal journal = Journal.builder().url(url).host(host).batchInterval(Duration.ofMillis(200)).snapshotInterval(Duration.ofMillis(500))
            .build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      // dash keeps a command substitution's output in memory: 512 MiB of it outgrows the 64 MiB limit
      ProcessController hog = sup.register(ProcessSpec.builder("hog")
          .command("/bin/sh", "-c", "echo 'hog: filling memory' >&2; x=$(head -c 536870912 /dev/zero | tr '\\0' a); echo survived")
          .label("vigil.linux.memory.max", "64M").restartPolicy(once).startupGrace(Duration.ofMillis(100)).build());
      ProcessController segv = sup.register(ProcessSpec.builder("segv")
          .command("/bin/sh", "-c", "ulimit -S -c unlimited; echo 'segv: about to crash' >&2; sleep 0.5; kill -SEGV $$; sleep 10")
          .workingDirectory(segvDir).restartPolicy(once).startupGrace(Duration.ofMillis(100)).build());
      ProcessController manual = sup.register(ProcessSpec.builder("manual").command("sleep", "600").startupGrace(Duration.ofMillis(100)).build());
      ProcessController health = sup.register(ProcessSpec.builder("health").command("sleep", "600").restartPolicy(once)
          .startupGrace(Duration.ofMillis(100)).healthCheck(HealthCheck.exec("/bin/sh", "-c", "test -e " + dir.resolve("never"))
              .name("liveness").interval(Duration.ofMillis(500)).timeout(Duration.ofMillis(500)).failureThreshold(2).build())
          .build());
      hog.start();
      segv.start();
      manual.start(WAIT);
      health.start();
      ExitCause first = events.await(SupervisorEvent.Exited.class, e -> e.process().equals("hog"), 1, WAIT).get(0).exit().cause();
      assumeTrue(first == ExitCause.OOM_KILLED, "no memory cgroup to limit the hog in here (it ended with " + first + ")");
      events.await(SupervisorEvent.Failed.class, e -> e.process().equals("hog"), 1, WAIT);
      events.await(SupervisorEvent.Failed.class, e -> e.process().equals("segv"), 1, WAIT);
      journal.restart(manual, "alice", "end-to-end test").toCompletableFuture().get();
      events.await(SupervisorEvent.RestartScheduled.class, e -> e.process().equals("health"), 1, WAIT);
      events.awaitState("health", ProcessState.RUNNING, 2, WAIT);
      assertThat(sup.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();

      // the gateway is still running: the CLI reads beside the writer
      assertRestart(url, host, "hog", "OOM_KILL", "OOM kill");
      assertRestart(url, host, "segv", "SIGNAL", "SIGSEGV");
      String manualJson = assertRestart(url, host, "manual", "MANUAL", "by alice: end-to-end test");
      assertThat(manualJson).contains("\"actor\": \"alice\"");
      assertRestart(url, host, "health", "HEALTH", "health check");
      String hogJson = cli(url, host, "restarts", "hog", "--period", "1h", "--json");
      assertThat(hogJson).contains("\"memoryLimitBytes\": 67108864").contains("hog: filling memory");

      String crash = cli(url, host, "crash", "segv", "--last", "--color", "never");
      assertThat(crash).contains("SIGSEGV (11): segmentation fault", "segv: about to crash");
      if (pattern.equals("core")) {
        assertThat(crash).contains(segvDir.resolve("core").toString());
        assertThat(crash).contains("(present)");
      }
      // periodic snapshots read /proc through the Linux sampler: the sleeping "manual" has a pid and resident memory
      try (io.github.vigil.journal.JournalReader reader = io.github.vigil.journal.JournalReader.open(url, host)) {
        List<io.github.vigil.journal.JournalSnapshot> snaps = reader.snapshots("manual", java.time.Instant.EPOCH,
            java.time.Instant.now().plusSeconds(60), 100);
        assertThat(snaps).isNotEmpty().anySatisfy(x -> {
          assertThat(x.state()).isEqualTo("RUNNING");
          assertThat(x.pid()).isPositive();
          assertThat(x.memoryBytes()).isPositive();
          assertThat(x.checkMs()).isNotNull();
        });
      }
      String status = cli(url, host, "status", "--color", "never");
      assertThat(status).contains("manual", "RUNNING");
      assertThat(cliCode(url, host, "status")).as("hog and segv are FAILED").isEqualTo(VigilCli.ATTENTION);
    }
    // and with the gateway gone
    assertRestart(url, host, "segv", "SIGNAL", "SIGSEGV");
  }

  private static String assertRestart(String url, String host, String process, String cause, String text) {
    String json = cli(url, host, "restarts", process, "--period", "1h", "--json");
    assertThat(json).as(process).contains("\"cause\": \"" + cause + "\"");
    String table = cli(url, host, "restarts", process, "--period", "1h", "--color", "never");
    assertThat(table).as(process).contains(text);
    return json;
  }

  private static String cli(String url, String host, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = CliGoldenTest.fixedWidth(args);
    all.addAll(List.of("--journal", url, "--host", host));
    int code = VigilCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as("%s: %s", all, err).isIn(VigilCli.OK, VigilCli.ATTENTION);
    return out.toString();
  }

  private static int cliCode(String url, String host, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--journal", url, "--host", host));
    return VigilCli.run(all.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
  }
}
