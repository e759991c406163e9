package io.github.vigil.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * On the portable JDK backend, which cannot tell who holds a socket: a port named by an
 * {@code Address already in use} line is still found in use (by connecting, never binding) and the fix
 * says how to find its holder; a declared configuration check runs and its failure comes first.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(60)
class JdkBackendDiagnosisTest {

  @Test
  void aPortInUseIsFoundWithoutKnowingItsHolder() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Supervisor supervisor = Supervisor.builder().name("jdk-diagnosis").backend("jdk").build()) {
      int port = held.getLocalPort();
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && d.process().equals("web")) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("web")
          .command("/bin/sh", "-c", "echo \"listen tcp 127.0.0.1:" + port + ": bind: address already in use\" >&2; exit 1")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      Diagnosis d = diagnosed.get(30, TimeUnit.SECONDS);
      Finding first = d.findings().get(0);
      assertThat(first.check()).as(d.render()).isEqualTo(Finding.Check.PORTS);
      assertThat(first.certainty()).isEqualTo(Finding.Certainty.CONFIRMED);
      assertThat(first.summary()).contains("port " + port, "cannot tell which");
      assertThat(first.fix()).contains("ss -ltnp 'sport = :" + port + "'");
      assertThat(d.trigger()).isEqualTo(Diagnosis.Trigger.EARLY_EXIT);
    }
  }

  @Test
  void aFailingConfigurationCheckComesFirst() throws Exception {
    try (Supervisor supervisor = Supervisor.builder().name("jdk-config").backend("jdk").build()) {
      supervisor.register(ProcessSpec.builder("conf").command("/bin/sh", "-c", "exec sleep 600").startupGrace(Duration.ZERO)
          .diagnosis(DiagnosisSpec.builder().configCheck(Duration.ofSeconds(10), "/bin/sh", "-c",
              "echo 'conf: line 3: unknown key \"venu\" in /etc/feed.conf' >&2; exit 2").build()).build());
      supervisor.controller("conf").orElseThrow().start(Duration.ofSeconds(30));
      Diagnosis d = supervisor.controller("conf").orElseThrow().diagnose().get(30, TimeUnit.SECONDS);
      Finding first = d.findings().get(0);
      assertThat(first.check()).as(d.render()).isEqualTo(Finding.Check.CONFIGURATION);
      assertThat(first.summary()).contains("failed (exit code 2)", "unknown key \"venu\" in /etc/feed.conf");
      assertThat(first.fix()).contains("/etc/feed.conf");
      assertThat(supervisor.controller("conf").orElseThrow().lastDiagnosis()).contains(d);
    }
  }

  /**
   * A configuration check's bare program is found on the {@code PATH} the process's spec sets, as the process's own
   * program is (and an exec health check's): it was looked for on this JVM's, and the check "could not be started".
   */
  @Test
  void aConfigurationChecksProgramIsFoundOnTheProcesssPath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path bin = java.nio.file.Files.createDirectory(dir.resolve("bin"));
    String program = "feed-config-check-" + java.util.concurrent.ThreadLocalRandom.current().nextInt(100000, 999999);
    java.nio.file.Files.writeString(bin.resolve(program), "#!/bin/sh\necho 'feed.conf: ok'\n");
    java.nio.file.Files.setPosixFilePermissions(bin.resolve(program), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Supervisor supervisor = Supervisor.builder().name("jdk-config-path").backend("jdk").build()) {
      supervisor.register(ProcessSpec.builder("conf").command("/bin/sh", "-c", "exec sleep 600").startupGrace(Duration.ZERO)
          .env("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"))
          .diagnosis(DiagnosisSpec.builder().configCheck(Duration.ofSeconds(10), program).build()).build());
      supervisor.controller("conf").orElseThrow().start(Duration.ofSeconds(30));
      Diagnosis d = supervisor.controller("conf").orElseThrow().diagnose().get(30, TimeUnit.SECONDS);
      assertThat(d.findings()).as(d.render())
          .anyMatch(f -> f.check() == Finding.Check.CONFIGURATION && f.summary().startsWith("configuration check `" + program + "` passed"));
    }
  }

  /**
   * A configuration check that starts something in the background and exits leaves nothing running once the diagnosis
   * is made: its background sleep ran on for its ten minutes (found by a black-box run). On Linux, where util-linux
   * {@code setsid} runs the check in a session of its own.
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void whatAConfigurationCheckLeavesRunningIsKilled(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/setsid"))
        || java.nio.file.Files.isExecutable(java.nio.file.Path.of("/bin/setsid")), "no util-linux setsid here");
    java.nio.file.Path pidFile = dir.resolve("leftover.pid");
    long leftover = -1;
    try (Supervisor supervisor = Supervisor.builder().name("jdk-config-leftover").backend("jdk").build()) {
      supervisor.register(ProcessSpec.builder("conf").command("/bin/sh", "-c", "exec sleep 600").startupGrace(Duration.ZERO)
          .diagnosis(DiagnosisSpec.builder().configCheck(Duration.ofSeconds(10), "/bin/sh", "-c",
              "sleep 600 & echo $! > '" + pidFile + "'; echo 'config ok'").build()).build());
      supervisor.controller("conf").orElseThrow().start(Duration.ofSeconds(30));
      Diagnosis d = supervisor.controller("conf").orElseThrow().diagnose().get(30, TimeUnit.SECONDS);
      assertThat(d.findings()).as(d.render()).anyMatch(f -> f.check() == Finding.Check.CONFIGURATION && f.summary().contains("passed"));
      leftover = Long.parseLong(java.nio.file.Files.readString(pidFile).trim());
      long pid = leftover;
      assertThat(io.github.vigil.testing.Processes.eventually(Duration.ofSeconds(10), () -> !runs(pid)))
          .as("the check's background sleep %d runs on after the diagnosis", pid).isTrue();
    } finally {
      if (leftover > 0) {
        ProcessHandle.of(leftover).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** Whether {@code pid} runs: not gone, and not a zombie that its parent has yet to reap. */
  private static boolean runs(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /**
   * A script that stops because a variable is not set says so on stderr in words no error pattern knows
   * ({@code VAR: parameter not set}, {@code VAR: is not set}): the diagnosis told to "read the highlighted output
   * lines" and showed none, its output finding "ok" (found by a black-box run).
   */
  @Test
  void theLastStderrLinesOfAFailedRunAreShownWhenNoneLooksLikeAnError() throws Exception {
    try (Supervisor supervisor = Supervisor.builder().name("jdk-unset").backend("jdk").build()) {
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && d.process().equals("needs-key")) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("needs-key")
          .command("/bin/sh", "-c", "echo 'starting feed' >&2; echo 'VIGIL_TEST_API_KEY: is not set' >&2; exit 2")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      Diagnosis d = diagnosed.get(30, TimeUnit.SECONDS);
      Finding output = d.findings().stream().filter(f -> f.check() == Finding.Check.OUTPUT).findFirst().orElseThrow();
      assertThat(output.isProblem()).as(d.render()).isTrue();
      assertThat(output.certainty()).isEqualTo(Finding.Certainty.POSSIBLE);
      assertThat(output.summary()).contains("VIGIL_TEST_API_KEY: is not set");
      assertThat(output.evidence()).containsExactly("stderr: starting feed", "stderr: VIGIL_TEST_API_KEY: is not set");
    }
  }

  /**
   * A Python traceback ends with the exception's name and message ({@code json.decoder.JSONDecodeError: Expecting
   * value}), a Java one starts with it ({@code java.lang.IllegalStateException: ...}): none of these words stood alone as
   * "error" or "exception", so the output finding showed "Traceback (most recent call last):" as the line that "usually
   * names what it could not do" and left out the one that did (found by a black-box run).
   */
  @Test
  void exceptionLinesOfPythonAndJavaAreHighlighted() throws Exception {
    try (Supervisor supervisor = Supervisor.builder().name("jdk-traceback").backend("jdk").build()) {
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && d.process().equals("traceback")) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("traceback")
          .command("/bin/sh", "-c", "echo 'Traceback (most recent call last):' >&2; echo '  File \"feed.py\", line 3, in <module>' >&2;"
              + " echo 'java.lang.IllegalStateException: venue XLON not configured' >&2;"
              + " echo 'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)' >&2; exit 1")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      Diagnosis d = diagnosed.get(30, TimeUnit.SECONDS);
      Finding output = d.findings().stream().filter(f -> f.check() == Finding.Check.OUTPUT).findFirst().orElseThrow();
      assertThat(output.summary()).as(d.render()).endsWith("stderr: json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)");
      assertThat(output.evidence()).containsExactly("stderr: Traceback (most recent call last):",
          "stderr: java.lang.IllegalStateException: venue XLON not configured",
          "stderr: json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)");
    }
  }

  /**
   * A run whose memory limit is too small for its start (here {@code ulimit -v}, an address-space limit its command
   * sets) fails to allocate and says so: the limits finding said "no limit hit shows in its exit or output", and on the
   * Linux backend "no memory, process or descriptor limit was hit" (found by a black-box run).
   */
  @Test
  void aFailedAllocationIsAMemoryLimitFinding() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3")), "no python3 here");
    try (Supervisor supervisor = Supervisor.builder().name("jdk-nomem").backend("jdk").build()) {
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && d.process().equals("pricer")) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("pricer")
          .command("/bin/sh", "-c", "ulimit -v 100000; exec /usr/bin/python3 -c 'curve = bytearray(512 << 20)'")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      Diagnosis d = diagnosed.get(30, TimeUnit.SECONDS);
      Finding first = d.findings().get(0);
      assertThat(first.check()).as(d.render()).isEqualTo(Finding.Check.LIMITS);
      assertThat(first.isProblem()).isTrue();
      assertThat(first.summary()).contains("memory", "MemoryError");
      assertThat(first.evidence()).contains("MemoryError");
      assertThat(first.fix()).contains("pricer", "ulimit -v");
    }
  }

  /**
   * A run that says why it stops on stderr and exits 1: the exit code and the line are both possible causes, and the
   * exit code came first, so the headline was "the run ended ERROR_EXIT (exit code 1) ...: read the highlighted output
   * lines" and never the line (found by a black-box run).
   */
  @Test
  void theLineThatSaysWhyHeadsTheDiagnosisBeforeTheExitCode() throws Exception {
    try (Supervisor supervisor = Supervisor.builder().name("jdk-says-why").backend("jdk").build()) {
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && d.process().equals("orders")) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("orders")
          .command("/bin/sh", "-c", "echo 'FATAL: cannot log on to venue XLON: invalid credentials for account001' >&2; exit 1")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      Diagnosis d = diagnosed.get(30, TimeUnit.SECONDS);
      assertThat(d.cause()).as(d.render()).get().extracting(Finding::check).isEqualTo(Finding.Check.OUTPUT);
      assertThat(d.headline()).contains("FATAL: cannot log on to venue XLON: invalid credentials for account001");
      assertThat(d.problems()).extracting(Finding::check).contains(Finding.Check.EXIT);
    }
  }

  /**
   * A program that is a symbolic link to nothing (an upgrade that removed the version it pointed at): the fix said to
   * install it at the link's own path, which would replace the link, and the summary did not say it was a link (found
   * by a black-box run).
   */
  @Test
  void aDanglingLinkNamesWhereItPoints(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path bin = java.nio.file.Files.createDirectory(dir.resolve("bin"));
    java.nio.file.Path link = java.nio.file.Files.createSymbolicLink(bin.resolve("quote-feed"), java.nio.file.Path.of("../releases/2.4.1/quote-feed"));
    try (Supervisor supervisor = Supervisor.builder().name("jdk-dangling").backend("jdk").build()) {
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && d.process().equals("feed")) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("feed").command(link.toString()).restartPolicy(RestartPolicy.never()).build()).start();
      Diagnosis d = diagnosed.get(30, TimeUnit.SECONDS);
      Finding first = d.findings().get(0);
      java.nio.file.Path target = dir.resolve("releases/2.4.1/quote-feed");
      assertThat(first.check()).as(d.render()).isEqualTo(Finding.Check.PROGRAM);
      assertThat(first.summary()).contains("symbolic link to " + target);
      assertThat(first.fix()).startsWith("install it at " + target).contains("correct the link " + link);
    }
  }

  /** A JVM that cannot start a thread says OutOfMemoryError, but what it hit is a process or thread limit, not memory. */
  @Test
  void aJvmThatCannotStartAThreadHitAProcessLimitNotMemory() throws Exception {
    try (Supervisor supervisor = Supervisor.builder().name("jdk-nothread").backend("jdk").build()) {
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && d.process().equals("risk")) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("risk")
          .command("/bin/sh", "-c", "echo 'Exception in thread \"main\" java.lang.OutOfMemoryError: unable to create native thread: "
              + "possibly out of memory or process/resource limits reached' >&2; exit 1")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      Diagnosis d = diagnosed.get(30, TimeUnit.SECONDS);
      Finding first = d.findings().get(0);
      assertThat(first.check()).as(d.render()).isEqualTo(Finding.Check.LIMITS);
      assertThat(first.summary()).contains("process limit");
      assertThat(d.findings()).noneMatch(f -> f.summary().contains("memory could not be allocated"));
    }
  }

  /**
   * A start that failed for its missing program or working directory: the diagnosis listed that finding, then restated
   * it as a second problem, "exit: the run could not be started: ..." (found by a black-box run). The start failure's
   * message is the cause's evidence instead, and no EXIT problem follows it.
   */
  @Test
  void aStartFailureExplainedByTheProgramOrWorkingDirectoryIsNotRestatedAsAnExitProblem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    try (Supervisor supervisor = Supervisor.builder().name("jdk-start-failed").backend("jdk").build()) {
      java.util.Map<String, CompletableFuture<Diagnosis>> diagnosed = new java.util.concurrent.ConcurrentHashMap<>();
      diagnosed.put("no-binary", new CompletableFuture<>());
      diagnosed.put("no-workdir", new CompletableFuture<>());
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && diagnosed.containsKey(d.process())) {
          diagnosed.get(d.process()).complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("no-binary").command(dir.resolve("bin/quote-feed").toString(), "--venue", "XLON")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      supervisor.register(ProcessSpec.builder("no-workdir").command("/bin/sh", "-c", "exit 0").workingDirectory(dir.resolve("var/run/feed"))
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      for (java.util.Map.Entry<String, Finding.Check> c : java.util.Map.of("no-binary", Finding.Check.PROGRAM,
          "no-workdir", Finding.Check.WORKING_DIRECTORY).entrySet()) {
        Diagnosis d = diagnosed.get(c.getKey()).get(30, TimeUnit.SECONDS);
        assertThat(d.trigger()).as(d.render()).isEqualTo(Diagnosis.Trigger.START_FAILED);
        assertThat(d.cause().orElseThrow().check()).as(d.render()).isEqualTo(c.getValue());
        assertThat(d.problems()).as(d.render()).extracting(Finding::check).doesNotContain(Finding.Check.EXIT);
        assertThat(d.cause().orElseThrow().evidence()).as(d.render()).contains("the start failed: " + d.exit().message());
      }
    }
  }

  @Test
  void aFailedRunThatPrintedNothingIsNotToldToReadHighlightedLines() throws Exception {
    try (Supervisor supervisor = Supervisor.builder().name("jdk-silent").backend("jdk").build()) {
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && d.process().equals("silent")) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("silent").command("/bin/sh", "-c", "exit 3")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      Diagnosis d = diagnosed.get(30, TimeUnit.SECONDS);
      Finding exit = d.findings().stream().filter(f -> f.check() == Finding.Check.EXIT).findFirst().orElseThrow();
      assertThat(exit.isProblem()).as(d.render()).isTrue();
      assertThat(exit.fix()).doesNotContain("highlighted").contains("printed nothing");
    }
  }

  /**
   * A script without a #! line that runs (the JDK, as execvp does, hands what the kernel will not execute to
   * /bin/sh): the on-demand diagnosis of its living run said "neither an ELF binary nor a #! script (exec format
   * error)", a likely problem, beside the run it had (found by a black-box run).
   */
  @Test
  void aRunningScriptWithoutAShebangIsNoExecFormatError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path script = dir.resolve("no-shebang");
    java.nio.file.Files.writeString(script, "echo started\nexec sleep 600\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    try (Supervisor supervisor = Supervisor.builder().name("jdk-noshebang").backend("jdk").build()) {
      supervisor.register(ProcessSpec.builder("plain").command(script.toString()).startupGrace(Duration.ZERO).build());
      supervisor.controller("plain").orElseThrow().start(Duration.ofSeconds(30));
      Diagnosis d = supervisor.controller("plain").orElseThrow().diagnose().get(30, TimeUnit.SECONDS);
      Finding program = d.findings().stream().filter(f -> f.check() == Finding.Check.PROGRAM).findFirst().orElseThrow();
      assertThat(program.isProblem()).as(d.render()).isFalse();
    }
  }

  /**
   * A relative writable directory or configuration file is checked where the process finds it, in its working
   * directory: it was judged against this JVM's working directory, and a directory the process had was reported
   * missing (found by a black-box run).
   */
  @Test
  void relativeDeclaredPathsAreCheckedInTheProcesssWorkingDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String logs = "vigil-logs-" + System.nanoTime();
    String conf = "vigil-app-" + System.nanoTime() + ".conf";
    java.nio.file.Files.createDirectory(dir.resolve(logs));
    java.nio.file.Files.writeString(dir.resolve(conf), "key = value\n");
    assertThat(java.nio.file.Path.of(logs)).as("not in this JVM's working directory").doesNotExist();
    try (Supervisor supervisor = Supervisor.builder().name("jdk-relative").backend("jdk").build()) {
      supervisor.register(ProcessSpec.builder("writer").command("/bin/sh", "-c", "exec sleep 600").workingDirectory(dir)
          .startupGrace(Duration.ZERO)
          .diagnosis(DiagnosisSpec.builder().writableDirectory(java.nio.file.Path.of(logs)).configFile(java.nio.file.Path.of(conf)).build())
          .build());
      supervisor.controller("writer").orElseThrow().start(Duration.ofSeconds(30));
      Diagnosis d = supervisor.controller("writer").orElseThrow().diagnose().get(30, TimeUnit.SECONDS);
      java.util.List<Finding> files = d.findings().stream().filter(f -> f.check() == Finding.Check.FILES).toList();
      assertThat(files).as(d.render()).hasSize(2).noneMatch(Finding::isProblem);
      assertThat(files).extracting(Finding::summary).as(d.render()).anySatisfy(x -> assertThat(x).contains("directory " + dir.resolve(logs) + " is writable"))
          .anySatisfy(x -> assertThat(x).contains("configuration file " + dir.resolve(conf) + " is readable"));
    }
  }
}
