package io.github.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one comparison of issue 8 and appends its rows (TSV, {@link Row#toTsv()}) to a file. bench/run starts
 * one JVM per comparison (and per contender of comparison 3), then {@link Report} writes RESULTS.md.
 *
 * <pre>
 * BenchMain --comparison 1..6 [--smoke] [--contenders a,b] [--suffix -main] --out rows.tsv
 * </pre>
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String comparison = null;
    boolean smoke = false;
    List<String> contenders = null;
    Path out = null;
    String suffix = "";
    int idleSeconds = 300;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--comparison" -> comparison = args[++i];
        case "--smoke" -> smoke = true;
        case "--contenders" -> contenders = Arrays.asList(args[++i].split(","));
        case "--out" -> out = Path.of(args[++i]);
        case "--suffix" -> suffix = args[++i];
        case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[++i]); // comparison 6's window (bench/idle-threads)
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    if (comparison == null || out == null) {
      throw new IllegalArgumentException("usage: BenchMain --comparison 1..6 [--smoke] [--contenders a,b] [--suffix -main] [--idle-seconds N] --out rows.tsv");
    }
    if (idleSeconds <= 0) {
      throw new IllegalArgumentException("--idle-seconds must be positive: " + idleSeconds);
    }
    List<Row> rows = run(comparison, smoke, contenders, idleSeconds);
    List<String> lines = new ArrayList<>();
    for (Row r : rows) {
      if (!suffix.isEmpty()) {
        r = new Row(r.comparison(), r.contender() + suffix, r.metric(), r.unit(), r.stats(), r.note());
      }
      lines.add(r.toTsv());
      System.out.println(r.toTsv());
    }
    Files.write(out, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.exit(0); // JDK reaper and HTTP client threads are daemons, but leave no doubt
  }

  /** The default contenders of a comparison, without those whose outside program is absent. */
  static List<String> contenders(String comparison) {
    List<String> c = new ArrayList<>(switch (comparison) {
      case "1" -> List.of("vigil-linux", "vigil-linux-inline", "vigil-linux-spare", "vigil-jdk", "supervisord");
      case "2" -> List.of("vigil-linux", "vigil-linux-nocgroups", "vigil-jdk", "process-onexit", "vigil-linux-running", "process-onexit-running",
          "vigil-attach", "pidfd-poll", "processhandle-onexit");
      case "3" -> List.of("vigil-linux", "jdk-threads", "supervisord");
      case "4" -> List.of("vigil", "oshi", "plain-reader", "process-exporter");
      case "5" -> List.of("vigil-linux", "vigil-linux-fresh", "vigil-linux-spare", "vigil-jdk", "processbuilder",
          "vigil-linux-spare-spaced", "processbuilder-spaced");
      case "6" -> List.of("vigil-linux", "supervisord");
      default -> throw new IllegalArgumentException("comparison must be 1 to 6: " + comparison);
    });
    if (Supervisord.binary().isEmpty() && c.remove("supervisord")) {
      System.err.println("comparison " + comparison + ": supervisord skipped: not installed (.ci/install.d/supervisor installs it)");
    }
    if (!Files.isExecutable(SamplingCost.exporterBinary()) && c.remove("process-exporter")) {
      System.err.println("comparison " + comparison + ": process-exporter skipped: not installed (.ci/install.d/process-exporter)");
    }
    return c;
  }

  /** Runs a comparison in this JVM: the full form, or the smoke form (a few trials each). */
  static List<Row> run(String comparison, boolean smoke, List<String> contenders) throws Exception {
    return run(comparison, smoke, contenders, 300);
  }

  /** As {@link #run(String, boolean, List)}, with comparison 6's window of {@code idleSeconds} (300 in bench/run). */
  static List<Row> run(String comparison, boolean smoke, List<String> contenders, int idleSeconds) throws Exception {
    List<String> c = contenders != null ? contenders : contenders(comparison);
    return switch (comparison) {
      case "1" -> CrashRestart.run(smoke ? 3 : 200, c);
      case "2" -> ExitDetection.run(smoke ? 3 : 200, c);
      case "3" -> Scale.run(smoke ? 20 : 1000, smoke ? 2 : 60, c);
      case "4" -> SamplingCost.run(smoke ? new int[] {20, 50} : new int[] {200, 1000}, smoke ? 2 : 20, c.contains("process-exporter"));
      case "5" -> Spawn.run(smoke ? 20 : 1000, c);
      case "6" -> Idle.run(smoke ? 10 : 100, smoke ? 5 : idleSeconds, smoke ? 2 : 60, c.contains("supervisord"));
      default -> throw new IllegalArgumentException("comparison must be 1 to 6: " + comparison);
    };
  }

}
