package io.github.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes bench/RESULTS.md from the rows of one run of bench/run and the facts it gathered about the machine.
 *
 * <pre>
 * Report meta.properties rows.tsv notes.md RESULTS.md
 * </pre>
 * meta: {@code key=value} lines (machine, versions, command). notes: hand-written reading of the run, copied in
 * when present. Targets are issue 8's; each is judged on this run's figures, and ratios are within this run.
 */
public final class Report {
  private final Map<String, String> meta;
  private final List<Row> rows;
  private final StringBuilder md = new StringBuilder();

  Report(Map<String, String> meta, List<Row> rows) {
    this.meta = meta;
    this.rows = rows;
  }

  /**
   * {@code Report meta.properties rows.tsv [meta2.properties rows2.tsv ...] notes.md RESULTS.md}: one part per run
   * (bench/run makes one per JDK), each with its own targets and tables, then the notes once.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 4 || args.length % 2 != 0) {
      throw new IllegalArgumentException("usage: Report meta.properties rows.tsv [meta2.properties rows2.tsv ...] notes.md RESULTS.md");
    }
    StringBuilder text = new StringBuilder();
    int parts = (args.length - 2) / 2;
    for (int i = 0; i < parts; i++) {
      Map<String, String> meta = new LinkedHashMap<>();
      for (String line : Files.readAllLines(Path.of(args[2 * i]))) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          meta.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
      List<Row> rows = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of(args[2 * i + 1]))) {
        if (!line.isBlank()) {
          rows.add(Row.parse(line));
        }
      }
      Report r = new Report(meta, rows);
      if (parts > 1) {
        if (i == 0) {
          text.append("# Vigil side by side with supervisord, the JDK, OSHI and process-exporter (issues 8 and 18)\n\n")
              .append("One part per JDK, each a whole `bench/run` pass of its own with its own verdicts; the hand-written reading of")
              .append(" the run follows the last part.\n\n");
        }
        text.append(r.part(i + 1, parts));
      } else {
        text.append(r.render(""));
      }
    }
    Path notes = Path.of(args[args.length - 2]);
    if (Files.exists(notes)) {
      text.append(Files.readString(notes).strip()).append('\n');
    }
    Files.writeString(Path.of(args[args.length - 1]), text.toString());
  }

  /** One JDK's part of a multi-JDK report: its header, targets and sections, headings one level down. */
  String part(int index, int of) {
    String body = render("");
    int start = body.indexOf("Written by");
    String rest = body.substring(start).replaceAll("(?m)^## ", "### ");
    return "## Part " + index + " of " + of + ": " + meta.getOrDefault("java", "?") + "\n\n" + rest;
  }

  Optional<Row> find(String comparison, String contender, String metric) {
    return rows.stream().filter(r -> r.comparison().equals(comparison) && r.contender().equals(contender)
        && r.metric().equals(metric)).findFirst();
  }

  static String num(double d) {
    double a = Math.abs(d);
    String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : a >= 0.01 ? "%.3f" : "%.2g";
    return String.format(Locale.ROOT, f, d);
  }

  String render(String notes) {
    md.append("# Vigil side by side with supervisord, the JDK, OSHI and process-exporter (issue 8)\n\n");
    md.append("Written by `bench/run` (").append(meta.getOrDefault("mode", "full")).append(" run) on ")
        .append(meta.getOrDefault("date", "?")).append(". Reproduce from the repository root with `")
        .append(meta.getOrDefault("command", "bench/run")).append("` (").append(meta.getOrDefault("duration", "?"))
        .append("); `bench/run --smoke` is the short form that `BenchSmokeTest` runs in `mvn verify`.\n\n");
    md.append("**This machine is shared**: other builds and tests may run beside a run; this one had a load average of ")
        .append(meta.getOrDefault("load.before", "?")).append(" before, ").append(meta.getOrDefault("load.after", "?"))
        .append(" after, on ").append(meta.getOrDefault("cpus", "?")).append(" CPUs. Absolute times move between runs (medians by up to 2×, tails by more, over three runs here; the raw rows")
        .append(" of earlier runs are in `bench/results/run-*-rows.tsv`); quote the ratios, which compare contenders measured minutes")
        .append(" apart in the same run.\n\n");
    md.append("## Machine and versions\n\n| | |\n|---|---|\n");
    for (String k : List.of("commit", "baseline", "kernel", "cpu", "cpus", "memory", "java", "maven", "supervisord", "process-exporter", "oshi",
        "jna", "load.before", "load.after")) {
      if (!meta.containsKey(k) && k.equals("baseline")) {
        continue;
      }
      md.append("| ").append(k).append(" | ").append(meta.getOrDefault(k, "?")).append(" |\n");
    }
    md.append('\n');
    targets();
    section("1", "Crash to restart: SIGKILL of a supervised `sleep` (zero backoff) until the new child runs `sleep`",
        "The new child is seen from outside, the same way for every contender: the supervisor's `/proc/PID/task/TID/children`"
            + " polled every 250 µs until a child other than the killed one shows the name `sleep` (exec done) and is not a zombie."
            + " 5 warm-up kills are not counted; 20 ms pause between trials.", "supervisord");
    section("2", "Exit detection: SIGKILL until the exit is known", "The kill is the same `kill(2)` for all; the end is the"
        + " moment the contender's callback runs. Children: Vigil's `Exited` event in a listener vs `Process.onExit()`. Non-children"
        + " (a `sleep` whose parent `bash` waits for it): see the row notes. 5 warm-up trials; 5 ms between start and kill.",
        "process-onexit", "processhandle-onexit");
    section("3", "1,000 supervised `sleep` children, each sampled every second, for 60 s", "Each contender in a JVM (or"
        + " supervisord) of its own. CPU is per second of wall time over the 60 s (n = 60); threads, heap and RSS at the end.",
        "jdk-threads", "supervisord");
    section("4", "Sampling cost per process: 200 and 1,000 `sleep` processes", "One round samples every process once on one"
        + " thread; wall time, thread CPU time and heap allocated (ThreadMXBean) per process, statistics over rounds."
        + " process-exporter: its own CPU time (utime + stime, 10 ms ticks) per scrape divided by the processes it reports.",
        "oshi", "process-exporter");
    section("5", "Spawn and reap 1,000 `/bin/true`, one after another", "From the start call until the exit is known."
        + " The `-spaced` rows: 300 starts, each 10 ms after the previous exit (a machine where starts are rare), each"
        + " against `processbuilder-spaced`.", "processbuilder", "processbuilder-spaced");
    section("6", "Idle: 100 supervised sleeping `sleep` children for 5 minutes, metrics bound (issue 18)", "The Micrometer"
        + " binding bound to a registry whose every meter is read each 15 s; supervisord with 100 children of its own in the"
        + " same window beside it. CPU over the whole window; heap after GC at its end.", "supervisord");
    if (!notes.isBlank()) {
      md.append(notes.strip()).append('\n');
    }
    return md.toString();
  }

  private void section(String comparison, String title, String how, String... anchors) {
    md.append("## ").append(comparison).append(". ").append(title).append("\n\n").append(how).append("\n\n");
    md.append("| contender | figure | unit | n | median | p99 | min | max |");
    for (String a : anchors) {
      md.append(" median ÷ ").append(a).append(" |");
    }
    md.append(" how |\n|---|---|---|---|---|---|---|---|");
    for (int i = 0; i < anchors.length; i++) {
      md.append("---|");
    }
    md.append("---|\n");
    for (Row r : rows) {
      if (!r.comparison().equals(comparison)) {
        continue;
      }
      Stats s = r.stats();
      md.append("| ").append(r.contender()).append(" | ").append(r.metric()).append(" | ").append(r.unit()).append(" | ")
          .append(s.n()).append(" | ").append(num(s.median())).append(" | ").append(num(s.p99())).append(" | ")
          .append(num(s.min())).append(" | ").append(num(s.max())).append(" |");
      for (String a : anchors) {
        Optional<Row> anchor = find(comparison, a, r.metric());
        if (anchor.isEmpty() && comparison.equals("4") && a.equals("process-exporter") && r.metric().startsWith("cpu-per-process")) {
          anchor = find(comparison, a, r.metric());
        }
        md.append(' ').append(anchor.filter(x -> x.stats().median() > 0)
            .map(x -> num(r.stats().median() / x.stats().median())).orElse("")).append(" |");
      }
      md.append(' ').append(r.note()).append(" |\n");
    }
    md.append('\n');
  }

  private record Target(String what, String measured, String ratio, Boolean met, String miss) {}

  private void targets() {
    List<Target> t = new ArrayList<>();
    Optional<Row> vl = find("1", "vigil-linux", CrashRestart.METRIC);
    Optional<Row> sd = find("1", "supervisord", CrashRestart.METRIC);
    vl.ifPresent(v -> t.add(bound("crash to restart, Linux backend: p99 under 20 ms", v.stats().p99(), 20, "ms")));
    find("1", "vigil-jdk", CrashRestart.METRIC).ifPresent(v ->
        t.add(bound("crash to restart, JDK backend: p99 under 20 ms", v.stats().p99(), 20, "ms")));
    if (vl.isPresent() && sd.isPresent()) {
      t.add(faster("crash to restart: ≥ 50× faster than supervisord (medians)", sd.get().stats().median(), vl.get().stats().median(), 50));
      t.add(faster("crash to restart: ≥ 50× faster than supervisord (p99s)", sd.get().stats().p99(), vl.get().stats().p99(), 50));
    }
    Optional<Row> po = find("2", "process-onexit", "exit-detection-child");
    for (String b : List.of("vigil-linux", "vigil-jdk")) {
      Optional<Row> v = find("2", b, "exit-detection-child");
      if (v.isPresent() && po.isPresent()) {
        t.add(noSlower("exit detection, child, " + b + ": no slower than Process.onExit() (medians)", v.get().stats().median(),
            po.get().stats().median()));
        t.add(noSlower("exit detection, child, " + b + ": no slower than Process.onExit() (p99s)", v.get().stats().p99(),
            po.get().stats().p99()));
      }
    }
    Optional<Row> att = find("2", "vigil-attach", "exit-detection-attached").or(() -> find("2", "pidfd-poll", "exit-detection-attached"));
    Optional<Row> ph = find("2", "processhandle-onexit", "exit-detection-attached");
    att.ifPresent(a -> t.add(bound("exit detection, attached (" + a.contender() + "): p99 under 5 ms", a.stats().p99(), 5, "ms")));
    if (att.isPresent() && ph.isPresent()) {
      t.add(faster("exit detection, attached (" + att.get().contender() + "): ≥ 30× faster than ProcessHandle.onExit() (medians)",
          ph.get().stats().median(), att.get().stats().median(), 30));
    }
    find("3", "vigil-linux", "threads").ifPresent(r -> t.add(bound("1,000 children: Vigil's threads under 16", r.stats().median(), 16, "")));
    find("3", "vigil-linux", "heap-after-gc").ifPresent(r -> t.add(bound("1,000 children: heap under 64 MB", r.stats().median(), 64, "MB")));
    find("3", "vigil-linux", "sampling-cpu").ifPresent(r -> t.add(bound(
        "1,000 children: sampling all every second under 2% of one core (ProcessController.sample(), median)", r.stats().median(), 2, "%")));
    find("3", "vigil-linux", "sampling-cpu-metrics").ifPresent(r -> t.add(bound(
        "1,000 children: sampling all every second under 2% of one core (CPU + RSS fields, median)", r.stats().median(), 2, "%")));
    for (String n : List.of("200", "1000")) {
      Optional<Row> ot = find("4", "oshi", "time-per-process-" + n);
      Optional<Row> oa = find("4", "oshi", "alloc-per-process-" + n);
      for (String v : List.of("vigil-oshi-fields", "vigil-no-pss", "vigil-default", "vigil-default-all-fresh")) {
        Optional<Row> vt = find("4", v, "time-per-process-" + n);
        Optional<Row> va = find("4", v, "alloc-per-process-" + n);
        if (vt.isPresent() && ot.isPresent()) {
          t.add(fraction("sampling " + n + ", " + v + ": time ≤ ½ OSHI's (medians)", vt.get().stats().median(), ot.get().stats().median(), 0.5));
        }
        if (va.isPresent() && oa.isPresent()) {
          t.add(fraction("sampling " + n + ", " + v + ": allocation ≤ 1/10 OSHI's (medians)", va.get().stats().median(),
              oa.get().stats().median(), 0.1));
        }
      }
    }
    // issue 18
    vl.ifPresent(v -> {
      t.add(bound("issue 18: crash to restart, Linux backend: median ≤ 2 ms", v.stats().median(), 2, "ms", true));
      t.add(bound("issue 18: crash to restart, Linux backend: p99 ≤ 10 ms", v.stats().p99(), 10, "ms", true));
    });
    for (String base : List.of("vigil-linux-main", "vigil-linux-inline")) {
      Optional<Row> b = find("1", base, CrashRestart.METRIC);
      if (vl.isPresent() && b.isPresent()) {
        String who = base.equals("vigil-linux-main") ? "main's build (issue 11: no worse than today's)" : "the standby off";
        t.add(noWorse("crash to restart, Linux backend, against " + who + " (medians)", vl.get().stats().median(), b.get().stats().median()));
        t.add(noWorse("crash to restart, Linux backend, against " + who + " (p99s)", vl.get().stats().p99(), b.get().stats().p99()));
      }
    }
    for (String m : List.of("sampling-cpu", "sampling-cpu-metrics", "sampling-cpu-stat")) {
      String what = m.equals("sampling-cpu") ? "every default field (the files the Micrometer binding reads with every meter kept)"
          : m.equals("sampling-cpu-metrics") ? "CPU + exact resident memory (a CPU or memory resource rule)" : "CPU + stat's resident memory";
      find("3", "vigil-linux", m).ifPresent(r -> t.add(bound("issue 18: 1,000 children sampled every second under 1% of one core, "
          + what + " (median)", r.stats().median(), 1, "%")));
    }
    find("6", "vigil-linux", "idle-cpu").ifPresent(r -> t.add(bound("issue 18: idle, 100 children, metrics bound: whole JVM under 0.05% of a core",
        r.stats().median(), 0.05, "%")));
    find("6", "vigil-linux", "idle-cpu-above-floor").ifPresent(r -> t.add(bound(
        "issue 18: idle, 100 children, metrics bound: above the bare JVM's floor under 0.05% of a core", r.stats().median(), 0.05, "%")));
    find("6", "vigil-linux", "heap-after-gc").ifPresent(r -> t.add(bound("issue 18: idle, 100 children, metrics bound: heap after GC (whole JVM) under 10 MB",
        r.stats().median(), 10, "MB")));
    Optional<Row> pb = find("5", "processbuilder", "spawn-and-reap");
    for (String v : List.of("vigil-linux", "vigil-linux-fresh", "vigil-linux-spare", "vigil-jdk")) {
      Optional<Row> r = find("5", v, "spawn-and-reap");
      if (r.isPresent() && pb.isPresent()) {
        t.add(noWorse("issue 18: spawn and reap of /bin/true, " + v + ": no slower than ProcessBuilder (medians)", r.get().stats().median(),
            pb.get().stats().median()));
        t.add(noWorse("issue 18: spawn and reap of /bin/true, " + v + ": no slower than ProcessBuilder (p99s)", r.get().stats().p99(),
            pb.get().stats().p99()));
      }
    }
    Optional<Row> pbSpaced = find("5", "processbuilder-spaced", "spawn-and-reap");
    Optional<Row> spaced = find("5", "vigil-linux-spare-spaced", "spawn-and-reap");
    if (spaced.isPresent() && pbSpaced.isPresent()) {
      t.add(noWorse("issue 18: spawn and reap of /bin/true, starts 10 ms apart, vigil-linux-spare: no slower than ProcessBuilder (medians)",
          spaced.get().stats().median(), pbSpaced.get().stats().median()));
      t.add(noWorse("issue 18: spawn and reap of /bin/true, starts 10 ms apart, vigil-linux-spare: no slower than ProcessBuilder (p99s)",
          spaced.get().stats().p99(), pbSpaced.get().stats().p99()));
    }
    md.append("## Targets\n\n");
    if ("smoke".equals(meta.get("mode"))) {
      md.append("**Smoke run**: a few trials each and 20 children instead of 1,000; the verdicts below only show the"
          + " harness works. Judge the targets on a full run (`bench/run`).\n\n");
    }
    md.append("| target | measured | ratio | met? |\n|---|---|---|---|\n");
    for (Target x : t) {
      md.append("| ").append(x.what()).append(" | ").append(x.measured()).append(" | ").append(x.ratio()).append(" | ")
          .append(x.met() ? "**met**" : "**missed** (" + x.miss() + ")").append(" |\n");
    }
    md.append('\n');
  }

  private static Target bound(String what, double value, double limit, String unit) {
    return bound(what, value, limit, unit, false);
  }

  private static Target bound(String what, double value, double limit, String unit, boolean inclusive) {
    boolean met = inclusive ? value <= limit : value < limit;
    return new Target(what, num(value) + (unit.isEmpty() ? "" : " " + unit), num(value / limit) + " of the limit", met,
        "by " + num(value - limit) + (unit.isEmpty() ? "" : " " + unit) + ", " + num(value / limit) + "× the limit");
  }

  private static Target faster(String what, double anchor, double vigil, double factor) {
    double ratio = anchor / vigil;
    boolean met = ratio >= factor;
    return new Target(what, num(anchor) + " vs " + num(vigil), num(ratio) + "× faster", met,
        num(ratio) + "× where " + num(factor) + "× was asked, short by a factor " + num(factor / ratio));
  }

  private static Target noSlower(String what, double vigil, double anchor) {
    double ratio = vigil / anchor;
    boolean met = vigil <= anchor;
    return new Target(what, num(vigil) + " ms vs " + num(anchor) + " ms", num(ratio) + "× the JDK's", met,
        "slower by " + num(vigil - anchor) + " ms, " + num(ratio) + "×");
  }

  private static Target noWorse(String what, double vigil, double anchor) {
    double ratio = vigil / anchor;
    return new Target(what, num(vigil) + " vs " + num(anchor), num(ratio) + "×", vigil <= anchor,
        "slower by " + num(vigil - anchor) + ", " + num(ratio) + "×");
  }

  private static Target fraction(String what, double vigil, double anchor, double limit) {
    double ratio = vigil / anchor;
    boolean met = ratio <= limit;
    return new Target(what, num(vigil) + " vs " + num(anchor), num(ratio) + " of OSHI's", met,
        num(ratio) + " where " + num(limit) + " was asked, " + num(ratio / limit) + "× the limit");
  }
}
