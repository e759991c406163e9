package io.github.vigil.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Cgroups#keyed}: a {@code key value} line of a cgroup file, read on the exit path (OOM kill counts);
 * and a run's OOM counter kept open ({@link Cgroups.Run#keepOomCounterOpen}), read afresh from offset 0.
 */
class CgroupKeyedFileTest {
  @TempDir
  Path dir;

  @Test
  void readsTheValueOfTheLineWithTheKey() throws Exception {
    Path v1 = Files.writeString(dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
    Path v2 = Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n");
    assertEquals(3, Cgroups.keyed(v1, "oom_kill"));
    assertEquals(0, Cgroups.keyed(v1, "oom_kill_disable"));
    assertEquals(1, Cgroups.keyed(v2, "oom_kill"), "oom_kill, not the oom line before it nor oom_group_kill after it");
    assertEquals(2, Cgroups.keyed(v2, "oom"));
    Path events = Files.writeString(dir.resolve("cgroup.events"), "populated 1\nfrozen 0");
    assertEquals(1, Cgroups.keyed(events, "populated"));
    assertEquals(0, Cgroups.keyed(events, "frozen"), "the last line has no newline");
  }

  @Test
  void aMissingKeyAFileOrANumberIsMinusOne() throws Exception {
    Path f = Files.writeString(dir.resolve("memory.events"), "oom_kill x\nmax 1 2\nlow\n");
    assertEquals(-1, Cgroups.keyed(f, "oom_kill"), "not a number");
    assertEquals(-1, Cgroups.keyed(f, "max"), "more than one value");
    assertEquals(-1, Cgroups.keyed(f, "low"), "no value");
    assertEquals(-1, Cgroups.keyed(f, "high"), "no such line");
    assertEquals(-1, Cgroups.keyed(dir.resolve("absent"), "oom_kill"), "no such file");
    assertEquals(-1, Cgroups.keyed(Files.writeString(dir.resolve("empty"), ""), "oom_kill"));
  }

  @Test
  void aKeptOomCounterIsReadAfreshThroughItsDescriptor() throws Exception {
    Path events = Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
    Cgroups.Run run = new Cgroups.Run("keyed");
    run.v2 = dir;
    assertEquals(0, run.oomKills(), "by path, before it is kept open");
    run.keepOomCounterOpen();
    Files.writeString(events, "low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\n"); // same file, new text: read again from offset 0
    assertEquals(2, run.oomKills());
    Files.delete(events); // by path it would now be -1: only the descriptor kept open still reads it
    assertEquals(2, run.oomKills(), "read through the descriptor kept open");
    run.remove(); // closes it (the temporary directory itself is not a cgroup and stays)
    assertEquals(-1, run.oomKills(), "closed: by path again, and the file is gone");
  }
}
