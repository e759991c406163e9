package io.github.vigil.spi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The dynamic loader's variables that make it load more into every program it starts ({@code LD_PRELOAD},
 * {@code LD_AUDIT}), and how a program run through a wrapper that execs it (util-linux {@code setsid}) gets them alone.
 * Each exec with them in its environment loads them: a library the loader cannot load is warned of once per exec
 * ({@code ERROR: ld.so: ... cannot be preloaded}), for the wrapper and then for the program, and one that loads (a
 * profiler, an allocator) is started in the wrapper too. Where they are set, the wrapper runs
 * {@code env NAME=VALUE... program args} without them (one pid throughout: both exec), so that the program alone
 * gets them. {@code LD_LIBRARY_PATH} is left alone: it only says where to look, and a wrapper may need it.
 *
 * <p>Used by the JDK backend for its runs and by the engine for check commands (exec health checks, a diagnosis's
 * configuration check); the Linux backend does the same through its shell wrapper. Thread-safe: stateless.
 */
public final class LoaderVariables {
  /** The variables given to the program alone: {@code LD_PRELOAD} and {@code LD_AUDIT}. */
  public static final List<String> NAMES = List.of("LD_PRELOAD", "LD_AUDIT");

  /** coreutils' (or busybox's) {@code env}; null where there is none. */
  private static final @Nullable String ENV = findEnv();

  private LoaderVariables() {}

  private static @Nullable String findEnv() {
    for (String p : new String[] {"/usr/bin/env", "/bin/env"}) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return null;
  }

  /**
   * The words to put between a wrapper and {@code program} so that the program alone gets the loader variables
   * {@code environment} sets: {@code env}'s path, then {@code NAME=VALUE} for each of {@link #NAMES} it sets. The caller
   * then removes {@link #NAMES} from the wrapper's environment. Empty where it sets none of them, where there is no
   * {@code env}, or where {@code program} holds a {@code =} (env would take it for a variable): the wrapper then runs with
   * them as before.
   *
   * @param program the program the wrapper runs, as it is given to the wrapper
   * @param environment the environment the program is to have
   */
  public static List<String> envWords(String program, Map<String, String> environment) {
    if (ENV == null || program.indexOf('=') >= 0) {
      return List.of();
    }
    List<String> words = new ArrayList<>(3);
    for (String name : NAMES) {
      String value = environment.get(name);
      if (value != null) {
        words.add(name + "=" + value);
      }
    }
    if (words.isEmpty()) {
      return List.of();
    }
    words.add(0, ENV);
    return words;
  }
}
