package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.EventRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log file is rotated between lines: a black-box run of a shell printing 3,000 numbered lines into files rotated at
 * 20,000 bytes found {@code chatty.out} beginning with {@code ne 2936} and {@code chatty.out.1} with {@code 7}, each
 * line cut where the size was reached, so that a grep for a line of a rotated log missed it. Nothing is lost either way.
 */
@Timeout(60)
class OutputFileRotationLinesTest {

  @TempDir Path dir;

  @Test
  void aRotatedFileHoldsWholeLines() throws Exception {
    Path out = dir.resolve("chatty.out");
    String script = "i=0; while [ $i -lt 3000 ]; do echo \"out line $i\"; i=$((i+1)); done";
    try (Supervisor sup = Supervisor.builder().name("rotation").backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      sup.register(ProcessSpec.builder("chatty").command("/bin/sh", "-c", script).startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.never())
          .output(OutputSpec.defaults().withFiles(out, null).withRotation(20_000, 5)).build()).start();
      rec.awaitState("chatty", ProcessState.EXITED, 1, Duration.ofSeconds(30));
    } // closes the files
    String expected = IntStream.range(0, 3000).mapToObj(i -> "out line " + i + "\n").collect(Collectors.joining());
    StringBuilder all = new StringBuilder();
    for (int i = 5; i >= 1; i--) {
      Path backup = dir.resolve("chatty.out." + i);
      if (Files.exists(backup)) {
        String content = Files.readString(backup);
        assertThat(content).as("%s", backup.getFileName()).startsWith("out line ").endsWith("\n");
        assertThat(Files.size(backup)).as("%s", backup.getFileName()).isLessThanOrEqualTo(20_000);
        all.append(content);
      }
    }
    String current = Files.readString(out);
    assertThat(current).as("chatty.out").startsWith("out line ").endsWith("\n");
    all.append(current);
    assertThat(all.toString()).as("the files, oldest first: nothing lost").isEqualTo(expected);
  }
}
