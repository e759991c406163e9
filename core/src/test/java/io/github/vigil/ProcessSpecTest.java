package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessSpecTest {

  @Test
  void buildsAnImmutableSpec() {
    ProcessSpec spec = ProcessSpec.builder("quote-feed.XLON_1").command("/opt/feed", "--venue", "XLON")
        .workingDirectory(Path.of("/tmp")).env("VENUE", "XLON").unsetEnv("HOME").label("type", "QUOTE").label("account", "001")
        .stopSignal(Signal.SIGINT).stopTimeout(Duration.ofSeconds(3)).startupGrace(Duration.ofSeconds(2)).build();
    assertThat(spec.command()).containsExactly("/opt/feed", "--venue", "XLON");
    assertThat(spec.labels()).containsEntry("type", "QUOTE").containsEntry("account", "001");
    assertThat(spec.environment().resolve(Map.of("HOME", "/root", "PATH", "/bin")))
        .containsEntry("VENUE", "XLON").containsEntry("PATH", "/bin").doesNotContainKey("HOME");
    assertThat(spec.toBuilder().label("type", "ORDER").build().labels()).containsEntry("type", "ORDER");
    assertThat(spec.labels()).containsEntry("type", "QUOTE");
    assertThatThrownBy(() -> spec.command().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void badNamesAreRejectedWithTheValue() {
    for (String bad : new String[] {"", " ", "quote feed", "feed/1", "a:b"}) {
      assertThatThrownBy(() -> ProcessSpec.builder(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name").hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> ProcessSpec.builder(null)).hasMessageContaining("name");
  }

  @Test
  void aNullOrNulArgumentIsRefusedNamingTheProcessAndTheArgument() {
    assertThatThrownBy(() -> ProcessSpec.builder("x").command("/bin/echo", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command of 'x' has a null argument 1: [\"/bin/echo\", null]");
    assertThatThrownBy(() -> ProcessSpec.builder("x").command(java.util.Arrays.asList(null, "a"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("command of 'x' has a null argument 0");
    assertThatThrownBy(() -> ProcessSpec.builder("x").command("/bin/echo", "a\0b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("command of 'x' has a NUL character in its argument 1");
    assertThatThrownBy(() -> ProcessSpec.builder("x").command((String[]) null)).isInstanceOf(NullPointerException.class).hasMessage("command");
  }

  /**
   * An empty or blank program is shown quoted: {@code command("")} was refused as "must name a program: []", as if the
   * command had no argument, and {@code command("  ", "a")} as {@code [  , a]} (a black-box run).
   */
  @Test
  void anEmptyOrBlankProgramIsShownQuotedInTheMessage() {
    assertThatThrownBy(() -> ProcessSpec.builder("x").command("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command of 'x' must name a program: [\"\"]");
    assertThatThrownBy(() -> ProcessSpec.builder("x").command("  ", "a")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command of 'x' must name a program: [\"  \", \"a\"]");
    assertThatThrownBy(() -> ProcessSpec.builder("x").command(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command of 'x' must name a program: []");
    assertThatThrownBy(() -> ProcessSpec.builder("x").command("sleep", "1\0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command of 'x' has a NUL character in its argument 1: [\"sleep\", \"1\\0\"]");
  }

  /**
   * A dependency no process can be named is refused by the builder, naming it: {@code dependsOn("")} was taken, printed as
   * {@code dependsOn=[]} by the spec's toString, and refused only at the register, as an unknown process (a black-box run).
   */
  @Test
  void aDependencyNoProcessCanBeNamedIsRefusedByTheBuilder() {
    for (String bad : new String[] {"", " ", "quote feed", "feed/1"}) {
      assertThatThrownBy(() -> ProcessSpec.builder("x").command("sleep", "1").dependsOn(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("dependsOn of 'x' must be a process name, 1 to 128 letters, digits, '.', '_' or '-': '" + bad + "'");
    }
    assertThatThrownBy(() -> ProcessSpec.builder("x").command("sleep", "1").dependsOn(null, Dependency.Condition.HEALTHY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("'_' or '-': null");
    assertThat(ProcessSpec.builder("x").command("sleep", "1").dependsOn("quote-feed.XLON_1").build().dependencies())
        .extracting(Dependency::name).containsExactly("quote-feed.XLON_1");
  }

  @Test
  void badSettingsNameTheFieldAndValue() {
    assertThatThrownBy(() -> ProcessSpec.builder("a").stopTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("stopTimeout").hasMessageContaining("-1.00 s");
    assertThatThrownBy(() -> ProcessSpec.builder("a").startupGrace(Duration.ofMillis(-1)))
        .hasMessageContaining("startupGrace").hasMessageContaining("-1.00 ms");
    assertThatThrownBy(() -> ProcessSpec.builder("a").command(List.of())).hasMessageContaining("command");
    assertThatThrownBy(() -> ProcessSpec.builder("a").command(" ")).hasMessageContaining("command");
    assertThatThrownBy(() -> ProcessSpec.builder("a").build()).hasMessageContaining("command of 'a' is not set");
    assertThatThrownBy(() -> ProcessSpec.builder("a").dependsOn("a")).hasMessageContaining("must not name itself");
    assertThatThrownBy(() -> ProcessSpec.builder("a").env("A=B", "x")).hasMessageContaining("'A=B'");
    assertThatThrownBy(() -> ProcessSpec.builder("a").label(" ", "x")).hasMessageContaining("label key");
    assertThatThrownBy(() -> OutputSpec.defaults().withTailLines(-3)).hasMessageContaining("tailLines").hasMessageContaining("-3");
    assertThatThrownBy(() -> OutputSpec.defaults().withRotation(10, 1)).hasMessageContaining("maxFileBytes").hasMessageContaining("10");
  }

  @Test
  void signalsParseByNameAndNumber() {
    assertThat(Signal.parse("TERM")).isEqualTo(Signal.SIGTERM);
    assertThat(Signal.parse("sigkill")).isEqualTo(Signal.SIGKILL);
    assertThat(Signal.parse("2")).isEqualTo(Signal.SIGINT);
    assertThat(Signal.nameOf(40)).isEqualTo("SIGRT6");
    assertThatThrownBy(() -> Signal.parse("NOPE")).hasMessageContaining("NOPE");
  }
}
