package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command's usage lists {@code -V, --version} ("Print version information and exit"), as {@code vigil --help}
 * does: each prints the version {@code vigil --version} prints. A command's own {@code -V} printed nothing and exited 0
 * (found by following cli/README.md: {@code vigil status -V}).
 */
class VersionOptionTest {

  @ParameterizedTest
  @ValueSource(strings = {"status", "history", "restarts", "crash", "events", "diagnose"})
  void eachCommandsVersionOptionPrintsTheVersion(String command) {
    String version = run("--version");
    assertThat(version).startsWith("vigil ");
    assertThat(run(command, "--version")).as(command + " --version").isEqualTo(version);
    assertThat(run(command, "-V")).as(command + " -V").isEqualTo(version);
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VigilCli.run(args, new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
    return out.toString();
  }
}
