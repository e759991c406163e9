package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.StdStream;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A black-box run: {@code stopAll()} of 200 children on the JDK backend took 9.5 s on JDK 25 and 22 s on JDK 17, and
 * under load a stop waited behind the others past its stop timeout and ended in {@code SIGKILL}: each stop read all of
 * {@code /proc} two or three times (its tree, its leftovers by {@code VIGIL_RUN_ID}, its session) on the two I/O
 * threads. Now the stops asked at once share a look taken after they were asked: a few passes, not one per stop, and
 * still every leftover found, also one that left the session with {@code setsid}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class JdkStopManyTest {
  private static final int CHILDREN = 200;
  private static final int DAEMONIZERS = 20; // of the CHILDREN: each leaves a setsid shell that carries its run's id

  private final String marker = "3000" + (System.nanoTime() % 100000); // a sleep duration no one else uses

  @TempDir
  Path dir;

  @AfterEach
  void killTheSleeps() {
    Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly);
  }

  private static long ready(Path dir) {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("ready-")).count();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  @Test
  void stopAllOfTwoHundredSharesItsLooksAtProcAndEndsEveryOneByItsStopSignal() throws Exception {
    // in a session of its own, with the run's id: touches a file when SIGTERM reaches it or its sleep (the stop signals
    // both, in either order: the sleep's end by SIGTERM ends the wait without the trap); SIGKILL would leave none. The
    // marker as its second argument, for the clean-up
    Path leftover = dir.resolve("leftover.sh");
    // Its files are made by the shell's own redirection, never by a forked touch: a process forked after the stop signal
    // gets the signal too (the backend signals the tree again), and a touch killed so made no file. It says so on its
    // output first (echo: a builtin), where the run's root may have exited already: it would die of SIGPIPE there, with no
    // file, if the run's output were read only until the root's exit
    Files.writeString(leftover, "trap 'echo \"term $$\"; : > \"$1/term-$$\"; exit 0' TERM\nsleep " + marker + " & : > \"$1/ready-$$\"; wait $!\n"
        + "[ $? -eq 143 ] && echo \"term $$\" && : > \"$1/term-$$\"\n");
    ConcurrentLinkedQueue<SupervisorEvent.Exited> exits = new ConcurrentLinkedQueue<>();
    CountDownLatch heard = new CountDownLatch(CHILDREN);
    try (Supervisor s = Supervisor.builder().name("jdk-stop-many").backend("jdk").build();
        AutoCloseable sub = s.subscribe(e -> {
          if (e instanceof SupervisorEvent.Exited x) {
            exits.add(x);
            heard.countDown();
          }
        })) {
      for (int i = 0; i < CHILDREN; i++) {
        List<String> command = i < DAEMONIZERS
            // its output the run's: read until the run's tree is gone, so a leftover that writes after the root's exit
            // does not die of SIGPIPE (it did before its TERM trap had run, while the JDK closed the pipes at the exit)
            ? List.of("/bin/sh", "-c", "(setsid /bin/sh " + leftover + " " + dir + " " + marker + " &); exec sleep " + marker + "1")
            : List.of("sleep", marker);
        s.register(ProcessSpec.builder("p" + i).command(command).startupGrace(Duration.ZERO).stopTimeout(Duration.ofSeconds(60)).build());
      }
      s.startAll().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(Processes.eventually(Duration.ofSeconds(30), () -> Processes.withMarker(marker).size() == CHILDREN + 2 * DAEMONIZERS))
          .as("%s roots, and a leftover shell and its sleep for each of %s", CHILDREN, DAEMONIZERS).isTrue();
      // each leftover with its trap set (the count above also took the subshells on their way to setsid): a SIGTERM
      // before it killed the shell without a word
      assertThat(Processes.eventually(Duration.ofSeconds(30), () -> ready(dir) == DAEMONIZERS)).as("leftovers ready: %s", ready(dir)).isTrue();

      long passesBefore = ProcScan.PASSES.get();
      long t0 = System.nanoTime();
      s.stopAll().toCompletableFuture().get(120, TimeUnit.SECONDS);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      long passes = ProcScan.PASSES.get() - passesBefore;
      LoggerFactory.getLogger(JdkStopManyTest.class).info("stopAll() of {} on the JDK backend: {} ms, {} passes over /proc",
          CHILDREN, tookMillis, passes);

      assertThat(heard.await(30, TimeUnit.SECONDS)).as("exits heard: %s", exits.size()).isTrue();
      assertThat(exits).as("every run ended by the stop signal, none by SIGKILL")
          .allSatisfy(x -> assertThat(x.exit().signal()).as("%s", x).isEqualTo(OptionalInt.of(15)));
      try (var terms = Files.list(dir)) {
        assertThat(terms.filter(f -> f.getFileName().toString().startsWith("term-")).count())
            .as("leftovers in sessions of their own that got SIGTERM").isEqualTo(DAEMONIZERS);
      }
      for (int i = 0; i < DAEMONIZERS; i++) {
        var c = s.controller("p" + i).orElseThrow();
        assertThat(Processes.eventually(Duration.ofSeconds(10), () -> c.outputTail(StdStream.STDOUT).stream()
            .anyMatch(l -> l.startsWith("term ")))).as("what the leftover of p%s said: %s", i, c.outputTail(StdStream.STDOUT)).isTrue();
      }
      assertThat(Processes.withMarker(marker)).as("left running").isEmpty();
      // two per stop before; a few now, more where other supervisors of this JVM look at /proc meanwhile (39 once, in a
      // whole suite's run)
      assertThat(passes).as("passes over /proc for %s stops", CHILDREN).isLessThan(CHILDREN / 2);
    }
  }
}
