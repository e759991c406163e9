package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachedProcess;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Gen;
import io.github.vigil.testing.Outsider;
import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #12 item 10: {@code processName} reads {@code argv[0]} up to its NUL, not up to its first space.
 * Per seed a name with spaces, parentheses, newlines, unicode, or longer than the kernel's 15 bytes runs
 * twice as a real non-child process: as a copy of {@code sleep} at {@code DIR/NAME} and, where bash is
 * installed, as {@code exec -a '/fake dir/NAME' sleep}. {@code processName(NAME)} finds both; the name
 * the old space-joined reading gave (the file name of the first word) finds neither.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(300)
class AttachNamesPropertyTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String[] PIECES = {" ", "  ", ") (", "(", ")", "\n", "é", "ü", "日本", "—", "-", "_", ".", "x", "feed", "server", "1", "a) (b"};
  private static Supervisor supervisor;
  private static final EventRecorder events = new EventRecorder();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    supervisor = Supervisor.builder().name("attach-names").backend("linux").build();
    supervisor.subscribe(events);
  }

  @AfterAll
  static void stop() {
    supervisor.close();
  }

  static LongStream seeds() {
    return Gen.seeds(12);
  }

  /** {@code processName(oldName)} finds a sentinel sleep of that name and none of {@code ours}. */
  private void assertOnlySentinel(long seed, String attachment, String oldName, long... ours) throws Exception {
    Path sentinel = Outsider.sleepAs(dir.resolve("sentinel-" + attachment), oldName);
    try (Outsider s = Outsider.start(sentinel)) {
      awaitExec(s.pid(), sentinel.toString());
      AttachedProcess w = supervisor.attach(AttachSpec.builder(attachment).processName(oldName).build());
      events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals(attachment) && e.found().pid() == s.pid(), 1, WAIT);
      assertThat(w.status().pids()).as("seed %d: '%s' matches the sentinel, not %s", seed, oldName, java.util.Arrays.toString(ours))
          .contains(s.pid()).doesNotContain(ours);
      supervisor.detach(attachment);
    }
  }

  /** Waits until the launcher's fork has exec'd: its argv[0] is {@code argv0} (the pid is printed before the exec). */
  private static void awaitExec(long pid, String argv0) throws Exception {
    byte[] want = (argv0 + "\0").getBytes(StandardCharsets.UTF_8);
    assertThat(Processes.eventually(WAIT, () -> {
      try {
        byte[] cmdline = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
        return cmdline.length >= want.length && java.util.Arrays.equals(cmdline, 0, want.length, want, 0, want.length);
      } catch (java.io.IOException e) {
        return false;
      }
    })).as("pid %d runs as '%s'", pid, argv0).isTrue();
  }

  /** A name that is a valid file name: no '/', no NUL, not blank, not starting with '-'. */
  static String name(SplittableRandom r, long seed) {
    StringBuilder b = new StringBuilder("q").append(Long.toHexString(seed & 0xfff));
    int pieces = 1 + r.nextInt(r.nextBoolean() ? 4 : 25); // sometimes far past 15 bytes
    for (int i = 0; i < pieces; i++) {
      b.append(PIECES[r.nextInt(PIECES.length)]);
    }
    b.append(' ').append("end").append(r.nextInt(1000)); // at least one space, so the old reading cuts it
    return b.toString();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aNameWithSpacesParenthesesNewlinesUnicodeOrLengthIsFoundExactly(long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    String name = name(r, seed);
    Path copy = Outsider.sleepAs(dir, name);
    Path bash = Path.of("/bin/bash");
    try (Outsider byPath = Outsider.start(copy)) {
      Process aliased = null;
      long aliasedPid = -1;
      if (Files.isExecutable(bash)) {
        ProcessBuilder pb = new ProcessBuilder(bash.toString(), "-c", "exec -a \"$ALIAS\" sleep 1000 </dev/null >/dev/null 2>&1 & echo $!; wait");
        pb.environment().put("ALIAS", "/fake dir/" + name);
        aliased = pb.start();
        aliasedPid = Long.parseLong(new BufferedReader(new InputStreamReader(aliased.getInputStream(), StandardCharsets.US_ASCII)).readLine().trim());
      }
      try {
        awaitExec(byPath.pid(), copy.toString());
        if (aliasedPid > 0) {
          awaitExec(aliasedPid, "/fake dir/" + name);
        }
        String attachment = "names-" + seed;
        long expectedAlias = aliasedPid;
        AttachedProcess a = supervisor.attach(AttachSpec.builder(attachment).processName(name).build());
        events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals(attachment) && e.found().pid() == byPath.pid(), 1, WAIT);
        if (expectedAlias > 0) {
          events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals(attachment) && e.found().pid() == expectedAlias, 1, WAIT);
          assertThat(a.status().pids()).as("seed %d, name '%s'", seed, name).containsExactlyInAnyOrder(byPath.pid(), expectedAlias);
        } else {
          assertThat(a.status().pids()).as("seed %d, name '%s'", seed, name).containsExactly(byPath.pid());
        }
        supervisor.detach(attachment);

        // what reading argv[0] up to its first space gave: the file name of the first word. A sentinel runs
        // under that name, so the attachment's first look is known to be done once it is found.
        String cut = (dir + "/" + name).substring(0, (dir + "/" + name).indexOf(' '));
        assertOnlySentinel(seed, "cut-" + seed, cut.substring(cut.lastIndexOf('/') + 1), byPath.pid(), expectedAlias);
        assertOnlySentinel(seed, "fake-" + seed, "fake", byPath.pid(), expectedAlias);
      } finally {
        if (aliased != null) {
          ProcessHandle.of(aliasedPid).ifPresent(ProcessHandle::destroyForcibly);
          aliased.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }
}
