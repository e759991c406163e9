package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.diagnosis.Diagnosis;
import io.github.vigil.diagnosis.DiagnosisSpec;
import io.github.vigil.diagnosis.Finding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LD_PRELOAD} naming a library the loader cannot load, in the environment of a check's command (an exec health
 * check's, a diagnosis's configuration check's): the check runs through util-linux {@code setsid}, an exec of its own,
 * so the loader's {@code ERROR: ld.so:} line was in its output twice (for setsid, then for the program), and a failed
 * configuration check's headline took that line for the check's first error. The program alone gets the loader
 * variables now, as the backends give them (the JDK backend's {@code JdkLoaderVariablesTest}).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class CheckLoaderVariablesTest {
  private static final String LIB = "/nonexistent.so";

  private static void assumeSetsid() {
    assumeTrue(CheckProcesses.SETSID != null, "no util-linux setsid and /proc here: a check's command is one exec");
  }

  /** An exec health check's command as HealthExecutor starts it, with LD_PRELOAD in its environment. */
  @Test
  void aCheckCommandsOutputHasTheLoadersLineOnce(@TempDir Path dir) throws Exception {
    assumeSetsid();
    Path out = dir.resolve("check.out");
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "echo \"preload=$LD_PRELOAD\"; exit 1").redirectErrorStream(true)
        .redirectOutput(out.toFile());
    pb.environment().put("LD_PRELOAD", LIB);
    CheckCommand check = CheckCommand.start(pb, null);
    assertThat(check.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    check.killTree();
    String text = Files.readString(out);
    assertThat(check.process().exitValue()).as(text).isEqualTo(1);
    assertThat(loaderLines(text)).as("ERROR: ld.so: lines in the check's output:%n%s", text).isEqualTo(1);
    assertThat(text).as("the program's LD_PRELOAD").contains("preload=" + LIB + "\n");
    assertThat(pb.environment()).as("the caller's builder as it was").containsEntry("LD_PRELOAD", LIB);
    assertThat(pb.command()).containsExactly("/bin/sh", "-c", "echo \"preload=$LD_PRELOAD\"; exit 1");
  }

  /**
   * An exec health check, end to end: its environment is the process's, which inherits this JVM's, so a JVM started
   * with LD_PRELOAD (a profiler, an allocator, here one the loader cannot load) gives it to its checks. A child JVM supervises a sleep with a failing
   * exec check and prints each result's message; the check's output is in it.
   */
  @Test
  void anExecHealthChecksResultHasTheLoadersLineOnce() throws Exception {
    assumeSetsid();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp",
        System.getProperty("java.class.path"), HealthCheckMain.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("LD_PRELOAD", LIB);
    Process child = pb.start();
    try {
      String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as(out).isZero();
      java.util.List<String> results = out.lines().filter(l -> l.startsWith("RESULT ")).toList();
      assertThat(results).as(out).isNotEmpty().allSatisfy(r -> assertThat(r).contains("checked feed"));
      assertThat(results).as("ERROR: ld.so: lines in each check's output:%n%s", out).allSatisfy(r -> assertThat(occurrences(r, "ERROR: ld.so:")).isEqualTo(1));
    } finally {
      child.destroyForcibly();
    }
  }

  /**
   * The child JVM of {@link #anExecHealthChecksResultHasTheLoadersLineOnce}: a sleep with a failing exec check, 3 results.
   * The check's timeout is its interval: 1.5 s, so that a JVM and a shell started on a loaded machine still answer
   * in time (200 ms timed out in a suite run beside four builds, load 13).
   */
  public static final class HealthCheckMain {
    public static void main(String[] args) throws Exception {
      try (Supervisor sup = Supervisor.builder().name("check-loader-health").backend("jdk").build()) {
        io.github.vigil.ProcessController c = sup.register(ProcessSpec.builder("feed").command("/bin/sleep", "600").startupGrace(Duration.ZERO)
            .healthCheck(io.github.vigil.HealthCheck.exec("/bin/sh", "-c", "echo \"checked $VIGIL_PROCESS\"; exit 1").interval(Duration.ofMillis(1500))
                .failureThreshold(100).action(io.github.vigil.HealthCheck.Action.NOTIFY).build()).build());
        c.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (c.health().checks().get(0).recent().size() < 3 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        for (io.github.vigil.CheckResult r : c.health().checks().get(0).recent()) {
          System.out.println("RESULT " + r.message().replace('\n', ' '));
        }
      }
    }
  }

  private static int occurrences(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  /** A configuration check run with the process's environment, LD_PRELOAD in it, that fails naming the line at fault. */
  @Test
  void aFailedConfigurationChecksHeadlineIsItsOwnError() throws Exception {
    assumeSetsid();
    try (Supervisor supervisor = Supervisor.builder().name("check-loader").backend("jdk").build()) {
      supervisor.register(ProcessSpec.builder("conf").command("/bin/sh", "-c", "exec sleep 600").env("LD_PRELOAD", LIB)
          .startupGrace(Duration.ZERO).diagnosis(DiagnosisSpec.builder().configCheck(Duration.ofSeconds(10), "/bin/sh", "-c",
              "echo 'conf: line 3: unknown key \"venu\" in /etc/feed.conf' >&2; exit 2").build()).build());
      supervisor.controller("conf").orElseThrow().start(Duration.ofSeconds(30));
      Diagnosis d = supervisor.controller("conf").orElseThrow().diagnose().get(30, TimeUnit.SECONDS);
      Finding first = d.findings().get(0);
      assertThat(first.check()).as(d.render()).isEqualTo(Finding.Check.CONFIGURATION);
      assertThat(loaderLines(String.join("\n", first.evidence()))).as("ERROR: ld.so: lines in the check's output:%n%s", d.render()).isEqualTo(1);
      assertThat(first.summary()).as(d.render()).contains("failed (exit code 2)", "unknown key \"venu\" in /etc/feed.conf").doesNotContain("ld.so");
      assertThat(first.fix()).as(d.render()).contains("/etc/feed.conf").doesNotContain("ld.so");
    }
  }

  private static long loaderLines(String text) {
    return text.lines().filter(l -> l.contains("ERROR: ld.so:")).count();
  }
}
