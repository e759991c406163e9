package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.journal.Journal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar, run as cli/README.md says ({@code java -jar cli/target/vigil-cli-VERSION.jar status --journal FILE}),
 * on JDK 24 or later prints no native-access warning: its manifest says {@code Enable-Native-Access: ALL-UNNAMED}, as the
 * root README tells an executable jar to, for SQLite's JDBC driver, which loads its library with {@code System.load}.
 * Every command printed four {@code WARNING:} lines first on JDK 25 (found as a new user reading the demo's journal).
 *
 * <p>Runs in the {@code verify} build only, after the jar is made (the {@code runnable-jar} execution of the module's
 * POM passes its path as {@code vigil.cli.jar}); on a JDK before 24 with no JDK 25 at the Temurin path, skipped.
 */
@Timeout(120)
class RunnableJarNativeAccessTest {

  private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  @TempDir
  Path dir;

  @Test
  void theJarRunsWithoutANativeAccessWarningOnJdk24AndLater() throws Exception {
    String jar = System.getProperty("vigil.cli.jar");
    assumeTrue(jar != null, "the runnable jar is tested in the verify build (vigil.cli.jar is set by its execution)");
    Path java = Runtime.version().feature() >= 24 ? Path.of(System.getProperty("java.home"), "bin", "java") : TEMURIN_25;
    assumeTrue(Files.isExecutable(java), "no JDK 24 or later to run the jar on");
    Path db = dir.resolve("journal.db");
    try (Journal journal = Journal.builder().sqlite(db).snapshotInterval(Duration.ZERO).build()) {
      assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
    }
    Path err = dir.resolve("stderr.txt");
    Process p = new ProcessBuilder(java.toString(), "-jar", jar, "status", "--journal", db.toString()).directory(dir.toFile())
        .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("vigil status ended").isTrue();
    String stderr = read(err);
    assertThat(p.exitValue()).as(stderr).isEqualTo(VigilCli.NOTHING); // a journal with no rows yet
    assertThat(read(dir.resolve("stdout.txt"))).contains("The journal has no processes yet.");
    assertThat(stderr).as("what vigil status printed on stderr with " + java).doesNotContain("WARNING");
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
