package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.AttachedProcess;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Outsider;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attaching by name or command line to a classic daemon, whose first process forks the real daemon and exits (nginx
 * with {@code daemon on;}, a shell's {@code (program &)}): the first process's exit hands the attachment over to the
 * daemon it left, which matches the same target; it is no exit of the attachment. A genuine death, and a pid file's
 * process, are reported as before. Real processes on the Linux backend; each "daemon" waits on a fifo until the
 * attachment has found its first process, so that the first process is what the attachment finds.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class AttachDaemonTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path NGINX = Path.of("/usr/sbin/nginx");
  private static final Path REDIS = Path.of("/usr/bin/redis-server");

  @TempDir
  Path dir;
  private Supervisor supervisor;
  private final EventRecorder events = new EventRecorder();
  private final List<Process> launched = new ArrayList<>();
  private final List<Long> daemons = new ArrayList<>();

  @BeforeEach
  void setUp() {
    supervisor = Supervisor.builder().name("attach-daemon-test").backend("linux").build();
    supervisor.subscribe(events);
  }

  @AfterEach
  void tearDown() throws Exception {
    // the daemons first: this JVM, child subreaper with the Linux backend, adopted them, and its backend reaps them
    for (long pid : daemons) { // the daemons and what they started (nginx's workers go with their master)
      ProcessHandle.of(pid).ifPresent(h -> {
        List<ProcessHandle> below = h.descendants().toList();
        h.destroy();
        try {
          h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          h.destroyForcibly();
        }
        below.forEach(ProcessHandle::destroyForcibly);
      });
    }
    for (Process p : launched) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle h : Processes.withMarker(dir.toString())) { // a daemon a failed test did not learn of
      h.destroyForcibly();
      h.onExit().get(10, TimeUnit.SECONDS);
    }
    supervisor.close();
  }

  /**
   * Starts {@code sh -c 'read _ < FIFO; SCRIPT'} (its command line holds the script, so the pattern that matches the
   * daemon matches the shell too); returns it with the fifo, which releases it when written.
   */
  private Process launcher(String script) throws IOException, InterruptedException {
    Path fifo = dir.resolve("go");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mk.waitFor()).as("mkfifo %s", fifo).isZero();
    // no fork before the fifo is read: every process of this command line until then is the shell itself
    Process sh = new ProcessBuilder("/bin/sh", "-c", "read _ < '" + fifo + "'; " + script)
        .redirectOutput(dir.resolve("launcher.out").toFile()).redirectErrorStream(true).start();
    launched.add(sh);
    assertThat(Processes.eventually(WAIT, () -> Processes.cmdline(sh.pid()).orElse("").contains(fifo.toString())))
        .as("the launcher shell runs").isTrue();
    return sh;
  }

  private void release() throws IOException {
    Files.writeString(dir.resolve("go"), "go\n");
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void nginxDaemonizingHandsTheAttachmentToItsMasterWithoutAnExit() throws Exception {
    assumeTrue(Files.isExecutable(NGINX), "nginx is not installed at " + NGINX + " (.ci/install.d/nginx-redis installs it)");
    Path conf = dir.resolve("nginx.conf");
    Path pidFile = dir.resolve("nginx.pid");
    Files.writeString(conf, String.join("\n",
        "daemon on;", "master_process on;", "worker_processes 1;", "pid " + pidFile + ";",
        "error_log " + dir.resolve("error.log") + ";",
        "events { worker_connections 16; }",
        "http { access_log off; server { listen 127.0.0.1:" + freeLoopbackPort() + "; return 204; } }", ""));
    Process first = launcher("exec " + NGINX + " -p " + dir + "/ -c " + conf + " -e " + dir.resolve("error.log"));
    // the master keeps the configuration's path in its title ("nginx: master process ... -c CONF"), workers do not
    AttachedProcess nginx = supervisor.attach(AttachSpec.builder("nginx").commandLine(Pattern.quote(conf.toString()))
        .rescanInterval(Duration.ofMinutes(10)) // only the look the first process's exit asks for can find the master
        .build());
    events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == first.pid(), 1, WAIT);

    release(); // the shell execs nginx, which forks its master and exits
    SupervisorEvent.AttachedFound master =
        events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() != first.pid(), 1, WAIT).get(0);
    daemons.add(master.found().pid());
    assertThat(first.waitFor(20, TimeUnit.SECONDS)).as("nginx's first process exits once it has daemonized").isTrue();
    assertThat(first.exitValue()).as("nginx daemonized: %s", Files.readString(dir.resolve("error.log"))).isZero();
    assertThat(Processes.eventually(WAIT, () -> readPid(pidFile) == master.found().pid()))
        .as("the pid file names the attached master").isTrue();
    assertThat(master.found().commandLine()).contains(conf.toString());

    SupervisorEvent.AttachedHandedOver handover = events.await(SupervisorEvent.AttachedHandedOver.class, e -> true, 1, WAIT).get(0);
    assertThat(handover.from().pid()).isEqualTo(first.pid());
    assertThat(handover.to()).isEqualTo(master.found());
    assertThat(events.of(SupervisorEvent.AttachedLost.class, "nginx")).as("the daemonizing parent's exit is no loss").isEmpty();
    assertThat(events.of(SupervisorEvent.AttachStateChanged.class, "nginx")).extracting(SupervisorEvent.AttachStateChanged::to)
        .as("never stopped").containsExactly(AttachState.RUNNING);
    assertThat(nginx.status().exits()).as("exits").isZero();
    assertThat(nginx.status().lastExit()).isNull();
    assertThat(nginx.status().state()).isEqualTo(AttachState.RUNNING);
    // a worker the look caught between its fork and its new title ("nginx: worker process") matches too, for now
    assertThat(nginx.status().pids()).contains(master.found().pid());
    assertThat(java.util.Arrays.stream(nginx.status().pids()).filter(p -> p != master.found().pid()))
        .as("the other matches are the master's workers").allMatch(p -> ProcessHandle.of(p).flatMap(ProcessHandle::parent)
            .map(ProcessHandle::pid).orElse(-1L) == master.found().pid());
  }

  @Test
  void aShellsDoubleForkHandsTheAttachmentToTheOrphanItLeft() throws Exception {
    Path program = Outsider.sleepAs(dir, "daemon");
    // sh -c '... ; (program 1000 &); exit 0': the subshell forks the program and ends, then the shell: the program is
    // an orphan, adopted by this JVM (child subreaper with the Linux backend) or init
    Process first = launcher("(\"" + program + "\" 1000 </dev/null >/dev/null 2>&1 &); exit 0");
    AttachedProcess daemon = supervisor.attach(AttachSpec.builder("daemon").commandLine(Pattern.quote(program.toString()))
        .rescanInterval(Duration.ofMinutes(10)).build());
    events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == first.pid(), 1, WAIT);

    release();
    SupervisorEvent.AttachedHandedOver handover = events.await(SupervisorEvent.AttachedHandedOver.class, e -> true, 1, WAIT).get(0);
    long orphan = handover.to().pid();
    daemons.add(orphan);
    assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(handover.from().pid()).isEqualTo(first.pid());
    assertThat(Processes.cmdline(orphan)).get().asString().startsWith(program + " 1000");
    assertThat(events.of(SupervisorEvent.AttachedFound.class, "daemon")).extracting(e -> e.found().pid())
        .as("the orphan is found before it is handed over to").containsExactly(first.pid(), orphan);
    assertThat(events.of(SupervisorEvent.AttachedLost.class, "daemon")).as("the shell's exit is no loss").isEmpty();
    assertThat(daemon.status().exits()).as("exits").isZero();
    assertThat(daemon.status().state()).isEqualTo(AttachState.RUNNING);
    assertThat(daemon.status().pids()).containsExactly(orphan);

    // the daemon's own death is one: nothing is left that it forked
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::destroyForcibly)).contains(true);
    events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == orphan, 1, WAIT);
    events.awaitAttach("daemon", AttachState.STOPPED, 1, WAIT);
    assertThat(daemon.status().exits()).isEqualTo(1);
    assertThat(events.of(SupervisorEvent.AttachedHandedOver.class, "daemon")).hasSize(1);
  }

  @Test
  void theDeathOfOneOfTwoUnrelatedMatchesIsReportedAtOnceAndNotHandedToTheOther() throws Exception {
    Path program = Outsider.sleepAs(dir, "trader");
    try (Outsider a = Outsider.start(program); Outsider b = Outsider.start(program)) {
      AttachedProcess traders = supervisor.attach(AttachSpec.builder("traders").commandLine(Pattern.quote(program.toString()))
          .rescanInterval(Duration.ofMinutes(10)).build());
      events.await(SupervisorEvent.AttachedFound.class, e -> true, 2, WAIT);
      long killed = System.currentTimeMillis();
      assertThat(a.kill()).isTrue();
      SupervisorEvent.AttachedLost lost = events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == a.pid(), 1, WAIT).get(0);
      assertThat(lost.at().toEpochMilli() - killed).as("kill to AttachedLost, in ms").isLessThan(1000);
      assertThat(traders.status().exits()).isEqualTo(1);
      assertThat(traders.status().pids()).containsExactly(b.pid());
      assertThat(traders.status().state()).isEqualTo(AttachState.RUNNING);
      assertThat(events.of(SupervisorEvent.AttachedHandedOver.class)).isEmpty();
    }
  }

  @Test
  void aProcessStartedByAMatchingParentIsNoSuccessorOfTheOneItReplaces() throws Exception {
    Path program = Outsider.sleepAs(dir, "worker");
    // a master that matches too and starts a worker again as soon as one ends (nginx's master, attached by name)
    Process master = launcher("while :; do \"" + program + "\" 1000; done");
    AttachedProcess workers = supervisor.attach(AttachSpec.builder("workers").commandLine(Pattern.quote(program.toString()))
        .rescanInterval(Duration.ofMillis(100)).build());
    events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == master.pid(), 1, WAIT);
    release();
    // a worker may be found between its fork and its exec, its command line still the master's: told by its pid
    long first = events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() != master.pid(), 1, WAIT).get(0).found().pid();
    Processes.kill(first, "KILL");
    events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == first, 1, WAIT);
    events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() != master.pid() && e.found().pid() != first, 1, WAIT);
    assertThat(workers.status().exits()).isEqualTo(1);
    assertThat(events.of(SupervisorEvent.AttachedHandedOver.class)).isEmpty();
  }

  @Test
  void aParentKilledLongAfterItForkedAMatchingChildHasDied() throws Exception {
    Path program = Outsider.sleepAs(dir, "parent");
    // the shell matches, and so does its child: an nginx master and its workers, attached by name
    Process parent = launcher("\"" + program + "\" 1000 & wait");
    release();
    assertThat(Processes.eventually(WAIT, () -> Processes.withMarker(dir.toString()).size() == 2)).isTrue();
    AttachedProcess both = supervisor.attach(AttachSpec.builder("both").commandLine(Pattern.quote(program.toString()))
        .rescanInterval(Duration.ofMinutes(10)).build());
    List<SupervisorEvent.AttachedFound> found = events.await(SupervisorEvent.AttachedFound.class, e -> true, 2, WAIT);
    io.github.vigil.MatchedProcess c = found.stream().map(SupervisorEvent.AttachedFound::found).filter(p -> p.pid() != parent.pid())
        .findFirst().orElseThrow();
    long child = c.pid();
    daemons.add(child);
    java.time.Instant childStart = c.startTime(); // as the attachment reads it (the JDK's counts from a boot time in whole seconds)
    assertThat(Processes.eventually(WAIT, () -> java.time.Instant.now().isAfter(childStart.plusMillis(1500))))
        .as("the child is older than a daemon's fork").isTrue();
    parent.destroyForcibly();
    events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == parent.pid(), 1, WAIT);
    assertThat(both.status().exits()).isEqualTo(1);
    assertThat(both.status().pids()).containsExactly(child);
    assertThat(events.of(SupervisorEvent.AttachedHandedOver.class)).isEmpty();
  }

  @Test
  void aPidFilesProcessThatForksAndExitsHasExited() throws Exception {
    Path program = Outsider.sleepAs(dir, "forker");
    Path pidFile = dir.resolve("forker.pid");
    Process first = launcher("(\"" + program + "\" 1000 </dev/null >/dev/null 2>&1 &); exit 0");
    Files.writeString(pidFile, first.pid() + "\n");
    AttachedProcess forker = supervisor.attach(AttachSpec.builder("forker").pidFile(pidFile).rescanInterval(Duration.ofMinutes(10)).build());
    events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == first.pid(), 1, WAIT);
    release();
    events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == first.pid(), 1, WAIT);
    events.awaitAttach("forker", AttachState.STOPPED, 1, WAIT);
    assertThat(forker.status().exits()).isEqualTo(1);
    assertThat(events.of(SupervisorEvent.AttachedHandedOver.class)).isEmpty();
  }

  @Test
  void redisDaemonizingHandsTheAttachmentToTheDaemonWithoutAnExit() throws Exception {
    assumeTrue(Files.isExecutable(REDIS), "redis-server is not installed at " + REDIS + " (.ci/install.d/nginx-redis installs it)");
    int port = freeLoopbackPort();
    Path pidFile = dir.resolve("redis.pid");
    Process first = launcher("exec " + REDIS + " --bind 127.0.0.1 --port " + port + " --daemonize yes --dir " + dir
        + " --pidfile " + pidFile + " --logfile " + dir.resolve("redis.log") + " --save ''");
    // the daemon retitles itself "redis-server 127.0.0.1:PORT"; before that, its command line is its parent's
    AttachedProcess redis = supervisor.attach(AttachSpec.builder("redis")
        .commandLine("redis-server.*(--port " + port + "|127\\.0\\.0\\.1:" + port + ")\\b")
        .rescanInterval(Duration.ofMinutes(10)).build());
    events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == first.pid(), 1, WAIT);

    release(); // the shell execs redis-server, which forks the daemon and exits
    SupervisorEvent.AttachedHandedOver handover = events.await(SupervisorEvent.AttachedHandedOver.class, e -> true, 1, WAIT).get(0);
    daemons.add(handover.to().pid());
    assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).as("redis daemonized").isZero();
    assertThat(handover.from().pid()).isEqualTo(first.pid());
    assertThat(Processes.eventually(WAIT, () -> readPid(pidFile) == handover.to().pid()))
        .as("the pid file names the daemon handed over to").isTrue();
    assertThat(events.of(SupervisorEvent.AttachedLost.class, "redis")).as("the daemonizing parent's exit is no loss").isEmpty();
    assertThat(redis.status().exits()).as("exits").isZero();
    assertThat(redis.status().state()).isEqualTo(AttachState.RUNNING);
    assertThat(redis.status().pids()).containsExactly(handover.to().pid());
  }

  private static long readPid(Path file) {
    try {
      return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
