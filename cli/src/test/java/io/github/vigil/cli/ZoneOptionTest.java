package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --zone} takes a zone in any letter case, as one types it at a prompt ({@code utc}, {@code asia/shanghai}): it
 * was refused as "not a time zone", zone ids being case-sensitive in {@code java.time}. What no zone is named in any
 * case is refused, naming the option and the value, with examples.
 */
@Timeout(60)
class ZoneOptionTest {
  @TempDir
  Path dir;

  @Test
  void aZoneInAnyLetterCaseIsTakenAndNoZoneIsRefusedNamingIt() throws Exception {
    Path db = dir.resolve("journal.db");
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      io.github.vigil.journal.KnownWeek.feed(journal); // events whose times are written in the zone
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
    String[] at = {"--now", "2026-11-30T00:00:00Z", "--color", "never"};
    for (String zone : new String[] {"UTC", "utc", "Asia/Shanghai", "asia/shanghai", "ASIA/SHANGHAI", "utc+8", "+08:00"}) {
      CliGoldenTest.Result r = CliGoldenTest.runOn(db, concat(new String[] {"events", "--since", "30d", "--limit", "1", "--zone", zone}, at));
      assertThat(r.code()).as("--zone %s: %s", zone, r.err()).isZero();
    }
    assertThat(CliGoldenTest.runOn(db, concat(new String[] {"events", "--since", "30d", "--limit", "1", "--zone", "asia/shanghai"}, at)).out())
        .as("the times in the zone named").isEqualTo(
            CliGoldenTest.runOn(db, concat(new String[] {"events", "--since", "30d", "--limit", "1", "--zone", "Asia/Shanghai"}, at)).out());
    CliGoldenTest.Result bad = CliGoldenTest.runOn(db, concat(new String[] {"events", "--since", "30d", "--zone", "Mars/Olympus"}, at));
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--zone: not a time zone: 'Mars/Olympus' (e.g. Asia/Shanghai, UTC, +08:00)");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
