package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Supervisor;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The count in the start-up line of the sweep of what a killed JVM left: a black-box trial read
 * {@code killed 1 leftover processes}. A JVM on the Linux backend supervises a child that starts {@code n} sleeps in the
 * background and is killed with SIGKILL; its child dies with it (the death signal), the sleeps live on, and the next
 * supervisor on the same state directory kills them and says how many, in the singular for one.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class LeftoverCountTest {
  private static final ProcFs PROC = new ProcFs();

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} leftover(s)")
  @ValueSource(ints = {1, 2})
  void theSweepSaysHowManyItKilledInTheRightNumber(int n) throws Exception {
    assumeTrue(HostFacts.detect().setpriv() != null, "no setpriv with --pdeathsig: the child would be left running too");
    String marker = "3200" + (System.nanoTime() % 100000); // a sleep duration no one else uses
    Path state = dir.resolve("state");
    Path jvmLog = dir.resolve("jvm.log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String script = ("sleep " + marker + " & ").repeat(n) + "echo started; wait";
    Process jvm = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), CrashSupervisorMain.NO_GUARDIAN, "-cp", System.getProperty("java.class.path"),
        CrashSupervisorMain.class.getName(), state.toString(), "1", script).redirectError(jvmLog.toFile()).start();
    List<ProcStat> sleeps = new ArrayList<>();
    try {
      String ready = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(ready).as("supervisor JVM output; its log: %s", Files.exists(jvmLog) ? Files.readString(jvmLog) : "").startsWith("READY ");
      int child = Integer.parseInt(ready.substring(6).trim());
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> sleepsOf(child).size() == n)).as("the child's sleeps").isTrue();
      sleeps.addAll(sleepsOf(child));

      jvm.destroyForcibly(); // SIGKILL
      jvm.waitFor();
      assertThat(Processes.eventually(Duration.ofSeconds(5), () -> !LiveProcesses.running(child))).as("the child dies with its JVM").isTrue();
      assertThat(sleeps).as("the sleeps outlive it").allMatch(LiveProcesses::sameAndRunning);

      String log = logOfStartOn(state);
      assertThat(sleeps.stream().filter(LiveProcesses::sameAndRunning).toList()).as("left after the next start; its log:\n%s", log).isEmpty();
      String said = n == 1 ? "killed 1 leftover process of an earlier run" : "killed " + n + " leftover processes of an earlier run";
      assertThat(log).as("the next supervisor's log").contains("Supervisor crashing: " + said);
    } finally {
      jvm.destroyForcibly();
      jvm.waitFor();
      for (ProcStat s : sleeps) {
        if (LiveProcesses.sameAndRunning(s)) {
          Processes.kill(s.pid(), "KILL");
        }
      }
    }
  }

  /** What the Linux backend logs (at WARN, to standard error through slf4j-simple) while a supervisor starts on {@code state}. */
  private static String logOfStartOn(Path state) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Supervisor next = Supervisor.builder().name("crashing").backend("linux").stateDirectory(state).build()) {
      assertThat(next.backendName()).isEqualTo("linux");
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static List<ProcStat> sleepsOf(int child) {
    List<ProcStat> found = new ArrayList<>();
    for (ProcStat s : PROC.all()) {
      if (s.ppid() == child && s.comm().equals("sleep")) {
        found.add(s);
      }
    }
    return found;
  }
}
