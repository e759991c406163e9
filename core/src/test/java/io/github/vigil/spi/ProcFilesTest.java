package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link ProcFiles} on this machine's {@code /proc}: what the JDK backend, the engine and the Linux backend share. */
@Timeout(30)
class ProcFilesTest {

  @Test
  void aProcessEntryIsOneOfAsciiDigitsThatFitsALong() {
    assertThat(ProcFiles.pid("1")).isEqualTo(1);
    assertThat(ProcFiles.pid("4194304")).isEqualTo(4194304);
    assertThat(ProcFiles.pid("")).isEqualTo(-1);
    assertThat(ProcFiles.pid("self")).isEqualTo(-1);
    assertThat(ProcFiles.pid("1a")).isEqualTo(-1);
    assertThat(ProcFiles.pid("99999999999999999999")).isEqualTo(-1);
  }

  /**
   * Every state letter of {@code proc(5)}: {@code Z} is a zombie (exited, waits for its parent to reap it), {@code Z},
   * {@code X} and {@code x} (dead) have ended; the rest have not. A dead process is gone an instant later, so no real
   * process shows {@code X} on demand: this is the parsing that {@link ProcFiles#isLive} and every reader of a state
   * letter go by.
   */
  @Test
  void stateLettersOfProc5() {
    String ended = "ZXx";
    for (char c : "RSDZTtWXxKPI".toCharArray()) {
      assertThat(ProcFiles.isEndedState(c)).as("ended: %s", c).isEqualTo(ended.indexOf(c) >= 0);
      assertThat(ProcFiles.isZombieState(c)).as("zombie: %s", c).isEqualTo(c == 'Z');
    }
    for (int c = 0; c < 256; c++) { // any other byte, as a torn or foreign line may hold
      if (ended.indexOf(c) < 0) {
        assertThat(ProcFiles.isEndedState(c)).as("ended: %d", c).isFalse();
      }
    }
    assertThat(ProcFiles.isEndedState((byte) 'X')).as("a byte of a stat buffer").isTrue();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void thisJvmIsListedLiveWithItsStartTime() {
    long self = ProcessHandle.current().pid();
    List<Long> pids = new ArrayList<>();
    ProcFiles.forEachProcess((dir, pid) -> {
      assertThat(dir.getFileName().toString()).isEqualTo(Long.toString(pid));
      pids.add(pid);
    });

    assertThat(ProcFiles.available()).isTrue();
    assertThat(pids).contains(self, 1L);
    assertThat(ProcFiles.startTicks(self)).isPositive();
    String[] f = ProcFiles.statFields(self);
    assertThat(f).isNotNull();
    assertThat(Long.parseLong(f[19])).isEqualTo(ProcFiles.startTicks(self));
    assertThat(ProcFiles.isLive(ProcessHandle.current())).isTrue();
    assertThat(ProcFiles.hasEnded(self)).isFalse();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void anUnreapedChildIsAZombieAndNotLive() throws Exception {
    // sh forks true, then execs sleep, which never reaps it: true stays a zombie while sleep runs
    Process p = new ProcessBuilder("/bin/sh", "-c", "/bin/true & exec sleep 30").start();
    try {
      ProcessHandle zombie = null;
      while (zombie == null) {
        zombie = p.toHandle().children().filter(h -> ProcFiles.isZombie(h.pid())).findFirst().orElse(null);
        Thread.sleep(10);
      }
      assertThat(zombie.isAlive()).as("the JDK counts a zombie alive").isTrue();
      assertThat(ProcFiles.isLive(zombie)).isFalse();
      assertThat(ProcFiles.hasEnded(zombie.pid())).isTrue();
      assertThat(ProcFiles.statFields(zombie.pid())[0]).isEqualTo("Z");
      assertThat(ProcFiles.isZombie(p.pid())).isFalse();
      assertThat(ProcFiles.hasEnded(p.pid())).isFalse();
      assertThat(ProcFiles.isLive(p.toHandle())).isTrue();
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aProcessThatIsGoneHasNothing() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long pid = p.pid();

    assertThat(ProcFiles.statFields(pid)).isNull();
    assertThat(ProcFiles.startTicks(pid)).isEqualTo(-1);
    assertThat(ProcFiles.isZombie(pid)).isFalse();
    assertThat(ProcFiles.hasEnded(pid)).as("gone: ProcessHandle says so").isFalse();
  }
}
