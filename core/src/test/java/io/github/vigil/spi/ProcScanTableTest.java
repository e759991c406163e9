package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK backend's pass over {@code /proc} reads each {@code stat} line in place (no string or array of fields per
 * process): here against real processes, those whose names the kernel writes with {@code ")"}, {@code "("} and spaces
 * in them (the name ends at the last {@code ")"}), a session's members, and zombies, which a tree leaves out.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class ProcScanTableTest {
  private final String marker = "3000" + (System.nanoTime() % 100000); // a sleep duration no one else uses
  private final List<Process> started = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void killThem() {
    Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly);
    started.forEach(Process::destroyForcibly);
  }

  private Process start(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    started.add(p);
    return p;
  }

  private static String stat(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (java.io.IOException e) {
      return ""; // gone
    }
  }

  private static ProcScan.Table table() {
    return ProcScan.table("VIGIL_SCAN_TEST", 0, System.nanoTime());
  }

  @Test
  void aChildWhoseNameHoldsParenthesesAndSpacesIsFoundByItsParent() throws Exception {
    Path odd = dir.resolve("a) b (c) d");
    Files.copy(Path.of("/bin/sleep"), odd);
    odd.toFile().setExecutable(true);
    Process root = start("/bin/sh", "-c", "\"$0\" " + marker + " & wait", odd.toString());
    // until the child runs the odd program: just forked, it is still the shell (a CI run under load read "(sh)")
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> root.toHandle().children().anyMatch(h -> stat(h.pid()).contains("(a) b (c) d)"))))
        .as("a child of %s named (a) b (c) d", root.pid()).isTrue();
    long child = root.toHandle().children().findFirst().orElseThrow().pid();

    List<ProcessHandle> tree = table().runTree(root.pid(), ProcFiles.startTicks(root.pid()), -1, -1, "none", -1);

    assertThat(tree).extracting(ProcessHandle::pid).containsExactly(child);
  }

  @Test
  void aSessionsMembersAreFoundByTheirSessionAndZombiesAreLeftOut() throws Exception {
    // setsid execs in the child (not a group leader): the shell leads a session of its own; its first child exits at
    // once and is never reaped (the shell has exec'd sleep, which does not wait), its second lives
    Process leader = start("/usr/bin/setsid", "/bin/sh", "-c", "sleep " + marker + " & true & exec sleep " + marker);
    long sid = leader.pid();
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> zombiesOf(sid) == 1 && leader.toHandle().children().count() == 2)).isTrue();
    long live = leader.toHandle().children().filter(h -> !ProcFiles.isZombie(h.pid())).findFirst().orElseThrow().pid();

    ProcScan.Table table = table();

    assertThat(table.sessionMembers(sid, ProcFiles.startTicks(sid))).extracting(ProcessHandle::pid).containsExactlyInAnyOrder(sid, live);
    assertThat(table.runTree(sid, ProcFiles.startTicks(sid), -1, -1, "none", -1)).extracting(ProcessHandle::pid).containsExactly(live);
  }

  @Test
  void theRunIdIsFoundInTheEnvironmentsOfThoseStartedSinceTheRun() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "exec sleep " + marker).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("VIGIL_SCAN_TEST", "run-7");
    Process carrier = pb.start();
    started.add(carrier);
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.cmdline(carrier.pid()).map(c -> c.startsWith("sleep")).orElse(false))).isTrue();
    long since = ProcFiles.startTicks(carrier.pid());

    assertThat(ProcScan.table("VIGIL_SCAN_TEST", since, System.nanoTime()).carrying("run-7")).extracting(ProcessHandle::pid).containsExactly(carrier.pid());
    assertThat(ProcScan.table("VIGIL_SCAN_TEST", since + 1, System.nanoTime()).carrying("run-7")).isEmpty(); // started before: not read
  }

  private static long zombiesOf(long parent) {
    return ProcessHandle.of(parent).map(h -> h.children().filter(c -> ProcFiles.isZombie(c.pid())).count()).orElse(0L);
  }
}
