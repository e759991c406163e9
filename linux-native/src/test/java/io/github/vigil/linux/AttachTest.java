package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.AttachStatus;
import io.github.vigil.AttachedProcess;
import io.github.vigil.ProcessSample;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Outsider;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attaching to processes Vigil did not start, on the Linux backend: real processes that are not
 * children of this JVM (a shell child starts each and waits for it), killed for real. Exits are seen
 * through pidfds on the backend's event loop; rescans are set long where a test must show that the
 * pidfd, not a rescan, saw the exit.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class AttachTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long SELF = ProcessHandle.current().pid();

  @TempDir
  Path dir;
  private Supervisor supervisor;
  private final EventRecorder events = new EventRecorder();
  private String nonce;

  @BeforeEach
  void setUp() {
    supervisor = Supervisor.builder().name("attach-test").backend("linux").build();
    supervisor.subscribe(events);
    nonce = HexFormat.of().formatHex(ThreadLocalRandom.current().nextLong() > 0 ? new byte[] {1, 2, 3} : new byte[] {4, 5, 6})
        + Long.toHexString(System.nanoTime() & 0xffffffL);
  }

  @AfterEach
  void tearDown() {
    supervisor.close();
  }

  /** A sleep whose command line is {@code .../trader_tools/account001-NONCE 1000}. */
  private Path trader() throws IOException {
    Path p = dir.resolve("trader_tools").resolve("account001-" + nonce);
    return Files.exists(p) ? p : Outsider.sleepAs(dir, "trader_tools/account001-" + nonce);
  }

  /** Issue #12 item 11: the root README's pattern (a find() on the command line) finds account001, not account0010. */
  @Test
  void theReadmesAnchoredPatternDoesNotMatchALongerAccount() throws Exception {
    String readmePattern = "trader_tools.*\\baccount001\\b";
    assertThat(Files.readString(Path.of("..", "README.md"))).as("the README shows this pattern").contains(".commandLine(\"" + readmePattern.replace("\\", "\\\\") + "\")");
    Path wanted = Outsider.sleepAs(dir, "a/trader_tools/account001");
    Path longer = Outsider.sleepAs(dir, "b/trader_tools/account0010");
    try (Outsider a = Outsider.start(wanted); Outsider b = Outsider.start(longer)) {
      AttachedProcess trader = supervisor.attach(AttachSpec.builder("trader-account001")
          .commandLine(java.util.regex.Pattern.quote(dir.toString()) + ".*" + readmePattern).build()); // dir: not other tests' traders
      events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == a.pid(), 1, WAIT);
      assertThat(trader.status().pids()).as("account0010 is pid %d", b.pid()).containsExactly(a.pid());
    }
  }

  @Test
  void deathOfANonChildIsSeenThroughItsPidfdWithinASecondAndItsReplacementIsPickedUp() throws Exception {
    Path program = trader();
    try (Outsider first = Outsider.start(program)) {
      assertThat(first.parentPid()).as("the target is not a child of this JVM").isPresent().get().isNotEqualTo(SELF);
      AttachedProcess trader = supervisor.attach(AttachSpec.builder("trader")
          .commandLine("trader_tools.*account001-" + nonce).label("type", "TRADER").label("account", "account001")
          .rescanInterval(Duration.ofMinutes(10)) // only the pidfd can see the exit, only the follow-up scans the replacement
          .build());
      events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == first.pid(), 1, WAIT);
      assertEquals(AttachState.RUNNING, trader.status().state());
      assertThat(trader.status().pids()).containsExactly(first.pid());
      assertThat(trader.spec().labels()).containsEntry("type", "TRADER").containsEntry("account", "account001");

      // measured to the event's own time, when the supervisor saw it: the hand-over to this thread is not the detection
      long killed = System.currentTimeMillis();
      assertThat(first.kill()).isTrue();
      SupervisorEvent.AttachedLost lost = events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == first.pid(), 1, WAIT).get(0);
      assertThat(lost.at().toEpochMilli() - killed).as("kill to AttachedLost, in ms").isLessThan(1000);
      events.awaitAttach("trader", AttachState.STOPPED, 1, WAIT);
      assertThat(trader.status().lastExitTime()).isPresent();
      assertThat(trader.status().exits()).isEqualTo(1);

      try (Outsider second = Outsider.start(program)) { // restarted by someone else
        events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == second.pid(), 1, WAIT);
        events.awaitAttach("trader", AttachState.RUNNING, 2, WAIT);
        assertThat(trader.status().pids()).containsExactly(second.pid());
        assertThat(trader.status().processes().get(0).commandLine()).contains("account001-" + nonce);
      }
      List<AttachState> states = events.of(SupervisorEvent.AttachStateChanged.class, "trader").stream()
          .map(SupervisorEvent.AttachStateChanged::to).toList();
      assertThat(states).startsWith(AttachState.RUNNING, AttachState.STOPPED, AttachState.RUNNING);
    }
  }

  @Test
  void pidFileIsReadAgainWhenTheProcessItNamesExits() throws Exception {
    Path program = Outsider.sleepAs(dir, "feed-" + nonce);
    Path pidFile = dir.resolve("feed.pid");
    AttachedProcess feed = supervisor.attach(AttachSpec.builder("feed").pidFile(pidFile).label("type", "QUOTE")
        .rescanInterval(Duration.ofMillis(200)).build());
    AttachStatus missing = feed.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(AttachState.NOT_FOUND, missing.state());
    assertThat(missing.message()).contains(pidFile.toString()).contains("does not exist");
    try (Outsider first = Outsider.start(program)) {
      Files.writeString(pidFile, first.pid() + "\n");
      events.awaitAttach("feed", AttachState.RUNNING, 1, WAIT);
      assertThat(feed.status().pids()).containsExactly(first.pid());
      first.kill();
      events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == first.pid(), 1, WAIT);
      events.awaitAttach("feed", AttachState.STOPPED, 1, WAIT);
      assertThat(first.awaitGone(WAIT)).isTrue();
      assertThat(feed.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS).message())
          .as("a stale pid file").contains("names pid " + first.pid()).contains("not running");
      try (Outsider second = Outsider.start(program)) {
        Files.writeString(pidFile, second.pid() + "\n");
        events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == second.pid(), 1, WAIT);
        assertEquals(AttachState.RUNNING, feed.status().state());
        assertThat(feed.status().pids()).containsExactly(second.pid());
      }
    }
  }

  @Test
  void malformedPidFileIsAnErrorNamingFileAndContentUntilItIsFixed() throws Exception {
    Path pidFile = dir.resolve("bad.pid");
    Files.writeString(pidFile, "not-a-pid\n");
    AttachedProcess bad = supervisor.attach(AttachSpec.builder("bad").pidFile(pidFile).rescanInterval(Duration.ofMillis(100)).build());
    events.awaitAttach("bad", AttachState.ERROR, 1, WAIT);
    assertThat(bad.status().message()).contains("pidFile " + pidFile).contains("'not-a-pid'");
    Files.writeString(pidFile, "1\n");
    assertThat(Processes.eventually(WAIT, () -> bad.status().message().contains("holds pid 1"))).isTrue();
    long self = ProcessHandle.current().pid(); // a supervisor watching itself would show RUNNING for good
    Files.writeString(pidFile, self + "\n");
    assertThat(Processes.eventually(WAIT, () -> bad.status().message().contains("holds pid " + self + ", this JVM's own")))
        .as("a pid file naming this JVM: %s", bad.status()).isTrue();
    assertEquals(AttachState.ERROR, bad.status().state());
    try (Outsider o = Outsider.start(Outsider.sleepAs(dir, "ok-" + nonce))) {
      Files.writeString(pidFile, Long.toString(o.pid()));
      events.awaitAttach("bad", AttachState.RUNNING, 1, WAIT);
    }
  }

  @Test
  void exactNameMatchesEveryProcessOfThatNameAndIsReportedAsMany() throws Exception {
    String name = "vg" + nonce; // at most 15 bytes: the kernel's comm
    assertThat(name.length()).isLessThanOrEqualTo(15);
    Path program = Outsider.sleepAs(dir, "bin/" + name);
    try (Outsider a = Outsider.start(program); Outsider b = Outsider.start(program); Outsider c = Outsider.start(program)) {
      AttachedProcess group = supervisor.attach(AttachSpec.builder("group").processName(name).rescanInterval(Duration.ofMillis(200)).build());
      events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals("group"), 3, WAIT);
      AttachStatus s = group.status();
      assertEquals(AttachState.RUNNING, s.state());
      assertThat(Arrays.stream(s.pids()).boxed().toList()).containsExactlyInAnyOrder(a.pid(), b.pid(), c.pid());
      assertThat(s.processes()).allSatisfy(p -> assertThat(p.processName()).isEqualTo(name));
      assertThat(s.message()).isEqualTo("3 processes named '" + name + "'");

      ProcessSample sample = group.sample().orElseThrow();
      assertThat(sample.memberPids()).containsExactlyInAnyOrder(a.pid(), b.pid(), c.pid());
      assertThat(sample.processes()).hasValue(3);

      b.kill();
      events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == b.pid(), 1, WAIT);
      assertThat(Processes.eventually(WAIT, () -> group.status().pids().length == 2)).isTrue();
      assertEquals(AttachState.RUNNING, group.status().state());
      assertThat(Arrays.stream(group.status().pids()).boxed().toList()).containsExactlyInAnyOrder(a.pid(), c.pid());

      try (Outsider d = Outsider.start(program)) {
        events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == d.pid(), 1, WAIT);
        assertThat(group.status().pids()).hasSize(3);
      }
    }
  }

  /**
   * A process of that name that died and is not reaped (its parent never waits) is no process of that name: the
   * status said "1 process named '...'" beside state STOPPED and no process, the zombie counted by the listing
   * (found by a black-box run).
   */
  @Test
  void anUnreapedZombieIsNotCountedAsAProcessOfThatName() throws Exception {
    String name = "vz" + nonce; // at most 15 bytes: the kernel's comm
    Path program = Outsider.sleepAs(dir, "bin/" + name);
    // the shell starts the program and execs a sleep, which never waits: the program's end leaves a zombie
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "\"$VIGIL_TEST_PROGRAM\" 1000 </dev/null >/dev/null 2>&1 & echo $!; exec sleep 1000");
    pb.environment().put("VIGIL_TEST_PROGRAM", program.toString());
    Process parent = pb.start();
    try {
      long pid = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine().trim());
      AttachedProcess named = supervisor.attach(AttachSpec.builder("named").processName(name).rescanInterval(Duration.ofMillis(100)).build());
      events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == pid, 1, WAIT);
      assertThat(Processes.eventually(WAIT, () -> { // a shell would reap it: the parent must be the sleep by now
        try {
          return Files.readString(Path.of("/proc/" + parent.pid() + "/comm")).strip().equals("sleep");
        } catch (IOException e) {
          return false;
        }
      })).isTrue();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly)).hasValue(true);
      events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == pid, 1, WAIT);
      AttachStatus s = named.rescan().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(Files.readString(Path.of("/proc/" + pid + "/stat"))).as("still an unreaped zombie").contains(") Z ");
      assertEquals(AttachState.STOPPED, s.state());
      assertThat(s.processes()).isEmpty();
      assertThat(s.message()).isEqualTo("0 processes named '" + name + "'");
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  /**
   * A pid or a pid file naming a zombie: nothing runs there, and the status says so as the JDK backend's does; it
   * said "pid N from FILE" (and "pid N") beside NOT_FOUND, as if it ran (found by a black-box run).
   */
  @Test
  void aPidOrPidFileNamingAnUnreapedZombieSaysNothingRunsThere() throws Exception {
    Path program = Outsider.sleepAs(dir, "bin/zp" + nonce);
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "\"$VIGIL_TEST_PROGRAM\" 1000 </dev/null >/dev/null 2>&1 & echo $!; exec sleep 1000");
    pb.environment().put("VIGIL_TEST_PROGRAM", program.toString());
    Process parent = pb.start();
    try {
      long pid = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine().trim());
      Path real = program.toRealPath();
      assertThat(Processes.eventually(WAIT, () -> { // the program runs, and the shell is a sleep that never reaps (a shell would)
        try {
          return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).equals(real)
              && Files.readString(Path.of("/proc/" + parent.pid() + "/comm")).strip().equals("sleep");
        } catch (IOException e) {
          return false;
        }
      })).isTrue();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly)).hasValue(true);
      assertThat(Processes.eventually(WAIT, () -> {
        try {
          return Files.readString(Path.of("/proc/" + pid + "/stat")).contains(") Z ");
        } catch (IOException e) {
          return false;
        }
      })).as("an unreaped zombie").isTrue();
      Path pidFile = dir.resolve("z.pid");
      Files.writeString(pidFile, pid + "\n");
      AttachedProcess byFile = supervisor.attach(AttachSpec.builder("by-file").pidFile(pidFile).build());
      AttachedProcess byPid = supervisor.attach(AttachSpec.builder("by-pid").pid(pid).build());
      AttachStatus f = byFile.rescan().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(AttachState.NOT_FOUND, f.state());
      assertThat(f.message()).isEqualTo("pid file " + pidFile + " names pid " + pid + ", which is not running");
      assertThat(Processes.eventually(WAIT, () -> !byPid.status().message().equals("not looked for yet"))).isTrue();
      AttachStatus p = byPid.status(); // its first look: a pid is looked for once
      assertEquals(AttachState.NOT_FOUND, p.state());
      assertThat(p.message()).isEqualTo("no process has pid " + pid);
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  @Test
  void notFoundThenRunningWhenTheProcessAppearsLater() throws Exception {
    Path program = trader();
    AttachedProcess later = supervisor.attach(AttachSpec.builder("later").commandLine("trader_tools/account001-" + nonce + " ")
        .rescanInterval(Duration.ofMillis(200)).build());
    AttachStatus first = later.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(AttachState.NOT_FOUND, first.state());
    assertThat(first.pids()).isEmpty();
    assertThat(later.sample()).isEmpty();
    try (Outsider o = Outsider.start(program)) {
      events.awaitAttach("later", AttachState.RUNNING, 1, WAIT);
      assertThat(later.status().pids()).containsExactly(o.pid());
      List<SupervisorEvent.AttachStateChanged> changes = events.of(SupervisorEvent.AttachStateChanged.class, "later");
      assertThat(changes).first().satisfies(c -> {
        assertEquals(AttachState.NOT_FOUND, c.from());
        assertEquals(AttachState.RUNNING, c.to());
      });
    }
  }

  @Test
  void aPidNamesOneProcessOnlyAndIsNeverSignalledOrReaped() throws Exception {
    Path program = Outsider.sleepAs(dir, "one-" + nonce);
    try (Outsider o = Outsider.start(program)) {
      AttachedProcess one = supervisor.attach(AttachSpec.builder("one").pid(o.pid()).build());
      events.awaitAttach("one", AttachState.RUNNING, 1, WAIT);
      assertThatThrownBy(() -> one.signal(Signal.SIGTERM)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("allowSignals");
      assertThat(supervisor.detach("one")).isTrue();
      events.await(SupervisorEvent.Detached.class, e -> e.process().equals("one"), 1, WAIT);
      assertThat(ProcessHandle.of(o.pid()).map(ProcessHandle::isAlive)).as("detach leaves it alone").hasValue(true);
      assertThat(supervisor.attached("one")).isEmpty();

      AttachedProcess again = supervisor.attach(AttachSpec.builder("one-again").pid(o.pid()).build());
      events.awaitAttach("one-again", AttachState.RUNNING, 1, WAIT);
      o.kill();
      events.awaitAttach("one-again", AttachState.STOPPED, 1, WAIT);
      assertThat(again.status().message()).isEqualTo("pid " + o.pid() + " exited");
    }
  }

  /**
   * A handle kept after its detach reads the last status before it, its message saying so: it read {@code RUNNING}
   * with no process at all (the matches were cleared and the state left as it was), which {@link AttachState#RUNNING}
   * (at least one matching process alive) rules out. Found attaching to a real redis-server by its pid file.
   */
  @Test
  void aDetachedHandleKeepsItsLastStatusWhole() throws Exception {
    Path program = Outsider.sleepAs(dir, "kept-" + nonce);
    try (Outsider o = Outsider.start(program)) {
      AttachedProcess kept = supervisor.attach(AttachSpec.builder("kept").pid(o.pid()).build());
      events.awaitAttach("kept", AttachState.RUNNING, 1, WAIT);
      AttachStatus before = kept.status();
      assertThat(supervisor.detach("kept")).isTrue();
      events.await(SupervisorEvent.Detached.class, e -> e.process().equals("kept"), 1, WAIT);
      AttachStatus after = kept.status();
      assertThat(after.processes()).as("detached: %s", after).isEqualTo(before.processes());
      assertThat(after.state()).isEqualTo(AttachState.RUNNING);
      assertThat(after.message()).isEqualTo("detached; at the last look: pid " + o.pid());
      assertThat(kept.rescan().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(after);
      assertThat(kept.sample()).as("nothing is sampled once detached").isEmpty();
    }
  }

  /**
   * A name or pattern that matches pid 1 (a container's main process, nginx's master where a sidecar shares its pid
   * namespace; the host's init): it is watched as any match. Its watch was refused ("pid must be between 2 and ..."):
   * it was never listed, the status's message was that error and each rescan logged it at WARN with its stack trace.
   */
  @Test
  void aMatchThatIsPidOneIsWatchedAsAnyOther() throws Exception {
    assumeTrue(SELF != 1, "this JVM is pid 1 here, and a supervisor never matches itself");
    String init = new String(Files.readAllBytes(Path.of("/proc/1/cmdline")), java.nio.charset.StandardCharsets.UTF_8)
        .replace('\0', ' ').strip();
    assumeTrue(!init.isEmpty(), "pid 1's command line cannot be read here");
    AttachedProcess one = supervisor.attach(AttachSpec.builder("init").commandLine("^" + java.util.regex.Pattern.quote(init) + "$")
        .build());
    AttachStatus first = one.rescan().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    AttachStatus again = one.rescan().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    for (AttachStatus s : List.of(first, again)) {
      assertThat(s.state()).as("%s", s).isEqualTo(AttachState.RUNNING);
      assertThat(s.pids()).as("%s", s).contains(1L);
      assertThat(s.message()).as("%s", s).doesNotContain("cannot watch");
    }
    assertThat(one.sample()).as("sampled like any match").hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(1L));
  }

  @Test
  void signalsGoThroughThePidfdOnlyWhenAllowed() throws Exception {
    try (Outsider o = Outsider.start(Outsider.sleepAs(dir, "sig-" + nonce))) {
      AttachedProcess p = supervisor.attach(AttachSpec.builder("sig").pid(o.pid()).allowSignals().build());
      events.awaitAttach("sig", AttachState.RUNNING, 1, WAIT);
      assertEquals(1, p.signal(Signal.SIGTERM));
      events.await(SupervisorEvent.AttachedLost.class, e -> e.process().equals("sig"), 1, WAIT);
      assertThat(o.awaitGone(WAIT)).isTrue();
      assertEquals(0, p.signal(Signal.SIGTERM), "nothing left to signal");
    }
  }

  @Test
  void namesAreSharedWithRegisteredProcesses() throws Exception {
    supervisor.attach(AttachSpec.builder("shared").commandLine("no-such-process-" + nonce).build());
    assertThatThrownBy(() -> supervisor.attach(AttachSpec.builder("shared").pid(2).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'shared'");
    assertThatThrownBy(() -> supervisor.register(io.github.vigil.ProcessSpec.builder("shared").command("/bin/true").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'shared'");
  }

  @Test
  void noDescriptorIsLeftOpenAndNoThreadIsAddedPerProcess() throws Exception {
    Path program = Outsider.sleepAs(dir, "bin/vf" + nonce);
    supervisor.attach(AttachSpec.builder("warm").commandLine("no-such-process-" + nonce).build()).rescan().toCompletableFuture().get();
    long pidfdsBefore = pidfds();
    int threadsBefore = Thread.activeCount();
    Outsider[] many = new Outsider[20];
    try {
      for (int i = 0; i < many.length; i++) {
        many[i] = Outsider.start(program);
      }
      AttachedProcess all = supervisor.attach(AttachSpec.builder("many").processName("vf" + nonce).build());
      events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals("many"), many.length, WAIT);
      assertThat(pidfds() - pidfdsBefore).as("one pidfd per watched process").isEqualTo(many.length);
      // at most the supervisor's fixed pool of two I/O threads (started on first use), none per process
      assertThat(Thread.activeCount() - threadsBefore).as("threads added for 20 watched processes").isLessThanOrEqualTo(2);
      for (int i = 0; i < 10; i++) {
        many[i].kill();
      }
      events.await(SupervisorEvent.AttachedLost.class, e -> e.process().equals("many"), 10, WAIT);
      assertThat(Processes.eventually(WAIT, () -> all.status().pids().length == 10)).isTrue();
      supervisor.detach("many");
      assertThat(Processes.eventually(WAIT, () -> pidfds() == pidfdsBefore)).as("pidfds closed on exit and detach").isTrue();
    } finally {
      for (Outsider o : many) {
        if (o != null) {
          o.close();
        }
      }
    }
  }

  private static long pidfds() {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.filter(p -> {
        try {
          return Files.readSymbolicLink(p).toString().contains("pidfd");
        } catch (IOException e) {
          return false;
        }
      }).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
