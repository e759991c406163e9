package io.github.vigil.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The order of findings, the headline, and what the value types refuse. */
class DiagnosisTest {

  static LongStream seeds() {
    return LongStream.range(0, 300);
  }

  /** Whatever order the checks ran in: problems by certainty, then unknowns, then OKs; equal ones keep their order. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void findingsAreOrderedMostLikelyCauseFirst(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Finding> in = new ArrayList<>();
    int n = random.nextInt(12);
    Finding.Check[] checks = Finding.Check.values();
    Finding.Certainty[] certain = {Finding.Certainty.CONFIRMED, Finding.Certainty.LIKELY, Finding.Certainty.POSSIBLE};
    for (int i = 0; i < n; i++) {
      Finding.Check c = checks[random.nextInt(checks.length)];
      String summary = "f" + i;
      in.add(switch (random.nextInt(3)) {
        case 0 -> Finding.problem(c, certain[random.nextInt(3)], summary, List.of(), "fix " + i);
        case 1 -> Finding.unknown(c, summary, List.of());
        default -> Finding.ok(c, summary, List.of());
      });
    }
    Diagnosis d = new Diagnosis("feed", 1, Diagnosis.Trigger.ON_DEMAND, Instant.EPOCH, Duration.ZERO, null, in);
    List<Finding> out = d.findings();
    assertThat(out).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(in);
    for (int i = 1; i < out.size(); i++) {
      Finding a = out.get(i - 1);
      Finding b = out.get(i);
      int rankA = rank(a);
      int rankB = rank(b);
      assertThat(rankA).as("seed %d: %s before %s", seed, a, b).isLessThanOrEqualTo(rankB);
      if (rankA == rankB) { // stable: the order the checks ran in
        assertThat(in.indexOf(a)).as("seed %d", seed).isLessThan(in.indexOf(b));
      }
    }
    boolean anyProblem = in.stream().anyMatch(Finding::isProblem);
    assertThat(d.cause().isPresent()).as("seed %d", seed).isEqualTo(anyProblem);
    if (anyProblem) {
      Finding first = d.cause().orElseThrow();
      assertThat(d.headline()).isEqualTo(first.summary() + ": " + first.fix());
      assertThat(d.problems()).allMatch(Finding::isProblem).hasSize((int) in.stream().filter(Finding::isProblem).count());
    } else {
      assertThat(d.headline()).startsWith("no check found a problem");
    }
    assertThat(d.render()).contains("Diagnosis of feed run 1 (on demand");
  }

  private static int rank(Finding f) {
    return f.isProblem() ? f.certainty().ordinal() : f.status() == Finding.Status.UNKNOWN ? 10 : 11;
  }

  /**
   * A program's path with a newline and a terminal's escape in the cause: the raw headline keeps them as they are (a
   * journal and JSON escape for themselves), the headline is the same text escaped to one line.
   */
  @Test
  void theRawHeadlineIsTheHeadlineUnescaped() {
    Finding cause = Finding.problem(Finding.Check.PROGRAM, Finding.Certainty.CONFIRMED, "/opt/feed/bin/fe\ned\u001b[31m is not executable",
        List.of(), "chmod +x it");
    Diagnosis d = new Diagnosis("feed", 1, Diagnosis.Trigger.START_FAILED, Instant.EPOCH, Duration.ZERO, null, List.of(cause));
    assertThat(d.rawHeadline()).isEqualTo("/opt/feed/bin/fe\ned\u001b[31m is not executable: chmod +x it");
    assertThat(d.headline()).isEqualTo("/opt/feed/bin/fe\\ned\\u001b[31m is not executable: chmod +x it");
    Diagnosis fine = new Diagnosis("feed", 1, Diagnosis.Trigger.ON_DEMAND, Instant.EPOCH, Duration.ZERO, null,
        List.of(Finding.ok(Finding.Check.PORTS, "no port held", List.of())));
    assertThat(fine.rawHeadline()).isEqualTo(fine.headline()).isEqualTo("no check found a problem (1 checked)");
  }

  @Test
  void aProblemNeedsACertaintyAndAnythingElseNone() {
    assertThatThrownBy(() -> new Finding(Finding.Check.PORTS, Finding.Status.PROBLEM, Finding.Certainty.NONE, "s", List.of(), "f"))
        .hasMessageContaining("certainty of a PROBLEM finding must not be NONE");
    assertThatThrownBy(() -> new Finding(Finding.Check.PORTS, Finding.Status.OK, Finding.Certainty.LIKELY, "s", List.of(), ""))
        .hasMessageContaining("certainty of a OK finding must be NONE: LIKELY");
  }

  @Test
  void aDiagnosisSpecRefusesBadValuesNamingThem() {
    assertThatThrownBy(() -> DiagnosisSpec.builder().port(0)).hasMessage("port must be 1 to 65535: 0");
    assertThatThrownBy(() -> DiagnosisSpec.builder().port(65_536)).hasMessage("port must be 1 to 65535: 65536");
    assertThatThrownBy(() -> DiagnosisSpec.builder().configCheck(Duration.ZERO, "nginx", "-t"))
        .hasMessageContaining("configCheckTimeout must be positive").hasMessageContaining("0 ns");
    assertThatThrownBy(() -> DiagnosisSpec.builder().configCheck(Duration.ofMinutes(6), "nginx", "-t"))
        .hasMessageContaining("at most 5 min 00 s: 6 min 00 s");
    assertThatThrownBy(() -> DiagnosisSpec.builder().configCheck(Duration.ofSeconds(1), " ")).hasMessageContaining("configCheck must name a program");
    // a null argument through the varargs form: a NullPointerException without a message (found by a black-box run)
    assertThatThrownBy(() -> DiagnosisSpec.builder().configCheck(Duration.ofSeconds(1), "nginx", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("configCheck has an invalid argument: [nginx, null]");
    assertThatThrownBy(() -> DiagnosisSpec.builder().configCheck(Duration.ofSeconds(1), (String) null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("configCheck must name a program: [null]");
    DiagnosisSpec spec = DiagnosisSpec.builder().configFile(Path.of("/etc/a.conf")).configFile(Path.of("/etc/a.conf")).port(80).port(80)
        .configCheck(Duration.ofSeconds(3), "nginx", "-t").build();
    assertThat(spec.configFiles()).containsExactly(Path.of("/etc/a.conf"));
    assertThat(spec.ports()).containsExactly(80);
    assertThat(spec.configCheck()).containsExactly("nginx", "-t");
    assertThat(DiagnosisSpec.NONE.configCheck()).isEmpty();
  }
}
