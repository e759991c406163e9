package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's SQLite file on a real 2 MiB tmpfs that fills up while a supervised process keeps crashing and being
 * restarted (in a JVM of its own, {@link DiskFullJournalMain}, whose log is read): the supervisor goes on (its events
 * keep coming), the journal says once that its file cannot be written because the disk is full, says once that it
 * drops, and says how many events it dropped when it is closed on the full disk; once space returns it writes
 * again and records the hole. Needs root (to mount the tmpfs); skipped, saying so, elsewhere.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class DiskFullJournalTest {

  @TempDir Path tmp;

  @Test
  void closedOnAFullDiskItSaysHowManyEventsItDropped() throws Exception {
    Path mnt = mount();
    try {
      Run run = run(mnt, "keep");
      List<String> failures = run.log.stream().filter(l -> l.contains("Journal database") && l.contains("disk is full")).toList();
      assertThat(failures).as("one warning names the file and the cause, not one per failed write:\n%s", run.log).hasSize(1);
      assertThat(failures.get(0)).contains(mnt.resolve("journal.db").toString(), "cannot be written, its disk is full", "SQLITE_FULL");
      assertThat(run.log.stream().filter(l -> l.contains("Journal buffer full (20 entries)") && l.contains("dropping snapshots first, then events")))
          .as("one warning when the buffer starts dropping:\n%s", run.log).hasSize(1);
      long dropped = run.stat("eventsDropped");
      assertThat(dropped).isGreaterThanOrEqualTo(10);
      assertThat(run.log).as("the close says how many events were dropped").anySatisfy(l -> assertThat(l)
          .contains("Journal closed with", "and " + dropped + " events and " + run.stat("snapshotsDropped") + " snapshots dropped in all",
              mnt.resolve("journal.db").toString(), "disk is full"));
      assertThat(run.number("HEARD-AT-DROP")).as("the supervisor went on while the journal could not write")
          .isGreaterThan(run.number("HEARD-AT-FULL") + 10);
    } finally {
      unmount(mnt);
    }
  }

  @Test
  void whenSpaceReturnsItWritesAgainAndRecordsTheHole() throws Exception {
    Path mnt = mount();
    try {
      Run run = run(mnt, "free");
      assertThat(run.out).contains("FLUSHED true");
      assertThat(run.log).anySatisfy(l -> assertThat(l).contains("Journal database", mnt.resolve("journal.db").toString(), "reachable again"));
      assertThat(run.log).anySatisfy(l -> assertThat(l).contains("Journal buffer was full:", run.stat("eventsDropped") + " events dropped in all"));
      assertThat(run.number("GAP-ROWS")).as("an EventsDropped row says where the journal has a hole").isPositive();
      assertThat(run.stat("buffered")).isZero();
      assertThat(run.log).noneSatisfy(l -> assertThat(l).contains("Journal closed with"));
    } finally {
      unmount(mnt);
    }
  }

  private record Run(String out, List<String> log) {
    long number(String key) {
      Matcher m = Pattern.compile("(?m)^" + key + " (\\d+)$").matcher(out);
      assertThat(m.find()).as("%s in %s", key, out).isTrue();
      return Long.parseLong(m.group(1));
    }

    long stat(String field) {
      Matcher m = Pattern.compile("STATS .*\\b" + field + "=(\\d+)").matcher(out);
      assertThat(m.find()).as("%s in %s", field, out).isTrue();
      return Long.parseLong(m.group(1));
    }
  }

  private Run run(Path mnt, String mode) throws Exception {
    Path err = tmp.resolve(mode + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.log.io.github.vigil.journal.Writer=info",
        "-cp", System.getProperty("java.class.path"), DiskFullJournalMain.class.getName(), mnt.toString(), mode)
        .redirectError(err.toFile()).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      List<String> log = Files.readAllLines(err);
      assertThat(p.exitValue()).as("the journal's JVM: %s\n%s", out, log).isZero();
      return new Run(out, log);
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Path mount() throws IOException, InterruptedException {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt.toString()).redirectErrorStream(true).start();
    String said = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assumeTrue(m.waitFor() == 0, () -> "cannot mount a tmpfs here: " + said);
    return mnt;
  }

  private static void unmount(Path mnt) throws IOException, InterruptedException {
    Process u = new ProcessBuilder("umount", mnt.toString()).redirectErrorStream(true).start();
    String said = new String(u.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(u.waitFor()).as("umount %s: %s", mnt, said).isZero();
  }
}
