package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.diagnosis.Diagnosis;
import io.github.vigil.diagnosis.DiagnosisSpec;
import io.github.vigil.diagnosis.Finding;
import io.github.vigil.linux.proc.ProcListeningSockets;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.testing.EventRecorder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #17's acceptance: real faults on real processes under the Linux backend, each diagnosed with
 * the right finding first and a fix naming the concrete pid, path, limit, port or dependency. The
 * table this prints (also written to {@code target/diagnosis-matrix.md}) is the one in the module's
 * README.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class DiagnosisFaultMatrixTest {
  private static final Logger log = LoggerFactory.getLogger(DiagnosisFaultMatrixTest.class);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  /** Binds 127.0.0.1:PORT (argv[1]) and sleeps; says which port it could not bind, as servers do. */
  private static final String BINDER = "import socket,sys,time\n"
      + "s=socket.socket()\n"
      + "try:\n s.bind(('127.0.0.1',int(sys.argv[1])))\n"
      + "except OSError as e:\n sys.exit('cannot listen on 127.0.0.1:%s: %s' % (sys.argv[1], e))\n"
      + "s.listen()\nprint('listening', flush=True)\ntime.sleep(600)\n";

  private static Supervisor supervisor;
  private static EventRecorder events;
  private static final List<String[]> rows = new ArrayList<>();

  @BeforeAll
  static void start() {
    supervisor = Supervisor.builder().name("diagnosis-matrix").backend("linux").build();
    events = new EventRecorder();
    supervisor.subscribe(events);
  }

  @AfterAll
  static void stop() throws IOException {
    supervisor.close();
    StringBuilder table = new StringBuilder("| # | fault | expected first finding | first finding | fix names | fix (as diagnosed) | result |\n"
        + "|---|---|---|---|---|---|---|\n");
    synchronized (rows) {
      int i = 1;
      for (String[] r : rows) {
        table.append("| ").append(i++).append(" | ").append(String.join(" | ", r)).append(" |\n");
      }
    }
    Path out = Path.of("target", "diagnosis-matrix.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table.toString(), StandardCharsets.UTF_8);
    log.info("Diagnosis fault matrix:\n{}", table);
  }

  // --- the faults --------------------------------------------------------------------------------

  @Test
  void portHeldByAnotherProcess() throws Exception {
    int port = freePort();
    // another server (as an apache2 on nginx's port): python's http.server on the port the process needs
    Process other = new ProcessBuilder(PYTHON, "-m", "http.server", "--bind", "127.0.0.1", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      awaitListening(port);
      Diagnosis d = failAndDiagnose("port-other", ProcessSpec.builder("port-other").command(PYTHON, "-c", BINDER, Integer.toString(port)));
      record("port held by another process", d, Finding.Check.PORTS, "kill " + other.pid(), ":" + port + " held by python3 -m http.server");
      assertThat(d.cause().orElseThrow().summary()).contains("port " + port, "pid " + other.pid()).doesNotContain("leftover");
    } finally {
      other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void portHeldByALeftoverOfTheSameProcess() throws Exception {
    int port = freePort();
    List<String> command = List.of(PYTHON, "-c", BINDER, Integer.toString(port));
    // an earlier supervisor's run of the same process, still holding the port (its JVM died without stopping it)
    try (LinuxProcessBackend earlier = Backends.create("earlier-supervisor", false)) {
      RunningProcess leftover = earlier.spawn(Backends.request("port-leftover", null, Map.of(), command.toArray(String[]::new)),
          new RecordingListener());
      try {
        awaitListening(port);
        Diagnosis d = failAndDiagnose("port-leftover", ProcessSpec.builder("port-leftover").command(command));
        record("port held by a leftover of the same process", d, Finding.Check.PORTS, "kill " + leftover.pid(),
            "an earlier backend's run of the same spec holds :" + port);
        assertThat(d.cause().orElseThrow().summary()).contains("leftover of an earlier run of port-leftover", "pid " + leftover.pid());
      } finally {
        leftover.signalTree(Signal.SIGKILL);
      }
    }
  }

  @Test
  void portInTimeWaitAfterAKilledListener() throws Exception {
    // a quote feed killed with a client connected: nothing listens on its port any more, but the connection it
    // closed stays in TIME_WAIT for 60 s, and its next run's bind (without SO_REUSEADDR) fails with EADDRINUSE
    int port;
    try (ServerSocket feed = new ServerSocket()) {
      feed.setReuseAddress(true); // this earlier listener's own choice; the supervised one (BINDER) does not set it
      feed.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
      port = feed.getLocalPort();
      try (java.net.Socket client = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
          java.net.Socket accepted = feed.accept()) {
        accepted.close(); // the feed's side closes first: its end of the connection goes to TIME_WAIT
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!inTimeWait(port)) {
      assertThat(System.nanoTime()).as("a connection on port " + port + " in TIME_WAIT within 10 s").isLessThan(deadline);
      Thread.sleep(20); // polling the kernel's table until the closed connection shows up in TIME_WAIT
    }
    assertThat(new ProcListeningSockets(Path.of("/proc")).listeners(port)).isEmpty();
    Diagnosis d = failAndDiagnose("port-time-wait", ProcessSpec.builder("port-time-wait").command(PYTHON, "-c", BINDER, Integer.toString(port)));
    record("port in TIME_WAIT after a killed listener (nothing listens; a connection it closed remains)", d, Finding.Check.PORTS, "SO_REUSEADDR",
        "");
    assertThat(d.cause().orElseThrow().certainty()).isEqualTo(Finding.Certainty.CONFIRMED);
    assertThat(d.cause().orElseThrow().summary()).contains("port " + port, "TIME_WAIT").doesNotContain("free now");
    assertThat(d.cause().orElseThrow().evidence()).anyMatch(e -> e.contains(":" + port + " <-> ") && e.endsWith("TIME_WAIT"));
  }

  @Test
  void missingBinary(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("bin/quote-feed");
    Diagnosis d = failAndDiagnose("missing-binary", ProcessSpec.builder("missing-binary").command(missing.toString(), "--venue", "XLON"));
    record("missing binary", d, Finding.Check.PROGRAM, missing.toString(), "");
  }

  @Test
  void notExecutable(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("feed.sh");
    Files.writeString(script, "#!/bin/sh\necho hi\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    Diagnosis d = failAndDiagnose("not-executable", ProcessSpec.builder("not-executable").command(script.toString()));
    record("not executable", d, Finding.Check.PROGRAM, "chmod +x " + script, "mode rw-r--r--");
  }

  @Test
  void missingInterpreter(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("feed.py");
    Files.writeString(script, "#!/usr/bin/python2.4\nprint('hi')\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Diagnosis d = failAndDiagnose("no-interpreter", ProcessSpec.builder("no-interpreter").command(script.toString()));
    record("missing interpreter", d, Finding.Check.PROGRAM, "/usr/bin/python2.4", "#! line names /usr/bin/python2.4");
  }

  /** A script saved with Windows line endings: the kernel looks for "/bin/sh\r" (the diagnosis said its interpreter exists). */
  @Test
  void scriptWithWindowsLineEndings(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("crlf.sh");
    Files.writeString(script, "#!/bin/sh\r\necho hi\r\nsleep 100\r\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Diagnosis d = failAndDiagnose("crlf-script", ProcessSpec.builder("crlf-script").command(script.toString()));
    record("script with Windows line endings", d, Finding.Check.PROGRAM, "dos2unix", "#!/bin/sh\\r");
    assertThat(d.findings().get(0).summary()).contains("Windows line endings", "'/bin/sh\\r'");
  }

  /** An executable file that is neither ELF nor a script: the wrapper's shell runs it as a script (it was said to be fine). */
  @Test
  void programThatIsNeitherBinaryNorScript(@TempDir Path dir) throws Exception {
    Path garbage = dir.resolve("garbage.bin");
    byte[] bytes = new byte[200];
    new java.util.Random(7).nextBytes(bytes);
    bytes[0] = 0; // not "#!", not ELF
    Files.write(garbage, bytes);
    Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rwxr-xr-x"));
    Diagnosis d = failAndDiagnose("garbage-program", ProcessSpec.builder("garbage-program").command(garbage.toString()));
    record("program neither ELF nor a script", d, Finding.Check.PROGRAM, "#! line", "200 random bytes, mode 755");
  }

  @Test
  void missingSharedLibrary(@TempDir Path dir) throws Exception {
    Path gcc = Path.of("/usr/bin/gcc");
    if (!Files.isExecutable(gcc)) {
      skip("missing shared library", "no C compiler (/usr/bin/gcc) to build an ELF that needs a library");
      assumeTrue(false, "no /usr/bin/gcc");
    }
    Files.writeString(dir.resolve("feed.c"), "int feed(void) { return 7; }\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("main.c"), "int feed(void);\nint main(void) { return feed() == 7 ? 0 : 1; }\n", StandardCharsets.UTF_8);
    run(dir, "/usr/bin/gcc", "-shared", "-fPIC", "-o", "libvigilfeed.so.1", "feed.c");
    run(dir, "/usr/bin/gcc", "-o", "feedd", "main.c", dir.resolve("libvigilfeed.so.1").toString());
    Files.delete(dir.resolve("libvigilfeed.so.1")); // the binary needs it; the loader now cannot find it
    Diagnosis d = failAndDiagnose("missing-lib", ProcessSpec.builder("missing-lib").command(dir.resolve("feedd").toString()));
    record("missing shared library", d, Finding.Check.SHARED_LIBRARY, "libvigilfeed.so.1", "ELF built by gcc, its library deleted");
  }

  @Test
  void workingDirectoryMissing(@TempDir Path dir) throws Exception {
    Path gone = dir.resolve("var/run/feed");
    Diagnosis d = failAndDiagnose("no-workdir", ProcessSpec.builder("no-workdir").command("/bin/sh", "-c", "exit 0").workingDirectory(gone));
    record("working directory missing", d, Finding.Check.WORKING_DIRECTORY, gone.toString(), "");
  }

  @Test
  void configurationFileUnreadable(@TempDir Path dir) throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    assumeTrue(Files.isExecutable(setpriv), "no setpriv to run the process as nobody");
    Path conf = dir.resolve("feed.conf");
    Files.writeString(conf, "venue=XLON\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("---------"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    // the process runs as nobody (as a service would drop privileges) and reads its configuration
    Diagnosis d = failAndDiagnose("unreadable-conf", ProcessSpec.builder("unreadable-conf")
        .command(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/cat", conf.toString())
        .diagnosis(DiagnosisSpec.builder().configFile(conf).build()));
    record("configuration file unreadable", d, Finding.Check.FILES, conf.toString(), "mode 000, process runs as nobody");
  }

  @Test
  void configurationSyntaxErrorCaughtByTheDeclaredCheck(@TempDir Path dir) throws Exception {
    Path nginx = Path.of("/usr/sbin/nginx");
    if (!Files.isExecutable(nginx)) {
      skip("configuration syntax error (declared check)", "nginx is not installed (.ci/install.d/nginx-redis installs it)");
      assumeTrue(false, "no nginx");
    }
    int port = freePort();
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, "pid " + dir.resolve("nginx.pid") + ";\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n"
        + "  server { listen 127.0.0.1:" + port + "; lisen 8080; }\n}\n", StandardCharsets.UTF_8); // "lisen": a typo
    List<String> check = List.of(nginx.toString(), "-t", "-q", "-e", "stderr", "-p", dir.toString(), "-c", conf.toString());
    Diagnosis d = failAndDiagnose("nginx-typo", ProcessSpec.builder("nginx-typo")
        .command(nginx.toString(), "-e", "stderr", "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
        .diagnosis(DiagnosisSpec.builder().configFile(conf).configCheck(Duration.ofSeconds(20), check).build()));
    record("configuration syntax error caught by the declared check", d, Finding.Check.CONFIGURATION, conf.toString(),
        "nginx -t on a config with `lisen 8080;`");
    assertThat(d.cause().orElseThrow().summary()).contains("lisen");
  }

  @Test
  void dependencyDown(@TempDir Path dir) throws Exception {
    int port = freePort();
    supervisor.register(ProcessSpec.builder("matrix-db").command(PYTHON, "-c", BINDER, Integer.toString(port))
        .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build());
    Path go = dir.resolve("go");
    // the app connects to its database once told to (after the database died)
    String app = "while [ ! -e " + go + " ]; do sleep 0.02; done; exec " + PYTHON
        + " -c \"import socket; socket.create_connection(('127.0.0.1', " + port + "))\"";
    supervisor.register(ProcessSpec.builder("matrix-app").command("/bin/sh", "-c", app).dependsOn("matrix-db")
        .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(60)).autoStart(false).build());
    supervisor.controller("matrix-db").orElseThrow().start(WAIT);
    awaitListening(port);
    supervisor.controller("matrix-app").orElseThrow().start();
    events.await(SupervisorEvent.Started.class, e -> e.process().equals("matrix-app"), 1, WAIT);
    long dbPid = supervisor.controller("matrix-db").orElseThrow().status().pid();
    ProcessHandle.of(dbPid).orElseThrow().destroyForcibly(); // the database dies (SIGKILL, not by Vigil)
    events.awaitState("matrix-db", ProcessState.CRASHED, 1, WAIT);
    Files.createFile(go);
    Diagnosis d = events.await(SupervisorEvent.Diagnosed.class, e -> e.process().equals("matrix-app"), 1, WAIT).get(0).diagnosis();
    log.info("{}", d.render());
    record("dependency down", d, Finding.Check.DEPENDENCIES, "matrix-db", "its database was SIGKILLed; it then fails to connect");
    // the journal has a crash report of the database, not a diagnosis (that is of starts that failed)
    assertThat(d.findings().get(0).fix()).contains("vigil crash matrix-db --last");
  }

  @Test
  void descriptorLimitTooLow() throws Exception {
    Diagnosis d = failAndDiagnose("fd-limit", ProcessSpec.builder("fd-limit")
        .command(PYTHON, "-c", "fs = [open('/dev/null') for _ in range(64)]").label(LinuxLimits.NOFILE, "12"));
    record("descriptor limit too low", d, Finding.Check.LIMITS, "12", LinuxLimits.NOFILE + "=12, opens 64 files");
  }

  @Test
  void memoryLimitHitAtStart() throws Exception {
    Cgroups probe = new Cgroups(HostFacts.detect().cgroupLayout(), "vigil-probe-" + Kernel.pid());
    boolean canLimit = probe.canLimitMemory();
    String why = probe.describe();
    probe.close();
    if (!canLimit) {
      skip("memory limit hit at start", "no writable memory cgroup controller: " + why);
      assumeTrue(false, why);
    }
    Diagnosis d = failAndDiagnose("mem-limit", ProcessSpec.builder("mem-limit")
        .command(PYTHON, "-c", "cache = 'x' * (256 << 20)").label(LinuxLimits.MEMORY_MAX, "32M"));
    record("memory limit hit at start", d, Finding.Check.LIMITS, "32M", LinuxLimits.MEMORY_MAX + "=32M, allocates 256 MiB");
    // the exit's own fix: an OOM-killed run was told "it printed nothing: run its command by hand ... to see why" (found by
    // a black-box run), when the kernel had said why
    Finding exit = d.findings().stream().filter(f -> f.check() == Finding.Check.EXIT).findFirst().orElseThrow();
    assertThat(exit.fix()).as(d.render()).doesNotContain("printed nothing").contains("memory limit of mem-limit");
  }

  @Test
  void processLimitHitAtStart() throws Exception {
    Cgroups probe = new Cgroups(HostFacts.detect().cgroupLayout(), "vigil-probe-p-" + Kernel.pid());
    boolean canLimit = probe.canLimitPids();
    String why = probe.describe();
    probe.close();
    if (!canLimit) {
      skip("process limit hit at start", "no writable pids cgroup controller: " + why);
      assumeTrue(false, why);
    }
    Diagnosis d = failAndDiagnose("pids-limit", ProcessSpec.builder("pids-limit")
        .command("/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; wait").label(LinuxLimits.PIDS_MAX, "4"));
    record("process limit hit at start", d, Finding.Check.LIMITS, "4", LinuxLimits.PIDS_MAX + "=4, forks 8 children");
  }

  @Test
  void programOnANoexecMount(@TempDir Path dir) throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "noexec,size=1m", "tmpfs", mnt.toString()).redirectErrorStream(true).start();
    String said = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (mount.waitFor() != 0) {
      skip("program on a noexec mount", "cannot mount a tmpfs here: " + said);
      assumeTrue(false, said);
    }
    try {
      Path script = mnt.resolve("feed.sh");
      Files.writeString(script, "#!/bin/sh\necho hi\n", StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      Diagnosis d = failAndDiagnose("noexec", ProcessSpec.builder("noexec").command(script.toString()));
      record("program on a noexec mount", d, Finding.Check.PROGRAM, "mount -o remount,exec " + mnt, "tmpfs mounted noexec, mode rwxr-xr-x");
    } finally {
      new ProcessBuilder("umount", "-l", mnt.toString()).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** Starts {@code b} once (no restart, a long startup grace) and returns the diagnosis made of its failure. */
  private static Diagnosis failAndDiagnose(String name, ProcessSpec.Builder b) throws Exception {
    supervisor.register(b.restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(60)).autoStart(false).build());
    supervisor.controller(name).orElseThrow().start();
    Diagnosis d = events.await(SupervisorEvent.Diagnosed.class, e -> e.process().equals(name), 1, WAIT).get(0).diagnosis();
    log.info("{}", d.render());
    assertThat(supervisor.controller(name).orElseThrow().lastDiagnosis()).contains(d);
    // the documented order: a Diagnosed comes after the Exited of the run it explains
    List<SupervisorEvent> seen = events.events().stream().filter(e -> e.process().equals(name)).toList();
    int exited = -1;
    int diagnosed = -1;
    for (int i = 0; i < seen.size(); i++) {
      if (exited < 0 && seen.get(i) instanceof SupervisorEvent.Exited x && x.run() == d.run()) {
        exited = i;
      } else if (diagnosed < 0 && seen.get(i) instanceof SupervisorEvent.Diagnosed) {
        diagnosed = i;
      }
    }
    assertThat(exited).as("Exited of run %d in %s", d.run(), seen).isNotNegative().isLessThan(diagnosed);
    assertThat(d.exitInfo()).as("the diagnosis carries the exit it explains").contains(((SupervisorEvent.Exited) seen.get(exited)).exit());
    return d;
  }

  private static void record(String fault, Diagnosis d, Finding.Check expected, String token, String setup) {
    Finding first = d.findings().get(0);
    boolean right = first.isProblem() && first.check() == expected;
    boolean named = first.fix().contains(token);
    String result = right && named ? "OK" : "MISS";
    synchronized (rows) {
      rows.add(new String[] {fault + (setup.isEmpty() ? "" : " (" + setup + ")"), expected.name(), first.check() + " " + first.status()
          + (first.isProblem() ? " " + first.certainty() : "") + ": " + cell(first.summary()), "`" + token + "`", cell(first.fix()), result});
    }
    assertThat(first.check()).as(fault + ": first finding of\n" + d.render()).isEqualTo(expected);
    assertThat(first.isProblem()).as(fault).isTrue();
    assertThat(first.fix()).as(fault + ": the fix names " + token + "\n" + d.render()).contains(token);
    if (d.trigger() == Diagnosis.Trigger.START_FAILED && (expected == Finding.Check.PROGRAM || expected == Finding.Check.WORKING_DIRECTORY)) {
      // the start failure is that finding: not restated as "exit: the run could not be started" (found by a black-box run)
      assertThat(d.problems()).as(fault + ": no second problem restating it\n" + d.render()).extracting(Finding::check)
          .doesNotContain(Finding.Check.EXIT);
    }
  }

  private static void skip(String fault, String reason) {
    synchronized (rows) {
      rows.add(new String[] {fault, "", "", "", "", "SKIPPED: " + reason});
    }
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** Whether /proc/net/tcp or tcp6 (a JVM's IPv4 socket is an IPv4-mapped IPv6 one) has a socket on {@code port} in TIME_WAIT (06). */
  private static boolean inTimeWait(int port) throws IOException {
    String suffix = String.format(java.util.Locale.ROOT, ":%04X", port);
    List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
    if (Files.exists(Path.of("/proc/net/tcp6"))) {
      lines.addAll(Files.readAllLines(Path.of("/proc/net/tcp6")));
    }
    return lines.stream().map(l -> l.trim().split("\\s+")).anyMatch(f -> f.length > 3 && f[1].endsWith(suffix) && f[3].equals("06"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitListening(int port) throws Exception {
    ProcListeningSockets sockets = new ProcListeningSockets(Path.of("/proc"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sockets.listeners(port).isEmpty()) {
      assertThat(System.nanoTime()).as("port " + port + " listened on within 30 s").isLessThan(deadline);
      Thread.sleep(20); // polling the kernel's table until the listener shows up
    }
  }

  private static void run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
