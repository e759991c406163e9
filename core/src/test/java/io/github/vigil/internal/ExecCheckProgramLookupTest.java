package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.CheckResult;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthReport;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exec health check's program is looked up on each attempt as a process's own program is on its restarts
 * ({@link StartChecks.LastHead}): its {@code #!} line is read once and again only when the file changed (device and
 * inode, size, modification time), while whether it exists, is executable, and its interpreter is there is looked at
 * every time. Real check commands on request ({@code checkNow()}), real files; the reads of the script's head are
 * counted through {@link StartChecks#headReadSeam}. The head was read on every attempt, on the check pool's thread.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class ExecCheckProgramLookupTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final Supervisor supervisor = Supervisor.builder().name("check-lookup").backend("jdk").build();
  private final String marker = (80000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);
  private final AtomicInteger headReads = new AtomicInteger();

  @AfterEach
  void tearDown() {
    StartChecks.headReadSeam = null;
    supervisor.close();
    assertThat(Processes.withMarker(marker)).isEmpty();
  }

  private Path script(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static CheckResult attempt(ProcessController p) throws Exception {
    HealthReport r = p.checkNow().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return r.check("probe").orElseThrow().last().orElseThrow();
  }

  @Test
  void theProgramsHeadIsReadAgainOnlyWhenTheFileChangedAndItsComingAndGoingIsNoticed() throws Exception {
    Path check = dir.resolve("check.sh");
    StartChecks.headReadSeam = p -> {
      if (p.equals(check)) {
        headReads.incrementAndGet();
      }
    };
    ProcessController p = supervisor.register(ProcessSpec.builder("feed").command("sleep", marker).startupGrace(Duration.ZERO)
        .healthCheck(HealthCheck.exec(check.toString()).name("probe").interval(Duration.ofHours(1)).initialDelay(Duration.ofHours(1))
            .action(HealthCheck.Action.NOTIFY).build())
        .build());
    p.start(WAIT);

    // not there yet
    assertThat(attempt(p).message()).isEqualTo("could not run " + check + ": binary " + check + " not found");
    assertThat(headReads).hasValue(0);

    // it appears: read once, then reused while the file is the same
    script("check.sh", "#!/bin/sh\necho ok\n#" + "-".repeat(200) + "\n"); // room for a longer #! line below
    assertThat(attempt(p).message()).isEqualTo("exit 0: ok");
    assertThat(attempt(p).message()).isEqualTo("exit 0: ok");
    assertThat(attempt(p).message()).isEqualTo("exit 0: ok");
    assertThat(headReads).as("one read for three attempts of the same file").hasValue(1);

    // rewritten in place, the same size: its modification time tells it changed
    FileTime before = Files.getLastModifiedTime(check);
    Path missing = dir.resolve("nosh");
    String text = "#!" + missing + "\n";
    text = text + "#".repeat((int) Files.size(check) - text.length() - 1) + "\n";
    Files.writeString(check, text);
    Files.setLastModifiedTime(check, FileTime.fromMillis(before.toMillis() + 2_000));
    assertThat(attempt(p).message()).isEqualTo("could not run " + check + ": script " + check + " names the interpreter " + missing
        + " in its #! line, which does not exist");
    assertThat(headReads).hasValue(2);

    // replaced by a rename that keeps the time: another inode
    Path next = script("check.sh.new", "#!/bin/sh\necho again\n");
    Files.setLastModifiedTime(next, Files.getLastModifiedTime(check));
    Files.move(next, check, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(attempt(p).message()).isEqualTo("exit 0: again");
    assertThat(attempt(p).message()).isEqualTo("exit 0: again");
    assertThat(headReads).hasValue(3);

    // gone: said at once, as before; back (the same text, a new file): read again
    Files.delete(check);
    assertThat(attempt(p).message()).isEqualTo("could not run " + check + ": binary " + check + " not found");
    script("check.sh", "#!/bin/sh\necho again\n");
    assertThat(attempt(p).message()).isEqualTo("exit 0: again");
    assertThat(headReads).hasValue(4);
  }
}
