package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@code LD_PRELOAD} (and {@code LD_AUDIT}) naming a library the loader cannot load, on the JDK backend: the loader
 * warns of it at each exec that has it in its environment, and the backend runs each program through util-linux
 * {@code setsid} (an exec of its own), so a black-box trial's run had the warning twice on its stderr. The program
 * alone gets them now: once, and exactly as its request sets them (the Linux backend's {@code LoaderVariablesTest}).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class JdkLoaderVariablesTest {
  private static final String LIB = "/nonexistent/vigil-jdk-" + ProcessHandle.current().pid() + "/lib.so";

  /** Output per stream, and the exit. */
  static final class Listener implements ProcessListener {
    final StringBuffer out = new StringBuffer();
    final StringBuffer err = new StringBuffer();
    final CompletableFuture<Termination> exit = new CompletableFuture<>();

    @Override
    public void onOutput(StdStream stream, byte[] buffer, int offset, int length) {
      (stream == StdStream.STDOUT ? out : err).append(new String(buffer, offset, length, StandardCharsets.UTF_8));
    }

    @Override
    public void onExit(Termination termination) {
      exit.complete(termination);
    }
  }

  @Test
  void aLibraryTheLoaderCannotLoadIsWarnedOfOnceByTheProgramItself() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid")), "no setsid: one exec only");
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("jdk-loader", null));
    try {
      Listener l = new Listener();
      backend.spawn(request("hi", Map.of("LD_PRELOAD", LIB), "/bin/sh", "-c", "echo \"$LD_PRELOAD\""), l);
      assertThat(l.exit.get(20, TimeUnit.SECONDS)).isEqualTo(new Termination.Exited(0));
      assertThat(l.out.toString()).as("the program's LD_PRELOAD").isEqualTo(LIB + "\n");
      assertThat(warnings(l.err.toString())).as("loader warnings on stderr:\n%s", l.err).isEqualTo(1);
    } finally {
      backend.close();
    }
  }

  @Test
  void theProgramGetsExactlyTheEnvironmentItsRequestSets() throws Exception {
    Map<String, String> asked = Map.of("LD_PRELOAD", LIB, "LD_AUDIT", LIB + ".audit", "LD_LIBRARY_PATH", "/nonexistent/lib", "A", "1 2=3");
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("jdk-loader-env", null));
    try {
      Listener l = new Listener();
      SpawnRequest request = request("env", asked, "/usr/bin/env", "-0");
      backend.spawn(request, l);
      assertThat(l.exit.get(20, TimeUnit.SECONDS)).isEqualTo(new Termination.Exited(0));
      Map<String, String> seen = new HashMap<>();
      for (String entry : l.out.toString().split("\u0000")) {
        if (!entry.isEmpty() && !entry.startsWith(JdkProcessBackend.RUN_ID_VARIABLE + "=")) {
          seen.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
        }
      }
      assertThat(seen).isEqualTo(request.environment());
      assertThat(warnings(l.err.toString())).as("loader warnings on stderr:\n%s", l.err).isEqualTo(2); // env's own: one each
    } finally {
      backend.close();
    }
  }

  /** The loader's lines about {@link #LIB} (or its audit twin). */
  private static long warnings(String err) {
    return err.lines().filter(line -> line.contains(LIB)).count();
  }

  private static SpawnRequest request(String name, Map<String, String> asked, String... command) {
    Map<String, String> env = new HashMap<>(asked);
    env.put("PATH", "/usr/bin:/bin");
    return new SpawnRequest(name, List.of(command), null, env, Path.of(command[0]));
  }
}
