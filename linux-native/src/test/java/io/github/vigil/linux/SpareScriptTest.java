package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** What a spare sources: every word reaches the program as it was, through the real {@code /bin/sh}. */
@EnabledOnOs(OS.LINUX)
class SpareScriptTest {
  private static final String ALPHABET = "ab '\"\\$`!*?[]{}~#&;|<>()\n\t=%\u00e9\u4e2d";

  /** Seeded random words, each printed back by the shell from its quoted form; a failure names the seed. */
  @Test
  void aQuotedWordIsReadBackByTheShellAsItWas() throws Exception {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < 50; i++) {
      StringBuilder w = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        w.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String word = w.toString();
      Process sh = new ProcessBuilder(HostFacts.detect().shell(), "-c", "printf %s " + SpareScript.quote(word)).start();
      String back = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(sh.waitFor()).isZero();
      assertThat(back).as("seed %d, word %s", seed, word).isEqualTo(word);
    }
  }

  @Test
  void shellNamesAreIdentifiers() {
    for (String good : new String[] {"A", "_", "a_1", "PATH", "_x9"}) {
      assertThat(SpareScript.isShellName(good)).as(good).isTrue();
    }
    for (String bad : new String[] {"", "1a", "my-var", "a.b", "BASH_FUNC_f%%", "\u00e9t\u00e9", "a b"}) {
      assertThat(SpareScript.isShellName(bad)).as(bad).isFalse();
    }
  }

  @Test
  void whatASpareCannotGiveExactlyIsRefused() {
    Path exe = Path.of("/usr/bin/env");
    assertThat(SpareScript.of(OptionalLong.empty(), List.of(), null, List.of("my-var=1"), null, exe, List.of())).isNull();
    assertThat(SpareScript.of(OptionalLong.empty(), List.of(), null, List.of("A=1"), null, Path.of("env"), List.of())).isNull();
    assertThat(SpareScript.of(OptionalLong.empty(), List.of(), null, List.of("A=1"), null, exe, List.of("a\u0000b"))).isNull();
    assertThat(SpareScript.of(OptionalLong.empty(), List.of(), null, List.of("A=1"), null, exe, List.of("a"))).isNotNull();
  }

  @Test
  void theStepsComeInTheWrappersOrderThenTheExec() {
    String s = SpareScript.of(OptionalLong.of(64), List.of(Path.of("/cg/a"), Path.of("/cg/b")), "/tmp", List.of("A=1", "PWD=/old"),
        "/tmp", Path.of("/bin/true"), List.of("x y"));
    assertThat(s).isEqualTo("""
        ulimit -n 64 || { echo 'vigil: cannot set the descriptor limit to 64' >&2; exit 125; }
        echo 0 > '/cg/a/cgroup.procs' || { echo 'vigil: cannot join cgroup /cg/a' >&2; exit 125; }
        echo 0 > '/cg/b/cgroup.procs' || { echo 'vigil: cannot join cgroup /cg/b' >&2; exit 125; }
        cd -P '/tmp' || exit 125
        unset OLDPWD
        export 'A=1'
        export 'PWD=/tmp'
        exec '/bin/true' 'x y' 3<&- 4>&-
        """);
  }
}
