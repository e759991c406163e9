package io.github.vigil.linux;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The text a spare (a started wrapper that does not yet know its program) sources from its descriptor 3 to become
 * a run: the same steps as {@link LinuxProcessBackend#WRAPPER_SCRIPT}, with the same messages and exit code 125
 * (descriptor limit, cgroup joins), then the working directory, the run's environment and the exec of the
 * program. Every word is single-quoted, so no byte of an argument, a value or a path is read by the shell.
 *
 * <p>The program gets the environment the usual wrapper gives it: the run's, and {@code PWD} as the shell sets it
 * at its start (the run's {@code PWD} where that names the working directory, else the directory's physical path).
 *
 * <p>Thread-safe: stateless.
 */
final class SpareScript {

  private SpareScript() {}

  /**
   * Whether a spare can start this run as the usual wrapper would: not with an environment name the shell cannot
   * export ({@code my-var}), a NUL character, or an executable path that is not absolute (the shell would search
   * {@code PATH} where {@code posix_spawn} does not).
   */
  static boolean canRun(List<String> env, Path executable, List<String> args) {
    if (!executable.isAbsolute() || executable.toString().indexOf('\0') >= 0) {
      return false;
    }
    for (String e : env) {
      int eq = e.indexOf('=');
      if (eq <= 0 || !isShellName(e.substring(0, eq)) || e.indexOf('\0') >= 0) {
        return false;
      }
    }
    for (String a : args) {
      if (a.indexOf('\0') >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The script, or null when {@link #canRun} says a spare cannot start this run.
   *
   * @param env the whole environment, {@code NAME=value} entries, as {@code posix_spawn} would get it
   * @param pwd the run's {@code PWD} where it names the working directory (the shell keeps it), else null
   */
  static @Nullable String of(OptionalLong nofile, List<Path> cgroupDirs, @Nullable String directory, List<String> env,
      @Nullable String pwd, Path executable, List<String> args) {
    if (!canRun(env, executable, args)) {
      return null;
    }
    StringBuilder s = new StringBuilder(256 + 32 * env.size());
    if (nofile.isPresent()) {
      s.append("ulimit -n ").append(nofile.getAsLong()).append(" || { echo ")
          .append(quote("vigil: cannot set the descriptor limit to " + nofile.getAsLong())).append(" >&2; exit 125; }\n");
    }
    for (Path d : cgroupDirs) {
      s.append("echo 0 > ").append(quote(d + "/cgroup.procs")).append(" || { echo ")
          .append(quote("vigil: cannot join cgroup " + d)).append(" >&2; exit 125; }\n");
    }
    if (directory != null) {
      s.append("cd -P ").append(quote(directory)).append(" || exit 125\n");
    }
    s.append("unset OLDPWD\n"); // the cd's: a wrapper started in the directory has none
    for (String e : env) {
      if (!e.startsWith("PWD=")) {
        s.append("export ").append(quote(e)).append('\n');
      }
    }
    if (pwd != null) {
      s.append("export ").append(quote("PWD=" + pwd)).append('\n');
    }
    s.append("exec ").append(quote(executable.toString()));
    for (String a : args) {
      s.append(' ').append(quote(a));
    }
    s.append(" 3<&- 4>&-\n"); // 4: the start's pipe, whose end of file tells the backend the program runs
    return s.toString();
  }

  /** Whether {@code name} is a shell identifier ({@code [A-Za-z_][A-Za-z0-9_]*}), which a shell can export. */
  static boolean isShellName(String name) {
    if (name.isEmpty() || name.charAt(0) >= '0' && name.charAt(0) <= '9') {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} as one shell word: single-quoted, each {@code '} written as {@code '\''}. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
