package io.github.vigil.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Times {@link JournalReader#status} on a journal of a gateway's retention: {@code PROCESSES} processes of
 * {@code EVENTS} events each over 90 days (a crash and its restart, five events, about every half hour), and {@code SNAPSHOTS}
 * status snapshots each over the last 14 days (the default retention, one a minute: 20,160). Rows are inserted in
 * bulk over JDBC, in time order across the processes as a gateway writes them (the journal's writer, at 10,000 to
 * 80,000 events/s on this machine, would take minutes for 2 million); the schema is the journal's own (a
 * {@link Journal} opened and closed on it first). Not a test: a measurement, run by hand.
 *
 * <pre>{@code
 * mvn -B -q -o -pl journal -am test-compile
 * mvn -B -q -o -pl journal dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp journal/target/classes:journal/target/test-classes:$(cat /tmp/cp.txt) \
 *   io.github.vigil.journal.StatusOnABigJournalMain sqlite 100 20000 20160 5
 * }</pre>
 *
 * Arguments: {@code sqlite}, {@code sqlite:FILE} (filled if absent; if present, only opened, and so migrated, and read) or
 * {@code postgresql} (a server of its own, {@link PostgresServer}), processes, events and
 * snapshots a process, timed {@code status} calls. Prints each call's time, and {@code EXPLAIN QUERY PLAN} / {@code EXPLAIN}
 * of the queries status makes per process.
 */
public final class StatusOnABigJournalMain {
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  private StatusOnABigJournalMain() {}

  public static void main(String[] args) throws Exception {
    String db = args.length > 0 ? args[0] : "sqlite";
    int processes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int events = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int snapshots = args.length > 3 ? Integer.parseInt(args[3]) : 20_160;
    int calls = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    if (db.equals("postgresql")) {
      try (PostgresServer pg = PostgresServer.start("status")) {
        run(pg.url(), processes, events, snapshots, calls, false);
      }
    } else if (db.startsWith("sqlite:") && Files.exists(Path.of(db.substring("sqlite:".length())))) {
      run("jdbc:sqlite:" + db.substring("sqlite:".length()), processes, 0, 0, calls, true); // filled before (by an earlier Vigil)
    } else {
      Path file = db.startsWith("sqlite:") ? Path.of(db.substring("sqlite:".length())) : Files.createTempDirectory("vigil-status-").resolve("journal.db");
      run("jdbc:sqlite:" + file, processes, events, snapshots, calls, true);
    }
  }

  static void run(String url, int processes, int events, int snapshots, int calls, boolean sqlite) throws Exception {
    long t0 = System.nanoTime();
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      // the schema, migrated to the latest version
    }
    System.out.printf("journal opened (migrated) and closed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    t0 = System.nanoTime();
    if (events > 0 || snapshots > 0) {
      fill(url, processes, events, snapshots);
      System.out.printf("filled %s: %d processes x %d events, x %d snapshots in %.1f s%n", sqlite ? "SQLite" : "PostgreSQL", processes, events,
          snapshots, (System.nanoTime() - t0) / 1e9);
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      for (int i = 0; i < calls; i++) {
        long s = System.nanoTime();
        List<ProcessSummary> out = r.status(NOW);
        long ns = System.nanoTime() - s;
        System.out.printf("status(now): %d rows in %.1f ms (first %s %s %s, restarts24h %d)%n", out.size(), ns / 1e6, out.get(0).host(),
            out.get(0).process(), out.get(0).state(), out.get(0).restarts24h());
      }
    }
    try (Connection c = DriverManager.getConnection(url)) {
      for (String table : List.of("events", "snapshots")) {
        // what status's pairs cost without the skip scan of each table (the snapshots' is what schema version 3 buys)
        long s = System.nanoTime();
        int n = 0;
        try (Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT DISTINCT host, process FROM " + table)) {
          while (r.next()) {
            n++;
          }
        }
        System.out.printf("SELECT DISTINCT host, process FROM %s: %d pairs in %.1f ms%n", table, n, (System.nanoTime() - s) / 1e6);
      }
      for (String q : plans()) {
        System.out.println("-- " + q);
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + q)) {
          int n = r.getMetaData().getColumnCount();
          while (r.next()) {
            System.out.println("   " + r.getString(n));
          }
        }
      }
    }
  }

  private static List<String> plans() {
    String pair = "host = 'gw' AND process = 'p042'";
    List<String> q = new ArrayList<>();
    q.add("SELECT DISTINCT host, process FROM events WHERE type NOT IN ('SessionOpened', 'SessionClosed', 'GroupRestart', 'GroupFailed', "
        + "'GroupStateChanged', 'ScheduleStarted', 'ScheduleStopped') UNION SELECT DISTINCT host, process FROM snapshots ORDER BY 1, 2");
    q.add(smallest("host", "1 = 1"));
    q.add(smallest("host", "host > 'gw'"));
    q.add(smallest("process", "host = 'gw'"));
    q.add(smallest("process", "host = 'gw' AND process > 'p042'"));
    q.add("SELECT 1 FROM snapshots WHERE " + pair + " LIMIT 1");
    q.add("SELECT 1 FROM events WHERE " + pair + " AND type NOT IN ('SessionOpened', 'SessionClosed', 'GroupRestart', 'GroupFailed', "
        + "'GroupStateChanged', 'ScheduleStarted', 'ScheduleStopped') LIMIT 1");
    q.add("SELECT * FROM events WHERE " + pair + " AND type = 'StateChanged' ORDER BY at_ms DESC, id DESC LIMIT 1");
    q.add("SELECT * FROM snapshots WHERE " + pair + " ORDER BY at_ms DESC, id DESC LIMIT 1");
    q.add("SELECT MAX(at_ms) FROM snapshots WHERE " + pair + " AND at_ms >= 0 AND at_ms < " + NOW.toEpochMilli());
    q.add("SELECT * FROM events WHERE at_ms >= " + NOW.minus(Duration.ofDays(1)).toEpochMilli() + " AND at_ms < " + NOW.plus(Duration.ofDays(1))
        .toEpochMilli() + " AND process = 'p042' AND host = 'gw' ORDER BY at_ms DESC, id DESC LIMIT 100000");
    return q;
  }

  /** The shape of JournalReader.statusKeys's step: the smallest column of either table meeting where, one index step each. */
  private static String smallest(String column, String where) {
    return "SELECT " + column + " FROM (SELECT " + column + " FROM (SELECT " + column + " FROM events WHERE " + where + " ORDER BY " + column
        + " LIMIT 1) e UNION ALL SELECT " + column + " FROM (SELECT " + column + " FROM snapshots WHERE " + where + " ORDER BY " + column
        + " LIMIT 1) s) n ORDER BY " + column + " LIMIT 1";
  }

  private static void fill(String url, int processes, int events, int snapshots) throws Exception {
    long end = NOW.toEpochMilli() - 60_000;
    long eventStep = Duration.ofDays(90).toMillis() / events;
    long snapStep = 60_000;
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      try (PreparedStatement e = c.prepareStatement("INSERT INTO events (host, process, at_ms, type, run, pid, from_state, to_state, reason, "
          + "exit_cause, exit_code) VALUES ('gw', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement s = c.prepareStatement(Writer.INSERT_SNAPSHOT)) {
        int batch = 0;
        for (int k = 0; k < Math.max(events, snapshots); k++) {
          for (int i = 0; i < processes; i++) {
            String p = String.format("p%03d", i);
            if (k < events) {
              long at = end - (long) (events - k) * eventStep + i;
              int run = k / 5 + 1;
              e.setString(1, p);
              e.setLong(2, at);
              e.setNull(4, java.sql.Types.BIGINT);
              e.setNull(5, java.sql.Types.BIGINT);
              e.setNull(6, java.sql.Types.VARCHAR);
              e.setNull(7, java.sql.Types.VARCHAR);
              e.setNull(8, java.sql.Types.VARCHAR);
              e.setNull(9, java.sql.Types.VARCHAR);
              e.setNull(10, java.sql.Types.BIGINT);
              switch (k == 0 ? -1 : k % 5) {
                case -1 -> e.setString(3, "Registered");
                case 1 -> {
                  e.setString(3, "StateChanged");
                  e.setString(6, "BACKOFF");
                  e.setString(7, "STARTING");
                  e.setString(8, "restart");
                }
                case 2 -> {
                  e.setString(3, "Started");
                  e.setInt(4, run);
                  e.setLong(5, 1000 + k);
                }
                case 3 -> {
                  e.setString(3, "StateChanged");
                  e.setString(6, "STARTING");
                  e.setString(7, "RUNNING");
                  e.setString(8, "startup grace elapsed");
                }
                case 4 -> {
                  e.setString(3, "Exited");
                  e.setInt(4, run);
                  e.setString(9, "ERROR_EXIT");
                  e.setInt(10, 1);
                }
                default -> {
                  e.setString(3, "RestartScheduled");
                  e.setString(9, "ERROR_EXIT");
                }
              }
              e.addBatch();
              batch++;
            }
            if (k < snapshots) {
              long at = end - (long) (snapshots - k) * snapStep + i;
              Object[] v = {"gw", p, at, "RUNNING", 1000L + k, 1.5, 50_000_000L, 0.5, 60_000L, at - 60_000, k, "HEALTHY", null, 0.2, null};
              for (int x = 0; x < v.length; x++) {
                if (v[x] == null) {
                  s.setNull(x + 1, java.sql.Types.VARCHAR);
                } else {
                  s.setObject(x + 1, v[x]);
                }
              }
              s.addBatch();
              batch++;
            }
            if (batch >= 10_000) {
              e.executeBatch();
              s.executeBatch();
              c.commit();
              batch = 0;
            }
          }
        }
        e.executeBatch();
        s.executeBatch();
        c.commit();
      }
    }
  }
}
