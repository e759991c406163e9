package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcListeningSockets;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.spi.ListeningSockets;
import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reverse of {@link BackendSwitchLeftoversTest}, with real JVMs: a gateway on the Linux backend with a state
 * directory is killed with SIGKILL while it supervises a web server (started in the background by a shell, as a
 * launcher script does, so it outlives the death signal of its parent) and a process that ignores SIGTERM; its
 * children die with it, their descendants live on (one holding the port, one in a session of its own). The next JVM
 * on that state directory, on the JDK backend ({@code backend("jdk")}) or the Linux one again, must kill them, say so
 * in its log, remove the cgroups the killed JVM made, and start the same web server on the same port.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ReverseBackendSwitchLeftoversTest {
  private static final ProcFs PROC = new ProcFs();
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private final String marker = "3100" + (System.nanoTime() % 100000); // a sleep duration no one else uses
  private final List<Process> jvms = new ArrayList<>();
  private final List<ProcStat> leftovers = new ArrayList<>();
  private int port;

  @TempDir
  Path dir;

  @AfterEach
  void killEverything() throws Exception {
    for (Process jvm : jvms) {
      jvm.destroyForcibly();
      jvm.waitFor(10, TimeUnit.SECONDS);
    }
    Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly);
    Processes.withMarker("http.server " + port + " ").forEach(ProcessHandle::destroyForcibly);
    reapAdoptedLeftovers();
  }

  @ParameterizedTest(name = "next JVM on the {0} backend")
  @ValueSource(strings = {"jdk", "linux"})
  void theNextJvmKillsWhatAKilledLinuxBackendJvmLeftAndStartsCleanly(String nextBackend) throws Exception {
    assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON);
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv")), "no setpriv");
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path state = dir.resolve("state");
    ListeningSockets sockets = new ProcListeningSockets(Path.of("/proc"));

    Process first = supervisor("linux", state, dir.resolve("first.log"));
    String ready = readReady(first, dir.resolve("first.log"));
    // what the killed JVM leaves: the web server (a grandchild, holding the port) and the sleeps (one left the session)
    List<ListeningSockets.Holder> oldHolders = sockets.whoListensOn(InetAddress.getLoopbackAddress(), port);
    assertThat(oldHolders).as("the first run's web server on port %d", port).hasSize(1);
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> sleeps().size() == 2)).as("the sleeps").isTrue();
    leftovers.add(PROC.stat((int) oldHolders.get(0).pid()).orElseThrow());
    sleeps().forEach(h -> leftovers.add(PROC.stat((int) h.pid()).orElseThrow()));
    List<Path> cgroups = Files.readAllLines(state.resolve(StateFile.NAME)).stream()
        .filter(l -> l.startsWith("base ")).map(l -> Path.of(l.substring(5))).toList();

    first.destroyForcibly(); // SIGKILL
    first.waitFor();
    String[] pids = ready.split(" ");
    for (int i = 1; i < pids.length; i++) {
      int child = Integer.parseInt(pids[i]);
      assertThat(Processes.eventually(Duration.ofSeconds(5), () -> !LiveProcesses.running(child))).as("child %d dies with its JVM", child).isTrue();
    }
    assertThat(leftovers).as("descendants outlive the killed JVM").allMatch(LiveProcesses::sameAndRunning);

    Path secondLog = dir.resolve("second.log");
    Process second = supervisor(nextBackend, state, secondLog);
    String secondReady = readReady(second, secondLog);
    long newWeb = Long.parseLong(secondReady.split(" ")[1]);
    String log = Files.readString(secondLog);
    assertThat(leftovers.stream().filter(LiveProcesses::sameAndRunning).toList())
        .as("leftovers of the killed JVM once the next one has started; its log:\n%s", log).isEmpty();
    assertThat(log).as("the next JVM's log says what it killed").contains("leftover process " + leftovers.get(0).pid() + " (");
    long newStubborn = Long.parseLong(secondReady.split(" ")[2]);
    for (Path base : cgroups) {
      if (nextBackend.equals("jdk")) {
        assertThat(base).as("a cgroup the killed JVM made").doesNotExist();
      } else { // the same base again (named after the state directory), holding the new runs only
        try (var tree = Files.walk(base)) {
          for (Path procs : tree.filter(f -> f.getFileName().toString().equals("cgroup.procs")).toList()) {
            for (String pid : Files.readAllLines(procs)) {
              assertThat(descends(Long.parseLong(pid), newWeb) || descends(Long.parseLong(pid), newStubborn))
                  .as("pid %s in %s is of a new run", pid, procs).isTrue();
            }
          }
        }
      }
    }
    // the new web server holds the port: it did not fail on "Address already in use"
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> {
      try {
        List<ListeningSockets.Holder> holders = sockets.whoListensOn(InetAddress.getLoopbackAddress(), port);
        return holders.size() == 1 && descends(holders.get(0).pid(), newWeb);
      } catch (IOException e) {
        return false;
      }
    })).as("port %d held by the new run of web (pid %d) or its child; its log:\n%s", port, newWeb, log).isTrue();

    second.getOutputStream().close(); // the supervisor closes, stopping its runs
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).as("the next JVM's output after READY").contains("CLOSING");
    assertThat(out.substring(0, out.indexOf("CLOSING"))).as("exits before the close").doesNotContain("EXITED");
    assertThat(second.exitValue()).as("the next JVM's exit; its log:\n%s", Files.readString(secondLog)).isZero();
  }

  private Process supervisor(String backend, Path state, Path log) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), CrashSupervisorMain.NO_GUARDIAN,
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        BackendSwitchSupervisorMain.class.getName(), backend, state.toString(), Integer.toString(port), marker, PYTHON.toString())
        .redirectError(log.toFile()).start();
    jvms.add(p);
    return p;
  }

  private static String readReady(Process jvm, Path log) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
      // EXITED lines before READY: shown in the failure below
      if (line.startsWith("EXITED")) {
        throw new AssertionError(line + "; log:\n" + (Files.exists(log) ? Files.readString(log) : ""));
      }
    }
    assertThat(line).as("supervisor JVM output; its log: %s", Files.exists(log) ? Files.readString(log) : "").isNotNull();
    return line;
  }

  /** The sleeps the stubborn process started (not the shell, whose command line names them too). */
  private List<ProcessHandle> sleeps() {
    return Processes.withMarker(marker).stream().filter(h -> Processes.runs(h.pid(), "sleep")).toList();
  }

  /** Whether {@code pid} is {@code ancestor} or one of its descendants. */
  private static boolean descends(long pid, long ancestor) {
    for (long p = pid; p > 1; ) {
      if (p == ancestor) {
        return true;
      }
      Optional<ProcStat> s = PROC.stat((int) p);
      if (s.isEmpty()) {
        return false;
      }
      p = s.get().ppid();
    }
    return false;
  }

  /** This JVM may be a child subreaper (another test made it one): the killed JVM's orphans came here. */
  private void reapAdoptedLeftovers() {
    long self = ProcessHandle.current().pid();
    for (ProcStat g : leftovers) {
      Optional<ProcStat> s = PROC.stat(g.pid());
      if (s.isPresent() && s.get().startTicks() == g.startTicks() && s.get().ppid() == self && s.get().zombie()) {
        Kernel.reapChild(g.pid());
      }
    }
  }
}
