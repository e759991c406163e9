package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.diagnosis.Diagnosis;
import io.github.vigil.diagnosis.DiagnosisSpec;
import io.github.vigil.diagnosis.Finding;
import io.github.vigil.diagnosis.TreeMember;
import io.github.vigil.testing.EventRecorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A diagnosis never blocks or delays supervision: a declared configuration check that hangs holds
 * only a diagnosis thread while the process is restarted and given up on, other processes start and
 * stop, and closing the supervisor kills the hanging check (no orphan). A check past its timeout is
 * killed with its descendants. And on demand: zombies under a run with their parent, and the run's tree.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class DiagnosisSupervisionTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * A quote feed that fails 1.5 s after it started, past its 1 s startup grace, every time (its port is held): none of
   * its runs died early, so none was diagnosed, and it reached FAILED at its start limit with no {@code Diagnosed}; only
   * an on-demand diagnosis said why (found by a black-box run). The policy's give-up is diagnosed once, after the
   * {@code Failed}, about the last run, with its port's holder first.
   */
  @Test
  void aSlowCrashLoopThatReachesFailedIsDiagnosedOnce() throws Exception {
    try (java.net.ServerSocket held = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Supervisor supervisor = Supervisor.builder().name("diagnosis-slow-loop").backend("linux").build()) {
      int port = held.getLocalPort();
      EventRecorder events = new EventRecorder();
      supervisor.subscribe(events);
      supervisor.register(ProcessSpec.builder("quotes")
          .command("/bin/sh", "-c", "sleep 1.5; echo \"listen tcp 127.0.0.1:" + port + ": bind: Address already in use\" >&2; exit 1")
          .startupGrace(Duration.ofSeconds(1))
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100))).withStartLimit(1, Duration.ofMinutes(5)))
          .build());
      supervisor.controller("quotes").orElseThrow().start();
      SupervisorEvent.Failed failed = events.await(SupervisorEvent.Failed.class, e -> e.process().equals("quotes"), 1, WAIT).get(0);
      SupervisorEvent.Diagnosed diagnosed = events.await(SupervisorEvent.Diagnosed.class, e -> e.process().equals("quotes"), 1, WAIT).get(0);
      Diagnosis d = diagnosed.diagnosis();
      assertThat(d.trigger()).as(d.render()).isEqualTo(Diagnosis.Trigger.GAVE_UP);
      assertThat(diagnosed.run()).isEqualTo(2);
      List<SupervisorEvent> seen = events.events().stream().filter(e -> e.process().equals("quotes")).toList();
      assertThat(seen.indexOf(failed)).as("Failed before its diagnosis").isLessThan(seen.indexOf(diagnosed));
      assertThat(d.exitInfo()).contains(failed.lastExit());
      Finding cause = d.cause().orElseThrow();
      assertThat(cause.check()).as(d.render()).isEqualTo(Finding.Check.PORTS);
      assertThat(cause.certainty()).isEqualTo(Finding.Certainty.CONFIRMED);
      assertThat(cause.summary()).contains("port " + port, "pid " + ProcessHandle.current().pid());
      assertThat(supervisor.controller("quotes").orElseThrow().lastDiagnosis()).contains(d);
    }
  }

  @Test
  void aHangingConfigurationCheckNeverHoldsUpSupervision(@TempDir Path dir) throws Exception {
    Path pids = dir.resolve("check-pids");
    // the check records its pid, then hangs for far longer than this test
    String hang = "echo $$ >> " + pids + "; exec sleep 600";
    Supervisor supervisor = Supervisor.builder().name("diagnosis-hang").backend("linux").build();
    EventRecorder events = new EventRecorder();
    supervisor.subscribe(events);
    CompletableFuture<Diagnosis> onDemand;
    try {
      supervisor.register(ProcessSpec.builder("crasher").command("/bin/sh", "-c", "echo 'fatal: cannot start' >&2; exit 3")
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(10))).withStartLimit(3, Duration.ofMinutes(5)))
          .startupGrace(Duration.ofSeconds(30))
          .diagnosis(DiagnosisSpec.builder().configCheck(DiagnosisSpec.MAX_CHECK_TIMEOUT, "/bin/sh", "-c", hang).build()).build());
      supervisor.register(ProcessSpec.builder("bystander").command("/bin/sh", "-c", "exec sleep 600").startupGrace(Duration.ZERO)
          .autoStart(false).build());
      ProcessController crasher = supervisor.controller("crasher").orElseThrow();
      crasher.start();
      // four runs die at start and the policy gives up, all while the first run's diagnosis hangs in its check
      events.await(SupervisorEvent.Failed.class, e -> e.process().equals("crasher"), 1, WAIT);
      assertThat(events.of(SupervisorEvent.Exited.class, "crasher")).hasSizeGreaterThanOrEqualTo(2);
      awaitLines(pids, 1);
      assertThat(events.of(SupervisorEvent.Diagnosed.class, "crasher")).as("the diagnosis is still in its check").isEmpty();
      // another process starts and stops meanwhile
      ProcessController bystander = supervisor.controller("bystander").orElseThrow();
      bystander.start(WAIT);
      bystander.stop(WAIT);
      // an on-demand diagnosis takes the second diagnosis thread (it hangs in the check too); commands still answer
      onDemand = crasher.diagnose();
      awaitLines(pids, 2);
      assertThat(onDemand).isNotDone();
      bystander.start(WAIT);
      assertThat(supervisor.awaitIdle(WAIT)).isTrue();
    } finally {
      supervisor.close();
    }
    // closing interrupted both diagnoses and killed their checks
    for (String pid : Files.readAllLines(pids, StandardCharsets.UTF_8)) {
      awaitGone(pid);
    }
    Diagnosis d = onDemand.handle((v, e) -> v).get(30, TimeUnit.SECONDS);
    if (d != null) { // completed with what it had when interrupted
      assertThat(d.findings()).anyMatch(f -> f.check() == Finding.Check.CONFIGURATION && f.status() == Finding.Status.UNKNOWN);
    }
  }

  /**
   * A run that fails to allocate under an address-space limit its command sets ({@code ulimit -v}) says so in its
   * output: the Linux backend's limits finding said "no memory, process or descriptor limit was hit" beside it (found by
   * a black-box run); the failed allocation now comes first, and that finding is gone.
   */
  @Test
  void aFailedAllocationComesFirstAndNoLimitIsSaidFine() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 here");
    try (Supervisor supervisor = Supervisor.builder().name("diagnosis-nomem").backend("linux").build()) {
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d && d.process().equals("pricer")) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("pricer")
          .command("/bin/sh", "-c", "ulimit -v 100000; exec /usr/bin/python3 -c 'curve = bytearray(512 << 20)'")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build()).start();
      Diagnosis d = diagnosed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      Finding first = d.findings().get(0);
      assertThat(first.check()).as(d.render()).isEqualTo(Finding.Check.LIMITS);
      assertThat(first.summary()).contains("memory could not be allocated", "MemoryError");
      assertThat(d.findings()).as(d.render()).noneMatch(f -> f.check() == Finding.Check.LIMITS && !f.isProblem());
    }
  }

  @Test
  void aCheckPastItsTimeoutIsKilledWithItsDescendants(@TempDir Path dir) throws Exception {
    Path pids = dir.resolve("pids");
    String check = "sleep 600 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait";
    try (Supervisor supervisor = Supervisor.builder().name("diagnosis-timeout").backend("linux").build()) {
      supervisor.register(ProcessSpec.builder("slow-check").command("/bin/sh", "-c", "exec sleep 600").startupGrace(Duration.ZERO)
          .diagnosis(DiagnosisSpec.builder().configCheck(Duration.ofSeconds(1), "/bin/sh", "-c", check).build()).build());
      ProcessController c = supervisor.controller("slow-check").orElseThrow();
      c.start(WAIT);
      Diagnosis d = c.diagnose().get(30, TimeUnit.SECONDS);
      Finding config = d.findings().stream().filter(f -> f.check() == Finding.Check.CONFIGURATION).findFirst().orElseThrow();
      assertThat(config.status()).isEqualTo(Finding.Status.UNKNOWN);
      assertThat(config.summary()).contains("did not finish within 1.00 s", "killed");
      assertThat(d.trigger()).isEqualTo(Diagnosis.Trigger.ON_DEMAND);
      List<String> both = Files.readAllLines(pids, StandardCharsets.UTF_8);
      assertThat(both).hasSize(2);
      for (String pid : both) {
        awaitGone(pid);
      }
    }
  }

  @Test
  void zombiesUnderARunAreNamedWithTheirParentAndTheTreeHasEachMembersResources() throws Exception {
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    // a parent that never reaps its child
    String script = "import os,time\npid=os.fork()\nif pid==0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(600)\n";
    try (Supervisor supervisor = Supervisor.builder().name("diagnosis-zombie").backend("linux").build()) {
      EventRecorder events = new EventRecorder();
      supervisor.subscribe(events);
      supervisor.register(ProcessSpec.builder("leaky").command(python, "-c", script).startupGrace(Duration.ZERO).build());
      ProcessController c = supervisor.controller("leaky").orElseThrow();
      c.start(WAIT);
      long parent = c.status().pid();
      long zombie = awaitZombieChild(c);
      Diagnosis d = c.diagnose().get(30, TimeUnit.SECONDS);
      Finding z = d.findings().stream().filter(f -> f.check() == Finding.Check.ZOMBIES).findFirst().orElseThrow();
      assertThat(z.status()).as(d.render()).isEqualTo(Finding.Status.PROBLEM);
      assertThat(z.summary()).contains("parent pid " + parent);
      assertThat(z.evidence()).anyMatch(e -> e.contains("zombie pid " + zombie));
      assertThat(z.fix()).contains("pid " + parent, "restart leaky");
      assertThat(events.await(SupervisorEvent.Diagnosed.class, e -> e.process().equals("leaky"), 1, WAIT).get(0).diagnosis()).isEqualTo(d);
      List<TreeMember> tree = c.tree();
      assertThat(tree).isNotEmpty();
      assertThat(tree.get(0).pid()).isEqualTo(parent);
      assertThat(tree.get(0).depth()).isZero();
      assertThat(tree.get(0).commandLine()).contains("os.fork");
      assertThat(tree.get(0).sample().memoryResident()).isPresent();
    }
  }

  /** Waits until {@code pid} is gone (or a zombie: init here reaps orphans a second or two later). */
  private static void awaitGone(String pid) throws Exception {
    Path stat = Path.of("/proc", pid.trim(), "stat");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (Files.exists(stat)) {
      String s;
      try {
        s = Files.readString(stat, StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        return; // gone while read
      }
      if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
        return;
      }
      assertThat(System.nanoTime()).as("check process " + pid + " killed within 15 s").isLessThan(deadline);
      Thread.sleep(20); // polling /proc until the kill shows
    }
  }

  private static long awaitZombieChild(ProcessController c) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (String line : c.outputTail(io.github.vigil.StdStream.STDOUT)) {
        long pid = Long.parseLong(line.trim());
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.exists(stat)) {
          String s = Files.readString(stat, StandardCharsets.UTF_8);
          if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
            return pid;
          }
        }
      }
      Thread.sleep(20); // polling /proc until the child is a zombie
    }
    throw new AssertionError("no zombie child within 30 s");
  }

  private static void awaitLines(Path file, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(file) || Files.readAllLines(file, StandardCharsets.UTF_8).size() < n) {
      assertThat(System.nanoTime()).as(file + " has " + n + " lines within 30 s").isLessThan(deadline);
      Thread.sleep(20); // polling the file the check writes
    }
  }
}
