package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Kernel log lines of OOM kills, as seen on kernel 6.18 through /dev/kmsg and dmesg. */
class OomKillRecordTest {

  @Test
  void parsesAMemcgKillFromKmsg() {
    String record = "3,2291,1481725624,-;Memory cgroup out of memory: Killed process 30695 (sh) total-vm:74276kB, "
        + "anon-rss:64640kB, file-rss:1416kB, shmem-rss:0kB, UID:0 pgtables:176kB oom_score_adj:0";
    assertEquals(new OomKillRecord(30695, "sh", (64640L + 1416) * 1024), OomKillRecord.parse(record).orElseThrow());
  }

  @Test
  void parsesASystemWideKillWithSpacesInTheName() {
    String line = "[ 12.5] Out of memory: Killed process 77 (my (odd) hog) total-vm:1000kB, anon-rss:10kB, file-rss:20kB, shmem-rss:30kB, UID:0";
    assertEquals(new OomKillRecord(77, "my (odd) hog", 60L * 1024), OomKillRecord.parse(line).orElseThrow());
  }

  @Test
  void otherLinesAreNotKills() {
    assertThat(OomKillRecord.parse("6,1,2,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),task=sh,pid=30695,uid=0")).isEmpty();
    assertThat(OomKillRecord.parse("")).isEmpty();
    assertThat(OomKillRecord.parse("Killed process 12 (x)")).isEmpty();
  }
}
