package io.github.vigil.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Linux backend's wrapper shell alone, spawned and waited for, with each of its two ways to check that the JVM
 * lives after the cgroup joins, alternated trial by trial (issue 18, target 5): the parent read from
 * {@code /proc/self/stat} (until 4dfd791; {@code dash}'s {@code read} takes it a byte at a time) and one write to a
 * pipe the JVM reads (since). Each trial runs {@code /bin/sh -c WRAPPER vigil-run CHECK -- /bin/true} through
 * {@code ProcessBuilder}: the shell's parent is this JVM, and its standard output the pipe the new check writes to.
 * No cgroup is joined (that part is the same in both). Also {@code /bin/sh -c 'exec /bin/true'}, the shell's own floor.
 *
 * <pre>
 * java -cp "bench/target/classes:$(cat bench/target/run/classpath.txt)" io.github.vigil.bench.WrapperCheck [trials]
 *     default 500 trials; medians and minima in milliseconds, tab-separated (the class path as bench/run builds it)
 * </pre>
 */
public final class WrapperCheck {
  /** The wrapper of commit 9618aa2: its check is the word {@code parent=PID}. */
  static final String PARENT_READ = "parent() { local s; read -r s < /proc/self/stat && set -- \"$1\" ${s##*) } && [ \"$3\" = \"$1\" ]; };"
      + " while [ $# -gt 0 ]; do case \"$1\" in --) shift; exec \"$@\" 3>&-;;"
      + " nofile=*) ulimit -n \"${1#nofile=}\" || { echo \"vigil: cannot set the descriptor limit to ${1#nofile=}\" >&2; exit 125; };;"
      + " lc_all=*) LC_ALL=\"${1#lc_all=}\";; lc_all-) unset LC_ALL;; env=*) export \"${1#env=}\";;"
      + " parent=*) parent \"${1#parent=}\" || { echo \"vigil: the supervising JVM (pid ${1#parent=}) is gone; not starting\" >&2; exit 125; };;"
      + " *) echo 0 > \"$1/cgroup.procs\" || { echo \"vigil: cannot join cgroup $1\" >&2; exit 125; };; esac;"
      + " shift; done; exit 125";
  /** The wrapper this build's Linux backend runs (since 4dfd791 its check is the word {@code jvm=FD}): read, not copied. */
  static String current() throws ReflectiveOperationException {
    java.lang.reflect.Field script = Class.forName("io.github.vigil.linux.LinuxProcessBackend").getDeclaredField("WRAPPER_SCRIPT");
    script.setAccessible(true);
    return (String) script.get(null);
  }

  private WrapperCheck() {}

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    String jvm = Long.toString(ProcessHandle.current().pid());
    List<List<String>> cases = List.of(
        List.of("/bin/sh", "-c", PARENT_READ, "vigil-run", "parent=" + jvm, "--", "/bin/true"),
        List.of("/bin/sh", "-c", current(), "vigil-run", "jvm=1", "--", "/bin/true"),
        List.of("/bin/sh", "-c", "exec /bin/true"));
    String[] names = {"parent-read (/proc/self/stat)", "pipe-write (jvm=1)", "sh exec /bin/true"};
    String[] outputs = {"", "\n", ""};
    long[][] nanos = new long[cases.size()][trials];
    for (int warm = 0; warm < 50; warm++) {
      for (List<String> c : cases) {
        run(c);
      }
    }
    for (int t = 0; t < trials; t++) {
      for (int c = 0; c < cases.size(); c++) {
        long start = System.nanoTime();
        String out = run(cases.get(c));
        nanos[c][t] = System.nanoTime() - start;
        if (!out.equals(outputs[c])) {
          throw new IllegalStateException(names[c] + ": the wrapper wrote '" + out + "' where '" + outputs[c] + "' was expected");
        }
      }
    }
    System.out.println("case\tmedian ms\tmin ms\ttrials");
    for (int c = 0; c < cases.size(); c++) {
      long[] s = nanos[c].clone();
      Arrays.sort(s);
      System.out.printf(Locale.ROOT, "%s\t%.3f\t%.3f\t%d%n", names[c], s[s.length / 2] / 1e6, s[0] / 1e6, trials);
    }
  }

  /** Runs one wrapper to its end; its standard output, which must be what its check wrote (the program prints nothing). */
  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (code != 0) {
      throw new IllegalStateException(command.get(command.size() - 1) + " exited " + code);
    }
    return out;
  }
}
