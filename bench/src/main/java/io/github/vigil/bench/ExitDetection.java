package io.github.vigil.bench;

import io.github.vigil.AttachSpec;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.ExitWatcher;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessBackendProvider;
import io.github.vigil.spi.ProcessEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Comparison 2: SIGKILL to the moment the exit is known, for a child and for a non-child ("attached")
 * process. The kill is the same {@code kill(2)} for every contender ({@link ProcWatch#kill}); the end is
 * the moment the contender's callback runs (Vigil's {@code Exited} event in a listener, the completion
 * of {@code onExit()}).
 *
 * <p>The non-child is a {@code sleep} started by a {@code bash} that waits for it (so it is reaped at
 * once by its own parent, never by this JVM, whatever subreaper this JVM is).
 */
final class ExitDetection {
  static final String COMPARISON = "2";
  private static final int WARMUP = 5;

  private ExitDetection() {}

  static List<Row> run(int trials, List<String> contenders) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (String c : contenders) {
      switch (c) {
        case "vigil-linux" -> rows.add(vigilChild("linux", trials));
        case "vigil-linux-nocgroups" -> {
          // a diagnosis, not a result: the same backend with no cgroups made or joined (-Dvigil.linux.cgroups=false),
          // to measure what the new child's cgroup work near an exit costs its detection
          System.setProperty("vigil.linux.cgroups", "false");
          try {
            Row r = vigilChild("linux", trials);
            rows.add(new Row(r.comparison(), c, r.metric(), r.unit(), r.stats(),
                r.note() + "; -Dvigil.linux.cgroups=false: a diagnosis (no cgroup made or joined), not a result"));
          } finally {
            System.clearProperty("vigil.linux.cgroups");
          }
        }
        case "vigil-jdk" -> rows.add(vigilChild("jdk", trials));
        case "process-onexit" -> rows.add(processOnExit(trials, false));
        // diagnoses, not results: each child killed 5 ms after its program runs (its comm is sleep), so that no kill
        // lands while the wrapper still joins its cgroups (a task killed then dies only once the join is through)
        case "vigil-linux-running" -> rows.add(vigilChild("linux", trials, true));
        case "process-onexit-running" -> rows.add(processOnExit(trials, true));
        case "vigil-attach" -> rows.add(vigilAttached("linux", trials));
        case "pidfd-poll" -> rows.add(attachedPidfd(trials));
        case "processhandle-onexit" -> rows.add(processHandleOnExit(trials));
        default -> throw new IllegalArgumentException("unknown contender for comparison 2: " + c);
      }
    }
    return rows;
  }

  static Row vigilChild(String backend, int trials) throws Exception {
    return vigilChild(backend, trials, false);
  }

  /** @param whenRunning kill 5 ms after the child runs {@code sleep} (not 5 ms after the start returned) */
  static Row vigilChild(String backend, int trials, boolean whenRunning) throws Exception {
    BlockingQueue<long[]> exits = new ArrayBlockingQueue<>(16);
    try (Supervisor s = Supervisor.builder().name("bench").backend(backend).build();
        AutoCloseable sub = s.subscribe(e -> {
          if (e instanceof SupervisorEvent.Exited x) {
            exits.add(new long[] {System.nanoTime(), micros(x.at())});
          }
        })) {
      ProcessController c = s.register(ProcessSpec.builder("sleeper").command("/bin/sleep", "100000")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build());
      long[] times = new long[trials];
      long[] toStamp = new long[trials];
      for (int i = -WARMUP; i < trials; i++) {
        long pid = c.start(Duration.ofSeconds(30)).pid();
        if (whenRunning) {
          ProcWatch.awaitRunning(pid, "sleep", TimeUnit.SECONDS.toNanos(30));
        }
        Thread.sleep(5);
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
        long w0 = micros(Instant.now());
        long t0 = System.nanoTime();
        ProcWatch.kill(h);
        long[] heard = exits.poll(30, TimeUnit.SECONDS);
        if (heard == null) {
          throw new IllegalStateException("no Exited event within 30 s of killing " + pid);
        }
        if (i >= 0) {
          times[i] = heard[0] - t0;
          toStamp[i] = Math.max(0, heard[1] - w0) * 1000;
        }
      }
      return new Row(COMPARISON, "vigil-" + backend + (whenRunning ? "-running" : ""), "exit-detection-child", "ms", Stats.millis(times),
          "SIGKILL to SupervisorEvent.Exited in a listener (default listener executor), backend " + backend
              + (whenRunning ? "; killed 5 ms after the program runs (a diagnosis: no kill during the wrapper's cgroup joins)" : "")
              + split(times, toStamp));
    }
  }

  /**
   * Where the time went: from the kill to the moment the supervision thread stamped the exit ({@code Exited.at()},
   * the engine's wall clock, to the microsecond; the kernel's exit, the backend's wake-up and its hand-over), and from
   * there to the listener (the event's delivery).
   */
  static String split(long[] times, long[] toStamp) {
    long[] delivery = new long[times.length];
    for (int i = 0; i < times.length; i++) {
      delivery[i] = Math.max(0, times[i] - toStamp[i]);
    }
    Stats a = Stats.millis(toStamp);
    Stats b = Stats.millis(delivery);
    return String.format(java.util.Locale.ROOT, "; kill to the engine's stamp median %.2f ms, p99 %.1f ms; stamp to listener median %.2f ms, p99 %.1f ms",
        a.median(), a.p99(), b.median(), b.p99());
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** @param whenRunning kill 5 ms after the child runs {@code sleep} (not 5 ms after {@code start()} returned) */
  static Row processOnExit(int trials, boolean whenRunning) throws Exception {
    BlockingQueue<Long> exits = new ArrayBlockingQueue<>(16);
    long[] times = new long[trials];
    for (int i = -WARMUP; i < trials; i++) {
      Process p = new ProcessBuilder("/bin/sleep", "100000").start();
      p.onExit().thenRun(() -> exits.add(System.nanoTime()));
      if (whenRunning) {
        ProcWatch.awaitRunning(p.pid(), "sleep", TimeUnit.SECONDS.toNanos(30));
      }
      Thread.sleep(5);
      ProcessHandle h = p.toHandle();
      long t0 = System.nanoTime();
      ProcWatch.kill(h);
      Long t1 = exits.poll(30, TimeUnit.SECONDS);
      if (t1 == null) {
        throw new IllegalStateException("Process.onExit() did not complete within 30 s");
      }
      if (i >= 0) {
        times[i] = t1 - t0;
      }
    }
    return new Row(COMPARISON, "process-onexit" + (whenRunning ? "-running" : ""), "exit-detection-child", "ms", Stats.millis(times),
        "ProcessBuilder child, Process.onExit() completion" + (whenRunning ? "; killed 5 ms after the program runs (a diagnosis)" : ""));
  }

  /** A {@code sleep} that is not our child: its parent bash waits for it. */
  private static final class Outsider implements AutoCloseable {
    final Process bash;
    final long pid;

    Outsider() throws Exception {
      bash = new ProcessBuilder("/bin/bash", "-c", "/bin/sleep 100000 & echo $!; wait").redirectErrorStream(true).start();
      String line = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      if (line == null) {
        throw new IllegalStateException("bash did not print the outsider's pid");
      }
      pid = Long.parseLong(line.trim());
      ProcWatch w = new ProcWatch(bash.pid());
      if (w.awaitChild("sleep", -1, TimeUnit.SECONDS.toNanos(10), 200) != pid) {
        throw new IllegalStateException("outsider " + pid + " does not run sleep under bash " + bash.pid());
      }
    }

    @Override
    public void close() throws InterruptedException {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      bash.destroyForcibly();
      bash.waitFor();
    }
  }

  /** Vigil's attach by pid ({@code Supervisor.attach}): SIGKILL of the non-child to its {@code AttachedLost} event. */
  static Row vigilAttached(String backend, int trials) throws Exception {
    BlockingQueue<SupervisorEvent> events = new ArrayBlockingQueue<>(64);
    try (Supervisor s = Supervisor.builder().name("bench").backend(backend).build();
        AutoCloseable sub = s.subscribe(e -> {
          if (e instanceof SupervisorEvent.AttachedFound || e instanceof SupervisorEvent.AttachedLost) {
            events.add(e);
          }
        })) {
      long[] times = new long[trials];
      for (int i = -WARMUP; i < trials; i++) {
        try (Outsider o = new Outsider()) {
          String name = "outsider-" + (i + WARMUP);
          s.attach(AttachSpec.builder(name).pid(o.pid).build());
          SupervisorEvent found = events.poll(30, TimeUnit.SECONDS);
          if (!(found instanceof SupervisorEvent.AttachedFound f) || f.found().pid() != o.pid) {
            throw new IllegalStateException("expected AttachedFound of " + o.pid + ", got " + found);
          }
          ProcessHandle h = ProcessHandle.of(o.pid).orElseThrow();
          Thread.sleep(5);
          long t0 = System.nanoTime();
          ProcWatch.kill(h);
          SupervisorEvent lost = events.poll(30, TimeUnit.SECONDS);
          long t1 = System.nanoTime();
          if (!(lost instanceof SupervisorEvent.AttachedLost)) {
            throw new IllegalStateException("expected AttachedLost of " + o.pid + " within 30 s, got " + lost);
          }
          if (i >= 0) {
            times[i] = t1 - t0;
          }
          s.detach(name);
        }
      }
      return new Row(COMPARISON, "vigil-" + (backend.equals("linux") ? "attach" : "attach-" + backend), "exit-detection-attached", "ms",
          Stats.millis(times), "Supervisor.attach(AttachSpec.builder(name).pid(pid)), backend " + backend
              + ": SIGKILL to SupervisorEvent.AttachedLost in a listener (a fresh attachment per trial)");
    }
  }

  static Row processHandleOnExit(int trials) throws Exception {
    BlockingQueue<Long> exits = new ArrayBlockingQueue<>(16);
    long[] times = new long[trials];
    for (int i = -WARMUP; i < trials; i++) {
      try (Outsider o = new Outsider()) {
        ProcessHandle h = ProcessHandle.of(o.pid).orElseThrow();
        h.onExit().thenRun(() -> exits.add(System.nanoTime()));
        Thread.sleep(5);
        long t0 = System.nanoTime();
        ProcWatch.kill(h);
        Long t1 = exits.poll(30, TimeUnit.SECONDS);
        if (t1 == null) {
          throw new IllegalStateException("ProcessHandle.onExit() did not complete within 30 s");
        }
        if (i >= 0) {
          times[i] = t1 - t0;
        }
      }
    }
    return new Row(COMPARISON, "processhandle-onexit", "exit-detection-attached", "ms", Stats.millis(times),
        "ProcessHandle.of(pid).onExit() on a non-child (the JDK polls it), a fresh handle per trial");
  }

  /**
   * The floor under attach: the Linux backend's own {@link ExitWatcher} (a pidfd of the non-child watched with
   * poll(2) on the backend's event-loop thread), reached through the SPI as the supervisor reaches it, without
   * the supervisor's hops.
   */
  static Row attachedPidfd(int trials) throws Exception {
    ProcessBackendProvider linux = ServiceLoader.load(ProcessBackendProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("linux")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no Linux backend (vigil-linux-native) on the class path"));
    BlockingQueue<Long> exits = new ArrayBlockingQueue<>(16);
    long[] times = new long[trials];
    try (ProcessBackend backend = linux.create(new BackendContext("bench-exit", null))) {
      ExitWatcher watcher = backend.exitWatcher()
          .orElseThrow(() -> new IllegalStateException("the Linux backend offers no exit watcher here (no pidfd?)"));
      for (int i = -WARMUP; i < trials; i++) {
        try (Outsider o = new Outsider()) {
          ProcessEntry entry = backend.processTable().get(o.pid).orElseThrow();
          ExitWatcher.Watch watch = watcher.watch(entry, () -> exits.add(System.nanoTime())).orElseThrow();
          try {
            ProcessHandle h = ProcessHandle.of(o.pid).orElseThrow();
            Thread.sleep(5);
            long t0 = System.nanoTime();
            ProcWatch.kill(h);
            Long t1 = exits.poll(30, TimeUnit.SECONDS);
            if (t1 == null) {
              throw new IllegalStateException("the exit watcher did not tell of " + o.pid + "'s exit within 30 s");
            }
            if (i >= 0) {
              times[i] = t1 - t0;
            }
          } finally {
            watch.close();
          }
        }
      }
    }
    return new Row(COMPARISON, "pidfd-poll", "exit-detection-attached", "ms", Stats.millis(times),
        "the floor under attach: the Linux backend's ExitWatcher (pidfd_open of the non-child + poll(2) on its event-loop "
            + "thread), what attach does on the Linux backend, without the supervisor's hops");
  }
}
