package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AttachSpecTest {

  @Test
  void labelsAreFreeFormLikeAProcessSpecs() {
    AttachSpec s = AttachSpec.builder("trader-1").commandLine("trader_tools.*account001").label("type", "TRADER")
        .label("account", "account001").label("desk", "fx").build();
    assertThat(s.labels()).containsExactly(
        java.util.Map.entry("account", "account001"), java.util.Map.entry("desk", "fx"), java.util.Map.entry("type", "TRADER"));
    assertThat(s.target()).isEqualTo(new AttachSpec.Target.CommandLine(Pattern.compile("trader_tools.*account001")));
    assertEquals(Duration.ofSeconds(5), s.rescanInterval());
    assertThat(s.allowSignals()).isFalse();
    assertThat(s.toString()).contains("trader-1").contains("/trader_tools.*account001/").contains("TRADER");
    assertEquals(s, AttachSpec.builder("trader-1").commandLine("trader_tools.*account001")
        .labels(java.util.Map.of("desk", "fx", "type", "TRADER", "account", "account001")).build());
    assertThat(s.labels()).isEqualTo(ProcessSpec.builder("trader-1").command("trader_tools").label("type", "TRADER")
        .label("account", "account001").label("desk", "fx").build().labels());
  }

  @Test
  void emptyOrInvalidPatternIsRejectedNamingFieldAndValue() {
    assertThatThrownBy(() -> AttachSpec.builder("a").commandLine("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("commandLine pattern must not be empty: ''");
    assertThatThrownBy(() -> AttachSpec.builder("a").commandLine("trader_tools.*(account001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("commandLine pattern is not a valid regular expression: 'trader_tools.*(account001': Unclosed group");
  }

  /** Attaching to this JVM was accepted, and the attachment could never report the exit of the JVM running it (found by a black-box run). */
  @Test
  void thisJvmsOwnPidIsRefusedNamingIt() {
    long self = ProcessHandle.current().pid();
    assertThatThrownBy(() -> AttachSpec.builder("me").pid(self)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pid " + self + " is this JVM's own: a supervisor cannot watch itself (it could never see its own exit)");
    assertThatThrownBy(() -> new AttachSpec.Target.Pid(self)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("this JVM's own");
    long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(2L);
    assertThat(AttachSpec.builder("launcher").pid(Math.max(2, parent)).build().target()).isEqualTo(new AttachSpec.Target.Pid(Math.max(2, parent)));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 0, -1, Long.MIN_VALUE})
  void pidMustBeAboveOne(long pid) {
    assertThatThrownBy(() -> AttachSpec.builder("a").pid(pid)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pid must be greater than 1: " + pid);
  }

  @Test
  void otherBadInputNamesFieldAndValue() {
    assertThatThrownBy(() -> AttachSpec.builder("a b")).hasMessage("name must be 1 to 128 letters, digits, '.', '_' or '-': 'a b'");
    assertThatThrownBy(() -> AttachSpec.builder("a").pidFile(Path.of(""))).hasMessage("pidFile must not be empty: ''");
    assertThatThrownBy(() -> AttachSpec.builder("a").processName(" ")).hasMessage("processName must be a non-empty name: ' '");
    assertThatThrownBy(() -> AttachSpec.builder("a").build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("attachment 'a' needs a target: pid, pidFile, processName or commandLine");
    assertThatThrownBy(() -> AttachSpec.builder("a").pid(42).processName("feed")).isInstanceOf(IllegalStateException.class)
        .hasMessage("attachment 'a' already has a target (pid 42); cannot also use name 'feed'");
    assertThatThrownBy(() -> AttachSpec.builder("a").rescanInterval(Duration.ofMillis(5))).hasMessage("rescanInterval must be at least 10ms: 5.00 ms");
    assertThatThrownBy(() -> AttachSpec.builder("a").exitPollInterval(Duration.ZERO)).hasMessage("exitPollInterval must be at least 10ms: 0 ns");
    assertThatThrownBy(() -> AttachSpec.builder("a").label(" ", "X")).hasMessage("label key of 'a' must not be blank: ' '");
  }

  @Test
  void pidFileIsMadeAbsolute() {
    AttachSpec s = AttachSpec.builder("a").pidFile(Path.of("run/../feed.pid")).build();
    assertEquals(Path.of("feed.pid").toAbsolutePath(), ((AttachSpec.Target.PidFile) s.target()).path());
  }

  static LongStream seeds() {
    return io.github.vigil.testing.Gen.seeds(300);
  }

  /** Random pattern texts: accepted exactly when java.util.regex compiles them; rejected ones are named in the message. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void patternAcceptedExactlyWhenItCompiles(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String alphabet = "ab.*+?()[]{}|\\^$01,-";
    StringBuilder text = new StringBuilder();
    for (int i = 1 + random.nextInt(12); i > 0; i--) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    String regex = text.toString();
    boolean compiles;
    try {
      Pattern.compile(regex);
      compiles = true;
    } catch (PatternSyntaxException e) {
      compiles = false;
    }
    try {
      AttachSpec s = AttachSpec.builder("a").commandLine(regex).build();
      assertTrue(compiles, () -> "seed " + seed + ": accepted " + regex);
      assertEquals(regex, ((AttachSpec.Target.CommandLine) s.target()).pattern().pattern(), "seed " + seed);
    } catch (IllegalArgumentException e) {
      assertTrue(!compiles, () -> "seed " + seed + ": rejected " + regex + ": " + e.getMessage());
      assertThat(e.getMessage()).as("seed %d", seed).startsWith("commandLine pattern is not a valid regular expression: '" + regex + "': ");
    }
  }
}
