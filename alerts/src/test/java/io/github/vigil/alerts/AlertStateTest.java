package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The alerts' state file of a state directory: what it keeps, how it is written, and what a bad one does (nothing). */
@Timeout(30)
class AlertStateTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  @TempDir Path dir;

  private static AlertState.Remembered crashed() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("type", "QUOTE\tfeed");
    labels.put("desk", "北京 \\ 上海");
    Alert a = Alert.firing(AlertType.CRASHED, "", "quote-feed", Severity.WARNING,
        "quote-feed crashed: error exit (exit code 3) after 120 ms", "line one\nline two\r\nwith a \\ and a\ttab", labels, T0)
        .again("quote-feed crashed again", "line one\nline two\r\nwith a \\ and a\ttab");
    Map<String, Set<String>> told = new LinkedHashMap<>();
    told.put("desk", Set.of("desk-slack", "desk-mail"));
    told.put("oncall", Set.of("pager"));
    return new AlertState.Remembered(a, told);
  }

  private static AlertState.Remembered anomaly() {
    Alert a = Alert.firing(AlertType.ANOMALY, "memory-leak", "orders", Severity.INFO, "orders: memory grows", "", Map.of(),
        T0.plusMillis(1));
    return new AlertState.Remembered(a, Map.of()); // told a listener that is not a pipeline
  }

  @Test
  void whatIsWrittenIsReadBackAlikeAndReadsAsText() throws Exception {
    Path file = dir.resolve("state").resolve(AlertState.FILE_NAME); // its directory is made
    List<AlertState.Remembered> alerts = List.of(crashed(), anomaly());
    AlertState.write(file, AlertState.format(alerts));

    assertThat(AlertState.read(file)).isEqualTo(alerts);
    assertThat(Files.list(file.getParent())).as("no temporary file left").containsExactly(file);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).startsWith("# ");
    assertThat(lines).contains("vigil-alerts-state\t1", "alert\tquote-feed/CRASHED", "type\tCRASHED", "occurrences\t2",
        "startsAt\t2026-01-05T09:00:00Z", "told\tdesk\tdesk-mail", "told\tdesk\tdesk-slack", "told\toncall\tpager",
        "description\tline one\\nline two\\r\\nwith a \\\\ and a\\ttab", "label\tdesk\t北京 \\\\ 上海",
        "alert\torders/ANOMALY/memory-leak");
  }

  @Test
  void nothingRemembersNothing() throws Exception {
    Path file = dir.resolve(AlertState.FILE_NAME);
    assertThat(AlertState.read(file)).isEmpty(); // no file: no warning either
    AlertState.write(file, AlertState.format(List.of()));
    assertThat(AlertState.read(file)).isEmpty();
  }

  @Test
  void aCorruptOrUnreadableFileIsSaidAtWarnWithItsPathAndIgnored() throws Exception {
    Path file = dir.resolve(AlertState.FILE_NAME);
    String good = AlertState.format(List.of(crashed()));
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("garbage", "\u0000\u0001 not a state file".getBytes(StandardCharsets.UTF_8));
    bad.put("empty", new byte[0]);
    bad.put("a later version", good.replace("vigil-alerts-state\t1", "vigil-alerts-state\t2").getBytes(StandardCharsets.UTF_8));
    bad.put("cut short (no type)", good.substring(0, good.indexOf("type\t")).getBytes(StandardCharsets.UTF_8));
    bad.put("an unknown type", good.replace("type\tCRASHED", "type\tEXPLODED").getBytes(StandardCharsets.UTF_8));
    bad.put("a bad instant", good.replace("2026-01-05T09:00:00Z", "yesterday").getBytes(StandardCharsets.UTF_8));
    bad.put("a bad escape", good.replace("line one\\n", "line one\\x").getBytes(StandardCharsets.UTF_8));
    bad.put("not UTF-8", new byte[] {'v', 'i', (byte) 0xC3, (byte) 0x28, '\n'});
    for (Map.Entry<String, byte[]> e : bad.entrySet()) {
      Files.write(file, e.getValue());
      List<List<AlertState.Remembered>> read = new java.util.ArrayList<>();
      String err = stderrOf(() -> read.add(AlertState.read(file)));
      assertThat(read.get(0)).as(e.getKey()).isEmpty();
      assertThat(err).as(e.getKey()).contains("WARN").contains(file.toString()).contains("ignored");
    }

    Files.delete(file);
    Files.createDirectory(file); // a directory where the file should be: unreadable
    List<List<AlertState.Remembered>> read = new java.util.ArrayList<>();
    String err = stderrOf(() -> read.add(AlertState.read(file)));
    assertThat(read.get(0)).isEmpty();
    assertThat(err).contains("WARN").contains("Cannot read the alerts' state " + file);
  }

  @Test
  void writesRunOffTheCallersThreadAndAfterCloseOnIt() throws Exception {
    Path file = dir.resolve(AlertState.FILE_NAME);
    List<List<AlertState.Remembered>> now = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(List.of(crashed())));
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    AlertState state = new AlertState(file, () -> {
      threads.add(Thread.currentThread().getName());
      return now.get(0);
    });
    state.request();
    assertThat(io.github.vigil.testing.Processes.eventually(java.time.Duration.ofSeconds(10),
        () -> AlertState.read(file).equals(List.of(crashed())))).isTrue();
    assertThat(threads).containsOnly("vigil-alerts-state");

    now.set(0, List.of(anomaly()));
    state.close(); // writes what is left
    assertThat(AlertState.read(file)).containsExactly(anomaly());
    now.set(0, List.of());
    state.request(); // closed: on this thread
    assertThat(AlertState.read(file)).isEmpty();
    assertThat(threads.get(threads.size() - 1)).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void aWriteThatFailsIsSaidOnceAndLeavesTheOldFile() throws Exception {
    Path file = dir.resolve(AlertState.FILE_NAME);
    AlertState.write(file, AlertState.format(List.of(crashed())));
    Files.createDirectory(dir.resolve(AlertState.FILE_NAME + ".tmp")); // where the temporary file goes: cannot be written
    AlertState state = new AlertState(file, () -> List.of(anomaly()));
    String err = stderrOf(() -> {
      state.close();
      state.request(); // the same failure: said once
      return null;
    });
    assertThat(err.lines().filter(l -> l.contains("WARN") && l.contains("Cannot write the alerts' state to " + file)))
        .hasSize(1);
    assertThat(AlertState.read(file)).containsExactly(crashed());
  }

  private static String stderrOf(Callable<?> c) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      c.call();
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
