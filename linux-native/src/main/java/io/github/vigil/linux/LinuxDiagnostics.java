package io.github.vigil.linux;

import io.github.vigil.ExitCause;
import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessSample;
import io.github.vigil.diagnosis.Finding;
import io.github.vigil.diagnosis.Finding.Certainty;
import io.github.vigil.diagnosis.Finding.Check;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.spi.ProcessEntry;
import io.github.vigil.spi.ProcessInspector;
import io.github.vigil.spi.ProcessSampler;
import io.github.vigil.spi.ProcessTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the Linux backend adds to a diagnosis ({@link ProcessInspector}): who a process is (from
 * {@code /proc/PID/stat}, {@code cmdline}, {@code status} and the backend's {@code VIGIL_PROCESS_NAME}
 * marker in {@code environ}), the limits a run hit named with their values and where they were set
 * (the {@link LinuxLimits} labels, the run's own {@code /proc/PID/limits}, or this JVM's, which a run
 * inherits), and a program on a {@code noexec} mount ({@code /proc/self/mountinfo}).
 *
 * <p>Thread-safe: file reads on the calling thread, no state.
 */
final class LinuxDiagnostics implements ProcessInspector {
  private static final Pattern EMFILE = Pattern.compile("(?i)too many open files|EMFILE");
  private static final Pattern FORK_FAILED = Pattern.compile("(?i)(fork|clone|thread).*resource temporarily unavailable|cannot fork");

  private final Path procRoot;
  private final ProcFs proc;
  private final ProcessTable table;
  private final ProcessSampler sampler;

  LinuxDiagnostics(Path procRoot, ProcFs proc, ProcessTable table, ProcessSampler sampler) {
    this.procRoot = procRoot;
    this.proc = proc;
    this.table = table;
    this.sampler = sampler;
  }

  @Override
  public Optional<ProcessInfo> process(long pid) {
    if (pid <= 0 || pid > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    Optional<ProcessEntry> entry = table.get(pid);
    Optional<ProcStat> stat = proc.stat((int) pid);
    if (entry.isEmpty() || stat.isEmpty()) {
      return Optional.empty();
    }
    // the sampler's start: a run from a standby or spare started when its program did, not when its wrapper did
    ProcessSample s = sampler.sample(pid, EnumSet.of(ProcessSample.Field.USER, ProcessSample.Field.START_TIME), null);
    String user = s.user().orElse("");
    String cmd = entry.get().arguments().isEmpty() ? "[" + entry.get().name() + "]" : entry.get().arguments();
    return Optional.of(new ProcessInfo(pid, stat.get().ppid(), user, s.startTime().orElse(entry.get().startTime()), cmd,
        proc.environValue((int) pid, LinuxProcessBackend.NAME_VARIABLE)));
  }

  @Override
  public List<Finding> inspect(Subject subject) {
    List<Finding> out = new ArrayList<>();
    Map<String, String> labels = subject.labels();
    List<String> output = new ArrayList<>(subject.stderr());
    output.addAll(subject.stdout());
    String name = subject.process();

    // memory: the run's cgroup limit, hit when the OOM killer ended it
    OptionalLong memoryMax = safe(() -> LinuxLimits.memoryMax(labels));
    if (subject.exit() != null && subject.exit().cause() == ExitCause.OOM_KILLED) {
      String at = subject.exit().memoryAtDeath().stream().mapToObj(b -> HumanFormat.bytes(b) + " resident at the kill").findFirst().orElse("");
      if (memoryMax.isPresent()) {
        String limit = labels.get(LinuxLimits.MEMORY_MAX);
        out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "the memory limit " + HumanFormat.bytes(memoryMax.getAsLong()) + " ("
            + LinuxLimits.MEMORY_MAX + "=" + limit + ") was hit: the kernel's OOM killer killed the run" + (at.isEmpty() ? "" : ", " + at),
            List.of(subject.exit().toString(), LinuxLimits.MEMORY_MAX + "=" + limit + " (" + memoryMax.getAsLong() + " bytes)"),
            "raise " + LinuxLimits.MEMORY_MAX + " of " + name + " above " + limit + ", or make it use less memory at start"));
      } else {
        out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "the kernel's OOM killer killed the run (no memory limit of its own: the machine ran out)"
            + (at.isEmpty() ? "" : ", " + at), List.of(subject.exit().toString(), "MemAvailable " + memAvailable()),
            "free memory on this machine, or give " + name + " a limit (" + LinuxLimits.MEMORY_MAX + ") so that it alone is killed"));
      }
    }

    // descriptors: where the limit came from, and its value
    List<String> emfile = output.stream().filter(l -> EMFILE.matcher(l).find()).map(String::strip).distinct().toList();
    OptionalLong nofileLabel = safe(() -> LinuxLimits.nofile(labels));
    long[] live = subject.pid() > 0 ? descriptorLimit(procRoot.resolve(Long.toString(subject.pid())).resolve("limits")) : null;
    long[] jvm = descriptorLimit(procRoot.resolve("self").resolve("limits"));
    boolean jvmOutOfDescriptors = subject.exit() != null && subject.exit().cause() == ExitCause.START_FAILED
        && EMFILE.matcher(subject.exit().message()).find();
    if (jvmOutOfDescriptors) {
      // not the program's limit: this JVM could not get the pipes or the pidfd of the start
      long open = countFds(ProcessHandle.current().pid());
      String value = jvm == null ? "" : " " + jvm[0];
      List<String> ev = new ArrayList<>(List.of("the start failed: " + subject.exit().message()));
      ev.add(jvm == null ? "RLIMIT_NOFILE of this JVM unreadable (/proc/self/limits: no descriptor to spare)"
          : "RLIMIT_NOFILE of this JVM: soft " + jvm[0] + ", hard " + jvm[1] + " (/proc/self/limits)");
      if (open >= 0) {
        ev.add(open + " descriptors open in this JVM (pid " + ProcessHandle.current().pid() + ")");
      }
      out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "this JVM's descriptor limit" + value
          + " (RLIMIT_NOFILE) was reached: the start of " + name + " could not open its pipes ('Too many open files')", ev,
          "raise the descriptor limit of this JVM" + (jvm == null ? "" : " above " + jvm[0]) + " (LimitNOFILE of the service that starts it, "
              + "ulimit -n), or find what holds its descriptors (ls -l /proc/" + ProcessHandle.current().pid() + "/fd)"));
    }
    if (!emfile.isEmpty()) {
      String source;
      long limit;
      String fix;
      if (nofileLabel.isPresent()) {
        limit = nofileLabel.getAsLong();
        source = LinuxLimits.NOFILE + "=" + labels.get(LinuxLimits.NOFILE);
        fix = "raise " + LinuxLimits.NOFILE + " of " + name + " above " + limit;
      } else if (live != null) {
        limit = live[0];
        source = "its own /proc/" + subject.pid() + "/limits";
        fix = "raise the descriptor limit of " + name + " above " + limit + " (it sets or inherits it: ulimit -n, " + LinuxLimits.NOFILE + ")";
      } else {
        limit = jvm == null ? -1 : jvm[0];
        source = "inherited from this JVM (soft " + limit + (jvm == null ? "" : ", hard " + jvm[1]) + ")";
        fix = "raise the descriptor limit above " + limit + ": " + LinuxLimits.NOFILE + " on " + name + ", or LimitNOFILE / ulimit -n of what starts this JVM";
      }
      List<String> ev = new ArrayList<>(emfile);
      ev.add("RLIMIT_NOFILE " + limit + ": " + source);
      out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "the descriptor limit " + limit + " (RLIMIT_NOFILE, " + source
          + ") was reached: its output says 'Too many open files'", ev, fix));
    } else if (!jvmOutOfDescriptors && live != null && live[0] > 0) {
      long open = countFds(subject.pid());
      if (open >= 0 && open * 10 >= live[0] * 9) {
        out.add(Finding.problem(Check.LIMITS, Certainty.LIKELY, "pid " + subject.pid() + " has " + open + " descriptors open of its limit " + live[0],
            List.of("RLIMIT_NOFILE soft " + live[0] + ", hard " + live[1]), "raise the descriptor limit of " + name + " above " + live[0]
                + " (" + LinuxLimits.NOFILE + "), or find the descriptor leak"));
      }
    }

    // processes: a pids limit and a fork that failed
    List<String> fork = output.stream().filter(l -> FORK_FAILED.matcher(l).find()).map(String::strip).distinct().toList();
    OptionalLong pidsMax = safe(() -> LinuxLimits.pidsMax(labels));
    if (!fork.isEmpty() && pidsMax.isPresent()) {
      List<String> ev = new ArrayList<>(fork);
      ev.add(LinuxLimits.PIDS_MAX + "=" + labels.get(LinuxLimits.PIDS_MAX));
      out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "the process limit " + pidsMax.getAsLong() + " (" + LinuxLimits.PIDS_MAX
          + ") was reached: a fork failed", ev, "raise " + LinuxLimits.PIDS_MAX + " of " + name + " above " + pidsMax.getAsLong()));
    }

    // the program on a noexec mount
    Path exe = program(subject);
    if (exe != null) {
      Optional<String[]> mount = mountOf(exe);
      if (mount.isPresent() && Arrays2.contains(mount.get()[1].split(","), "noexec")) {
        out.add(Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "program " + exe + " is on " + mount.get()[0] + ", mounted noexec",
            List.of("mount " + mount.get()[0] + " options " + mount.get()[1]), "remount " + mount.get()[0]
                + " with exec (mount -o remount,exec " + mount.get()[0] + "), or move " + exe.getFileName() + " to a filesystem mounted with exec"));
      }
    }

    if (out.stream().noneMatch(f -> f.check() == Check.LIMITS)) {
      List<String> ev = new ArrayList<>();
      memoryMax.ifPresent(m -> ev.add(LinuxLimits.MEMORY_MAX + "=" + labels.get(LinuxLimits.MEMORY_MAX)));
      pidsMax.ifPresent(m -> ev.add(LinuxLimits.PIDS_MAX + "=" + labels.get(LinuxLimits.PIDS_MAX)));
      nofileLabel.ifPresent(m -> ev.add(LinuxLimits.NOFILE + "=" + labels.get(LinuxLimits.NOFILE)));
      if (jvm != null) {
        ev.add("this JVM's RLIMIT_NOFILE soft " + jvm[0] + ", hard " + jvm[1] + " (runs inherit it)");
      }
      out.add(Finding.ok(Check.LIMITS, "no memory, process or descriptor limit was hit", ev));
    }
    return out;
  }

  private interface LimitRead {
    OptionalLong read();
  }

  private static OptionalLong safe(LimitRead r) {
    try {
      return r.read();
    } catch (IllegalArgumentException e) {
      return OptionalLong.empty(); // malformed: the start itself failed naming the label
    }
  }

  /** {@code [soft, hard]} of "Max open files" in a {@code limits} file (-1 for unlimited); null when unreadable. */
  static long @Nullable [] descriptorLimit(Path limits) {
    try {
      for (String line : Files.readAllLines(limits, StandardCharsets.UTF_8)) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          return new long[] {parseLimit(f[0]), parseLimit(f[1])};
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone or unreadable
    }
    return null;
  }

  private static long parseLimit(String s) {
    return s.equals("unlimited") ? -1 : Long.parseLong(s);
  }

  private long countFds(long pid) {
    try (var s = Files.list(procRoot.resolve(Long.toString(pid)).resolve("fd"))) {
      return s.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private String memAvailable() {
    try {
      for (String line : Files.readAllLines(procRoot.resolve("meminfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("MemAvailable:")) {
          return line.substring("MemAvailable:".length()).trim();
        }
      }
    } catch (IOException e) {
      // unreadable
    }
    return "unknown";
  }

  private static @Nullable Path program(Subject s) {
    if (s.command().isEmpty()) {
      return null;
    }
    String p = s.command().get(0);
    if (p.indexOf('/') >= 0) {
      Path path = Path.of(p);
      return path.isAbsolute() ? path : (s.workingDirectory() != null ? s.workingDirectory() : Path.of("")).toAbsolutePath().resolve(path);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, p))) {
        return Path.of(dir, p);
      }
    }
    return null;
  }

  /** The mount point and options (per-mount and per-superblock joined) of the mount holding {@code file}. */
  private Optional<String[]> mountOf(Path file) {
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      return Optional.empty();
    }
    String best = null;
    String options = null;
    try {
      for (String line : Files.readAllLines(procRoot.resolve("self").resolve("mountinfo"), StandardCharsets.UTF_8)) {
        String[] f = line.split(" ");
        if (f.length < 10) {
          continue;
        }
        String point = unescape(f[4]);
        int dash = java.util.Arrays.asList(f).indexOf("-");
        String superOptions = dash > 0 && dash + 3 < f.length ? f[dash + 3] : "";
        if (real.startsWith(point) && (best == null || point.length() >= best.length())) {
          best = point;
          options = f[5] + "," + superOptions;
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return best == null ? Optional.empty() : Optional.of(new String[] {best, options});
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }

  private static final class Arrays2 {
    static boolean contains(String[] a, String s) {
      for (String x : a) {
        if (x.equals(s)) {
          return true;
        }
      }
      return false;
    }
  }
}
