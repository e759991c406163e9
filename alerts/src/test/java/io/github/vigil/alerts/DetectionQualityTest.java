package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Detection quality on generated traces. The CI run is small (20 process-weeks, 40 cases per kind);
 * {@code -Dquality.full=true} runs 200 process-weeks and 200 cases per kind and writes alerts/quality/RESULTS.md.
 */
class DetectionQualityTest {
  private static final long SEED = 20260105L;

  @Test
  @Timeout(600)
  void leaksAndSpikesAreFoundAndSteadyTracesStayQuiet() throws Exception {
    boolean full = Boolean.getBoolean("quality.full");
    DetectionQuality.Result r = full ? DetectionQuality.run(SEED, 200, 200) : DetectionQuality.run(SEED, 20, 40);
    String report = DetectionQuality.markdown(r, SEED,
        "mvn -pl alerts -am test -Dtest=DetectionQualityTest -Dsurefire.failIfNoSpecifiedTests=false -Dquality.full=true");
    if (full) {
      DetectionQuality.write(Path.of("quality", "RESULTS.md"), report);
    }
    assertThat(r.falsePerWeek()).as(report).isLessThanOrEqualTo(1.0);
    for (DetectionQuality.KindResult k : r.kinds()) {
      assertThat(k.rate()).as("%s\n%s", k.kind(), report).isGreaterThanOrEqualTo(0.95);
    }
    System.out.println(report);
  }
}
