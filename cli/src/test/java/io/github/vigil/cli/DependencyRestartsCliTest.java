package io.github.vigil.cli;

import static io.github.vigil.cli.TableText.count;
import static io.github.vigil.journal.StoryMath.mean;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.DependencyRestartsStory;
import io.github.vigil.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil status} and {@code vigil restarts NAME} count a restart of a process because a dependency it restarts
 * with ({@code Dependency.OnExit.RESTART}) ended ({@link DependencyRestartsStory}: real processes, {@code feed} killed
 * with SIGKILL twice, {@code gateway} depending on it). The gateway restarted twice with its feed read RESTARTS 24H 0
 * and "No restarts in the period."
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class DependencyRestartsCliTest {
  private static final String DETAIL = "dependency feed crashed (SIGKILL)";

  @TempDir
  Path dir;

  @Test
  void statusAndRestartsCountADependencysRestartsOfItsDependent() throws Exception {
    Path db = dir.resolve("feed.db");
    DependencyRestartsStory.Facts facts;
    try (Journal j = Journal.builder().sqlite(db).host(DependencyRestartsStory.HOST).batchInterval(Duration.ofMillis(100))
        .snapshotInterval(Duration.ZERO).build()) {
      facts = DependencyRestartsStory.run(j);
    }
    String now = facts.now().toString();
    int kills = DependencyRestartsStory.FEED_KILLS;

    CliGoldenTest.Result status = CliGoldenTest.runOn(db, "status", "--now", now, "--color", "never");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(TableText.column(status.out(), "PROCESS", "PROCESS")).containsExactly("feed", "gateway");
    assertThat(TableText.column(status.out(), "RESTARTS 24H", "PROCESS")).as(status.out()).containsExactly("2", "2");
    CliGoldenTest.Result statusJson = CliGoldenTest.runOn(db, "status", "--json", "--now", now);
    assertThat(statusJson.out()).containsPattern("\"process\": \"gateway\",[^}]*\"restarts24h\": 2,");

    CliGoldenTest.Result text = CliGoldenTest.runOn(db, "restarts", "gateway", "--period", "24h", "--now", now, "--color", "never");
    assertThat(text.code()).as(text.err()).isZero();
    String words = TableText.words(text.out());
    Duration mttr = mean(facts.recoveries());
    assertThat(words).as(text.out()).containsPattern("RESTARTS RATE MEAN UPTIME MTTR \\(CRASH TO RUNNING\\) 2 \\S+ per day "
        + Pattern.quote(HumanFormat.duration(mean(facts.uptimes())) + " " + HumanFormat.duration(mttr)));
    assertThat(words).as("causes").contains("Causes CAUSE COUNT SHARE dependency restart 2 100% Timeline");
    assertThat(count(text.out(), "│ dependency restart │")).as("the timeline's 2 entries and the causes' row").isEqualTo(kills + 1);
    assertThat(text.out().split(Pattern.quote(DETAIL), -1)).as("each entry's detail").hasSize(kills + 1);
    assertThat(words).as("trade days").containsPattern("TRADE DAY RESTARTS DOWNTIME CAUSES (\\S+ \\d \\S+ \\S+ dependency restart \\d )+");
    assertThat(words).as("the suggestion: look at the feed").contains("Suggestions", "2 restarts because dependency feed ended "
        + "(onExit RESTART), not by a failure of gateway: find why feed ended (its restarts, its last crash)");
    assertThat(words).doesNotContain("No restarts in the period", "Scheduled, not restarted");

    CliGoldenTest.Result json = CliGoldenTest.runOn(db, "restarts", "gateway", "--period", "24h", "--json", "--now", now);
    assertThat(json.out()).contains("\"total\": 2,", "\"cause\": \"DEPENDENCY\",", "\"label\": \"dependency restart\",", "\"count\": 2,",
        "\"mttrMs\": " + mttr.toMillis() + ",");
    assertThat(count(json.out(), "\"detail\": \"" + DETAIL + "\"")).isEqualTo(kills);
    assertThat(count(json.out(), "\"exitCause\": \"KILLED_BY_SUPERVISOR\"")).isEqualTo(kills);
    // the dependency and how it ended as fields of their own, as a group restart has its group and sibling
    assertThat(count(json.out(), "\"dependency\": \"feed\"")).as(json.out()).isEqualTo(kills);
    assertThat(count(json.out(), "\"dependencyExit\": \"crashed (SIGKILL)\"")).as(json.out()).isEqualTo(kills);
    assertThat(count(json.out(), "\"group\": null")).isEqualTo(kills);

    // the dependency that crashed: its own restarts
    CliGoldenTest.Result feed = CliGoldenTest.runOn(db, "restarts", "feed", "--period", "24h", "--json", "--now", now);
    assertThat(feed.out()).contains("\"total\": 2,", "\"cause\": \"SIGNAL\",").doesNotContain("\"cause\": \"DEPENDENCY\"");
    assertThat(count(feed.out(), "\"dependency\": null")).isEqualTo(kills);
    assertThat(count(feed.out(), "\"dependencyExit\": null")).isEqualTo(kills);

    // vigil history: the run a dependency restart started has its recovery, from the stop to RUNNING, as restarts has it
    java.util.Map<Integer, Long> expected = new java.util.LinkedHashMap<>();
    expected.put(1, null);
    for (int k = 0; k < kills; k++) {
      expected.put(k + 2, facts.recoveries().get(k).toMillis());
    }
    CliGoldenTest.Result historyJson = CliGoldenTest.runOn(db, "history", "gateway", "--period", "1d", "--json", "--now", now);
    assertThat(historyJson.code()).as(historyJson.err()).isZero();
    assertThat(GroupRestartsCliTest.recoveries(historyJson.out())).as("recoveryMs of each run of gateway:%n%s", historyJson.out())
        .isEqualTo(expected);
    CliGoldenTest.Result history = CliGoldenTest.runOn(db, "history", "gateway", "--period", "1d", "--now", now, "--color", "never");
    assertThat(history.code()).as(history.err()).isZero();
    List<String> column = new java.util.ArrayList<>(List.of("-"));
    facts.recoveries().forEach(d -> column.add(HumanFormat.duration(d)));
    assertThat(TableText.column(history.out(), "RECOVERY", "RUN")).as(history.out()).containsExactlyElementsOf(column);
  }
}
