package io.github.vigil.cli;

import static io.github.vigil.cli.TableText.count;
import static io.github.vigil.journal.StoryMath.mean;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.GroupRestartsStory;
import io.github.vigil.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil status} and {@code vigil restarts NAME} count a group's restarts of its members, with the cause telling
 * them apart ({@link GroupRestartsStory}: real processes, {@code md} killed with SIGKILL 4 times under a {@code
 * REST_FOR_ONE} group, {@code book-b} once under a {@code ONE_FOR_ALL} group, an operator's stops and starts). The
 * gateway its group restarted 4 times read RESTARTS 24H 0 and "No restarts in the period."
 */
@Timeout(180)
@EnabledOnOs(OS.LINUX)
class GroupRestartsCliTest {
  private static final String DETAIL = "with group desk (REST_FOR_ONE): md crashed (SIGKILL)";

  @TempDir
  Path dir;

  @Test
  void statusAndRestartsCountAGroupsRestartsOfItsMembersWithTheirCause() throws Exception {
    Path db = dir.resolve("desk.db");
    GroupRestartsStory.Facts facts;
    try (Journal j = Journal.builder().sqlite(db).host(GroupRestartsStory.HOST).batchInterval(Duration.ofMillis(100))
        .snapshotInterval(Duration.ZERO).build()) {
      facts = GroupRestartsStory.run(j);
    }
    String now = facts.now().toString();

    CliGoldenTest.Result status = CliGoldenTest.runOn(db, "status", "--now", now, "--color", "never");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(TableText.column(status.out(), "PROCESS", "PROCESS")).containsExactly("book-a", "book-b", "book-c", "gateway", "md");
    assertThat(TableText.column(status.out(), "RESTARTS 24H", "PROCESS")).as(status.out()).containsExactly("1", "1", "1", "4", "4");
    CliGoldenTest.Result statusJson = CliGoldenTest.runOn(db, "status", "--json", "--now", now);
    assertThat(statusJson.out()).containsPattern("\"process\": \"gateway\",[^}]*\"restarts24h\": 4,");

    CliGoldenTest.Result text = CliGoldenTest.runOn(db, "restarts", "gateway", "--period", "24h", "--now", now, "--color", "never");
    assertThat(text.code()).as(text.err()).isZero();
    String words = TableText.words(text.out());
    Duration mttr = mean(facts.recoveries().get("gateway"));
    assertThat(words).as(text.out()).containsPattern("RESTARTS RATE MEAN UPTIME MTTR \\(CRASH TO RUNNING\\) 4 \\S+ per day "
        + Pattern.quote(HumanFormat.duration(mean(facts.uptimes().get("gateway"))) + " " + HumanFormat.duration(mttr)));
    assertThat(words).as("causes").contains("Causes CAUSE COUNT SHARE group restart 4 100% Timeline");
    assertThat(count(text.out(), "│ group restart │")).as("the timeline's 4 entries and the causes' row").isEqualTo(5);
    assertThat(text.out().split(Pattern.quote(DETAIL), -1)).as("each entry's detail").hasSize(5);
    assertThat(words).as("trade days").containsPattern("TRADE DAY RESTARTS DOWNTIME CAUSES (\\S+ \\d \\S+ \\S+ group restart \\d )+Suggestions");
    assertThat(words).contains("4 restarts with group desk after md ended, not by a failure of gateway: find why md ended");
    assertThat(words).doesNotContain("No restarts in the period", "Scheduled, not restarted");

    CliGoldenTest.Result json = CliGoldenTest.runOn(db, "restarts", "gateway", "--period", "24h", "--json", "--now", now);
    assertThat(json.out()).contains("\"total\": 4,", "\"cause\": \"GROUP\",", "\"label\": \"group restart\",", "\"count\": 4,",
        "\"mttrMs\": " + mttr.toMillis() + ",");
    assertThat(count(json.out(), "\"detail\": \"" + DETAIL + "\"")).isEqualTo(4);
    assertThat(count(json.out(), "\"group\": \"desk\"")).isEqualTo(4);
    assertThat(count(json.out(), "\"sibling\": \"md\"")).isEqualTo(4);
    assertThat(count(json.out(), "\"exitCause\": \"KILLED_BY_SUPERVISOR\"")).isEqualTo(4);

    // the sibling that crashed: its own restarts, not its group's
    CliGoldenTest.Result md = CliGoldenTest.runOn(db, "restarts", "md", "--period", "24h", "--json", "--now", now);
    assertThat(md.out()).contains("\"total\": 4,", "\"cause\": \"SIGNAL\",").doesNotContain("\"cause\": \"GROUP\"");
    assertThat(count(md.out(), "\"group\": null")).isEqualTo(4);
    // ONE_FOR_ALL: the siblings before and after the one that crashed
    for (String member : List.of("book-a", "book-c")) {
      CliGoldenTest.Result m = CliGoldenTest.runOn(db, "restarts", member, "--period", "24h", "--json", "--now", now);
      assertThat(m.out()).as(member).contains("\"total\": 1,", "\"detail\": \"with group book (ONE_FOR_ALL): book-b crashed (SIGKILL)\"",
          "\"group\": \"book\"", "\"sibling\": \"book-b\"");
    }

    // vigil history: the run a group restart started has its recovery, from the group's stop to RUNNING, as restarts has it
    java.util.Map<Integer, Long> expected = new java.util.LinkedHashMap<>();
    expected.put(1, null);
    List<Duration> gatewayRecoveries = facts.recoveries().get("gateway");
    for (int k = 0; k < gatewayRecoveries.size(); k++) {
      expected.put(k + 2, gatewayRecoveries.get(k).toMillis());
    }
    expected.put(GroupRestartsStory.MD_KILLS + 2, null); // the operator's stop and start: no restart, no recovery
    CliGoldenTest.Result historyJson = CliGoldenTest.runOn(db, "history", "gateway", "--period", "1d", "--json", "--now", now);
    assertThat(historyJson.code()).as(historyJson.err()).isZero();
    assertThat(recoveries(historyJson.out())).as("recoveryMs of each run of gateway:%n%s", historyJson.out()).isEqualTo(expected);
    CliGoldenTest.Result history = CliGoldenTest.runOn(db, "history", "gateway", "--period", "1d", "--now", now, "--color", "never");
    assertThat(history.code()).as(history.err()).isZero();
    List<String> column = new java.util.ArrayList<>(List.of("-"));
    gatewayRecoveries.forEach(d -> column.add(HumanFormat.duration(d)));
    column.add("-");
    assertThat(TableText.column(history.out(), "RECOVERY", "RUN")).as(history.out()).containsExactlyElementsOf(column);
    for (String member : List.of("book-a", "book-c")) {
      CliGoldenTest.Result m = CliGoldenTest.runOn(db, "history", member, "--period", "1d", "--json", "--now", now);
      java.util.Map<Integer, Long> e = new java.util.LinkedHashMap<>();
      e.put(1, null);
      e.put(2, facts.recoveries().get(member).get(0).toMillis());
      e.put(3, null); // the operator's stop and start of group book
      assertThat(recoveries(m.out())).as("recoveryMs of each run of %s:%n%s", member, m.out()).isEqualTo(e);
    }
  }

  /** The {@code recoveryMs} of each run in the JSON of {@code vigil history}, by run number, in its order (null: none). */
  static java.util.Map<Integer, Long> recoveries(String historyJson) {
    java.util.Map<Integer, Long> out = new java.util.LinkedHashMap<>();
    Matcher m = Pattern.compile("\"run\": (\\d+),.*?\"recoveryMs\": (null|\\d+),", Pattern.DOTALL).matcher(historyJson);
    while (m.find()) {
      out.put(Integer.parseInt(m.group(1)), m.group(2).equals("null") ? null : Long.parseLong(m.group(2)));
    }
    return out;
  }
}
