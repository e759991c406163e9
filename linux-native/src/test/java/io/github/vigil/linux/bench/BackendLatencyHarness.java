package io.github.vigil.linux.bench;

import io.github.vigil.Signal;
import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessBackendProvider;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Whole-process harness: for each backend ("jdk", "linux"), spawns {@code exec sleep} children one at
 * a time, measures the {@code spawn()} call, then SIGKILLs the child and measures until the backend's
 * {@code onExit} arrives. Prints a Markdown table (median, p90, p99, max in microseconds).
 *
 * <p>Run: see linux-native/bench/README.md.
 */
public final class BackendLatencyHarness {
  private BackendLatencyHarness() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    System.out.println("| backend | measure | runs | median µs | p90 µs | p99 µs | max µs |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String name : List.of("jdk", "linux")) {
      ProcessBackendProvider provider = ServiceLoader.load(ProcessBackendProvider.class).stream().map(ServiceLoader.Provider::get)
          .filter(p -> p.name().equals(name)).findFirst().orElseThrow();
      try (ProcessBackend backend = provider.create(new BackendContext("bench-" + name, null))) {
        long[] spawn = new long[runs];
        long[] exit = new long[runs];
        for (int i = -20; i < runs; i++) { // 20 warm-up rounds
          CompletableFuture<Long> exitedAt = new CompletableFuture<>();
          ProcessListener l = new ProcessListener() {
            @Override
            public void onOutput(StdStream stream, byte[] buffer, int offset, int length) {}

            @Override
            public void onExit(Termination termination) {
              exitedAt.complete(System.nanoTime());
            }
          };
          SpawnRequest req = new SpawnRequest("bench", List.of("/bin/sleep", "1000"), null, System.getenv(), Path.of("/bin/sleep"), Map.of());
          long t0 = System.nanoTime();
          RunningProcess p = backend.spawn(req, l);
          long t1 = System.nanoTime();
          Thread.sleep(5);
          long t2 = System.nanoTime();
          p.signal(Signal.SIGKILL);
          long t3 = exitedAt.get(10, TimeUnit.SECONDS);
          if (i >= 0) {
            spawn[i] = t1 - t0;
            exit[i] = t3 - t2;
          }
        }
        row(name, "spawn() call", spawn);
        row(name, "SIGKILL → onExit", exit);
      }
    }
  }

  private static void row(String backend, String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.0f | %.0f |%n", backend, what, s.length, s[s.length / 2] / 1e3,
        s[(int) (s.length * 0.9)] / 1e3, s[(int) (s.length * 0.99)] / 1e3, s[s.length - 1] / 1e3);
  }
}
