package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HealthCheck;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * How an exec health check's end is learnt: on a thread of the health executor's own, kept for that, and not through
 * {@link Process#onExit()}, whose future completes on {@code CompletableFuture}'s default executor. Up to JDK 24 on a
 * machine of one or two CPUs (the common pool's parallelism 1, as here) that executor started a new thread for every
 * attempt's end, all day long; elsewhere it is the common pool, whose threads the end's handling (a look in
 * {@code /proc}, the output file's read) then blocked. Real check commands ({@code true}, {@code sleep}), straight on a
 * {@link HealthExecutor}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ExecCheckThreadsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int ATTEMPTS = 30;
  private final String marker = (60000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);
  private final StartChecks.LastHead head = new StartChecks.LastHead();

  private HealthExecutor.Attempt attempt(HealthExecutor health, String... command) {
    HealthCheck check = HealthCheck.exec(command).name("probe").build();
    return health.start(check, "svc", ProcessHandle.current().pid(), Map.copyOf(System.getenv()), null, WAIT, new AtomicBoolean(), head);
  }

  @Test
  void eachAttemptsEndIsLearntOnTheExecutorsOwnThreadsAndStartsNoThread() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    String prefix = "vigil-exec-threads-health-";
    String testThread = Thread.currentThread().getName();
    long fdsBefore;
    long tempBefore;
    long started;
    Set<String> learntOn = new TreeSet<>();
    try (HealthExecutor health = new HealthExecutor("exec-threads")) {
      for (int i = 0; i < 3; i++) { // the pool's threads, the exec waiter, the JDK's reaper thread: started once
        assertThat(attempt(health, "true").result().get(WAIT.toSeconds(), TimeUnit.SECONDS).passed()).isTrue();
      }
      fdsBefore = openFds();
      tempBefore = checkOutputFiles();
      long before = mx.getTotalStartedThreadCount();
      for (int i = 0; i < ATTEMPTS; i++) {
        HealthExecutor.Attempt a = attempt(health, "true");
        // runs on the thread that completes the result, which learnt of the end (on this one if it is done already).
        // Waited for itself: a thread waiting on the result helps run its dependents once woken
        CompletableFuture<String> on = a.result().thenApply(r -> Thread.currentThread().getName());
        learntOn.add(on.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(a.result().get()).isEqualTo(HealthExecutor.Result.pass("exit 0"));
      }
      started = mx.getTotalStartedThreadCount() - before;
      assertThat(checkOutputFiles()).as("the checks' output files, all deleted").isEqualTo(tempBefore);
      assertThat(openFds()).as("open descriptors after %d attempts", ATTEMPTS).isLessThanOrEqualTo(fdsBefore + 2);
    }
    System.out.printf("%d exec check attempts: %d threads started in this JVM; ends learnt on %s%n", ATTEMPTS, started, learntOn);
    learntOn.remove(testThread);
    assertThat(learntOn).as("threads the checks' ends were learnt on").isNotEmpty().allMatch(n -> n.startsWith(prefix + "exec-"));
    assertThat(started).as("threads started in this JVM by %d sequential attempts (ends learnt on %s)", ATTEMPTS, learntOn)
        .isLessThanOrEqualTo(3);
    assertThat(Processes.vigilThreads()).as("threads left after the close").noneMatch(n -> n.startsWith(prefix));
  }

  @Test
  void checksThatRunLongHoldNoThreadOtherChecksNeed() throws Exception {
    try (HealthExecutor health = new HealthExecutor("exec-long")) {
      List<HealthExecutor.Attempt> hung = new ArrayList<>();
      for (int i = 0; i < HealthExecutor.POOL_THREADS + 2; i++) {
        hung.add(attempt(health, "sleep", marker));
      }
      assertThat(Processes.eventually(WAIT, () -> Processes.withMarker(marker).size() == hung.size()))
          .as("the long checks running: %s", Processes.withMarker(marker)).isTrue();
      assertThat(Processes.eventually(WAIT, () -> waiters("vigil-exec-long") == hung.size()))
          .as("one exec waiter per check running: %s", Processes.vigilThreads()).isTrue();
      // with their ends waited for on the pool, the long checks would hold both its threads: this one would wait for them
      HealthExecutor.Result r = attempt(health, "true").result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(r.passed()).as("a short check while %d long ones run: %s", hung.size(), r).isTrue();
      hung.forEach(HealthExecutor.Attempt::abandon); // as at their timeouts: their trees are killed
      for (HealthExecutor.Attempt a : hung) {
        assertThat(a.result().get(WAIT.toSeconds(), TimeUnit.SECONDS).message()).isEqualTo("exit 137");
      }
      assertThat(Processes.withMarker(marker)).as("the abandoned checks' processes").isEmpty();
    }
    assertThat(Processes.vigilThreads()).as("threads left after the close").noneMatch(n -> n.startsWith("vigil-exec-long-health"));
  }

  @Test
  void closeKillsTheChecksRunningLearnsTheirEndsAndLeavesNoThread() throws Exception {
    List<HealthExecutor.Attempt> running = new ArrayList<>();
    long tempBefore = checkOutputFiles();
    HealthExecutor health = new HealthExecutor("exec-close");
    try {
      for (int i = 0; i < 3; i++) {
        running.add(attempt(health, "sleep", marker));
      }
      assertThat(Processes.eventually(WAIT, () -> Processes.withMarker(marker).size() == running.size()))
          .as("the checks running: %s", Processes.withMarker(marker)).isTrue();
    } finally {
      health.close();
    }
    // by the time close() returns: the checks killed, their ends handled, the executor's threads ended
    assertThat(Processes.vigilThreads()).as("threads left after the close").noneMatch(n -> n.startsWith("vigil-exec-close-health"));
    for (HealthExecutor.Attempt a : running) {
      assertThat(a.result()).as("an attempt the close ended").isDone();
      assertThat(a.result().get().message()).isEqualTo("exit 137");
    }
    assertThat(Processes.withMarker(marker)).as("the checks' processes").isEmpty();
    assertThat(checkOutputFiles()).as("the checks' output files, all deleted").isEqualTo(tempBefore);
  }

  private static long waiters(String supervisor) {
    return Processes.vigilThreads().stream().filter(n -> n.startsWith(supervisor + "-health-exec-")).count();
  }

  private static long openFds() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  private static long checkOutputFiles() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("vigil-check-")).count();
    }
  }
}
