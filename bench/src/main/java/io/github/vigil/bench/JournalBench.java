package io.github.vigil.bench;

import io.github.vigil.Backoff;
import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalStats;
import io.github.vigil.journal.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The journal's benchmark (issue 15), run by {@code bench/journal}:
 *
 * <ol>
 *   <li>sustained events per second into SQLite and into PostgreSQL: restart cycles of 7 real events (exit,
 *       states, restart scheduled, start, running: 3 of them also update the runs table) handed to a journal
 *       with its default batching, timed until the last one is committed;
 *   <li>crash-to-restart latency on the Linux backend with the journal off and on in the same run: SIGKILL the
 *       supervised {@code sleep}, time until the new child runs (as comparison 1 of bench/run), in alternating
 *       blocks, the journal attached (SQLite, snapshots every second) in every other block.
 * </ol>
 *
 * <p>Arguments: {@code [events] [crash trials per mode]}, default 100000 and 200.
 */
public final class JournalBench {
  private static final int BLOCK = 20;

  private JournalBench() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int trials = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path tmp = Files.createTempDirectory("vigil-journal-bench");
    List<String> lines = new ArrayList<>();
    lines.add("| what | figure |");
    lines.add("|---|---|");
    double sqlite = throughput("jdbc:sqlite:" + tmp.resolve("throughput.db"), events);
    lines.add(String.format(Locale.ROOT, "| sustained events/s into SQLite (%,d events, default batching: 1 s, 500 per transaction) | %,.0f |",
        events, sqlite));
    if (PostgresServer.unavailableReason().isEmpty()) {
      try (PostgresServer pg = PostgresServer.start("bench")) {
        double postgres = throughput(pg.url(), events);
        lines.add(String.format(Locale.ROOT, "| sustained events/s into PostgreSQL 15 on loopback (%,d events, same batching) | %,.0f |", events,
            postgres));
      }
    } else {
      lines.add("| sustained events/s into PostgreSQL | not measured: " + PostgresServer.unavailableReason().get() + " |");
    }
    long[][] latency = crashToRestart(tmp.resolve("latency.db"), trials);
    Stats off = Stats.millis(latency[0]);
    Stats on = Stats.millis(latency[1]);
    lines.add(String.format(Locale.ROOT, "| crash-to-restart, journal off (Linux backend, %d trials): median / p99 ms | %.3f / %.3f |", off.n(),
        off.median(), off.p99()));
    lines.add(String.format(Locale.ROOT, "| crash-to-restart, journal on (SQLite, snapshots every 1 s; same run, alternating blocks of %d): "
        + "median / p99 ms | %.3f / %.3f |", BLOCK, on.median(), on.p99()));
    lines.add(String.format(Locale.ROOT, "| journal on against off, median (target: under 5 %% slower) | %+.1f %% |",
        (on.median() / off.median() - 1) * 100));
    lines.forEach(System.out::println);
    try (var walk = Files.walk(tmp)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Events per second from the first handed to the journal to the last committed. */
  static double throughput(String url, int events) throws InterruptedException {
    try (Journal j = Journal.builder().url(url).host("bench").snapshotInterval(Duration.ZERO).bufferCapacity(events + 1000).build()) {
      Instant t = Instant.parse("2026-11-01T00:00:00Z");
      long t0 = System.nanoTime();
      int n = 0;
      int run = 1;
      while (n < events) {
        ExitInfo exit = new ExitInfo(Termination.Signaled.of(9, false), ExitCause.SIGNALED, Duration.ofSeconds(60), t, "", -1);
        List<SupervisorEvent> cycle = List.of(
            new SupervisorEvent.Exited("p", t, run, exit),
            new SupervisorEvent.StateChanged("p", t, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()),
            new SupervisorEvent.StateChanged("p", t, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"),
            new SupervisorEvent.RestartScheduled("p", t, 1, Duration.ZERO, exit),
            new SupervisorEvent.StateChanged("p", t, ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY, "restart"),
            new SupervisorEvent.Started("p", t.plusMillis(1), 1000 + run, run + 1),
            new SupervisorEvent.StateChanged("p", t.plusMillis(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
        for (SupervisorEvent e : cycle) {
          if (n++ < events) {
            j.onEvent(e);
          }
        }
        run++;
        t = t.plusSeconds(1);
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (j.stats().eventsWritten() < events && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      long took = System.nanoTime() - t0;
      JournalStats s = j.stats();
      if (s.eventsWritten() < events) {
        throw new IllegalStateException("only " + s.eventsWritten() + " of " + events + " written within 10 minutes: " + s);
      }
      return events / (took / 1e9);
    }
  }

  /** [0]: journal off, [1]: journal on; measured in alternating blocks on one supervisor. */
  static long[][] crashToRestart(Path db, int trials) throws Exception {
    RestartPolicy policy = RestartPolicy.always().withBackoff(Backoff.none()).withStartLimit(Integer.MAX_VALUE, Duration.ofSeconds(1));
    try (Supervisor s = Supervisor.builder().name("bench").backend("linux").build();
        Journal journal = Journal.builder().sqlite(db).host("bench").snapshotInterval(Duration.ofSeconds(1)).build()) {
      ProcessController c = s.register(ProcessSpec.builder("sleeper").command("/bin/sleep", "100000").restartPolicy(policy)
          .startupGrace(Duration.ZERO).build());
      c.start(Duration.ofSeconds(30));
      ProcWatch watch = new ProcWatch(ProcessHandle.current().pid());
      long current = watch.awaitChild("sleep", -1, TimeUnit.SECONDS.toNanos(60), 1000);
      long[] off = new long[trials];
      long[] on = new long[trials];
      int offN = 0;
      int onN = 0;
      AutoCloseable attached = null;
      int block = 0;
      for (int i = -5; offN < trials || onN < trials; i++) {
        boolean journalOn = i >= 0 && (i / BLOCK) % 2 == 1;
        if (journalOn && attached == null) {
          attached = journal.attach(s);
        } else if (!journalOn && attached != null) {
          attached.close();
          attached = null;
        }
        if (i >= 0 && ((journalOn && onN >= trials) || (!journalOn && offN >= trials))) {
          continue;
        }
        Thread.sleep(20);
        ProcWatch.Replaced next = watch.killAndAwaitNext(current, "sleep", 250);
        if (i >= 0) {
          if (journalOn) {
            on[onN++] = next.nanos();
          } else {
            off[offN++] = next.nanos();
          }
        }
        current = next.pid();
        block++;
      }
      if (attached != null) {
        attached.close();
      }
      if (!journal.flush(Duration.ofSeconds(30))) {
        throw new IOException("journal did not flush: " + journal.stats());
      }
      return new long[][] {off, on};
    }
  }
}
