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
 * snapshots a process, timed {@code status} calls, and attachments (default 0): processes the gateway watches and did not
 * start, each of as many events over the same 90 days, its process found and lost again and again (an AttachedFound, its
 * AttachStateChanged to RUNNING, an AttachedLost, one to STOPPED), found and RUNNING at the end, so that status reads
 * its pid. Prints each call's time, and {@code EXPLAIN QUERY PLAN} / {@code EXPLAIN} of the queries status makes per
 * process.
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
    int attachments = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    if (db.equals("postgresql")) {
      try (PostgresServer pg = PostgresServer.start("status")) {
        run(pg.url(), processes, events, snapshots, calls, attachments, false);
      }
    } else if (db.startsWith("sqlite:") && Files.exists(Path.of(db.substring("sqlite:".length())))) {
      // filled before (by an earlier Vigil)
      run("jdbc:sqlite:" + db.substring("sqlite:".length()), processes, 0, 0, calls, attachments, true);
    } else {
      Path file = db.startsWith("sqlite:") ? Path.of(db.substring("sqlite:".length())) : Files.createTempDirectory("vigil-status-").resolve("journal.db");
      run("jdbc:sqlite:" + file, processes, events, snapshots, calls, attachments, true);
    }
  }

  static void run(String url, int processes, int events, int snapshots, int calls, int attachments, boolean sqlite) throws Exception {
    long t0 = System.nanoTime();
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      // the schema, migrated to the latest version
    }
    System.out.printf("journal opened (migrated) and closed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    t0 = System.nanoTime();
    if (events > 0 || snapshots > 0) {
      fill(url, processes, events, snapshots, attachments);
      System.out.printf("filled %s: %d processes x %d events, x %d snapshots, %d attachments x %d events in %.1f s%n",
          sqlite ? "SQLite" : "PostgreSQL", processes, events, snapshots, attachments, events, (System.nanoTime() - t0) / 1e9);
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      for (int i = 0; i < calls; i++) {
        long s = System.nanoTime();
        List<ProcessSummary> out = r.status(NOW);
        long ns = System.nanoTime() - s;
        System.out.printf("status(now): %d rows in %.1f ms (first %s %s %s pid %s, restarts24h %d)%n", out.size(), ns / 1e6,
            out.get(0).host(), out.get(0).process(), out.get(0).state(), out.get(0).pid(), out.get(0).restarts24h());
      }
    }
    if (attachments > 0) {
      attachedPids(url, processes, attachments);
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

  /**
   * The part of status an attachment's pid costs, three times: the reading before this one (every AttachedFound,
   * AttachedLost and Detached of the attachment up to now, oldest first, in plain JDBC) and {@link JournalReader#attachedPid}'s,
   * for every attachment.
   */
  private static void attachedPids(String url, int processes, int attachments) throws Exception {
    String old = "SELECT type, pid FROM events WHERE host = ? AND process = ? AND at_ms <= ?"
        + " AND type IN ('AttachedFound', 'AttachedLost', 'Detached') ORDER BY at_ms, id";
    try (JournalReader r = JournalReader.open(url, null); Connection c = DriverManager.getConnection(url);
        PreparedStatement p = c.prepareStatement(old)) {
      for (int round = 0; round < 3; round++) {
        long s = System.nanoTime();
        long rows = 0;
        for (int i = 0; i < attachments; i++) {
          p.setString(1, "gw");
          p.setString(2, String.format("a%03d", i));
          p.setLong(3, NOW.toEpochMilli());
          try (ResultSet q = p.executeQuery()) {
            while (q.next()) {
              rows++;
            }
          }
        }
        long oldNs = System.nanoTime() - s;
        s = System.nanoTime();
        Long pid = null;
        for (int i = 0; i < attachments; i++) {
          pid = r.attachedPid("gw", String.format("a%03d", i), NOW.toEpochMilli());
        }
        long newNs = System.nanoTime() - s;
        System.out.printf("attached pids of %d attachments: oldest-first reading %.1f ms (%d rows), newest-first %.1f ms (last pid %s)%n",
            attachments, oldNs / 1e6, rows, newNs / 1e6, pid);
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
    String attachment = "host = 'gw' AND process = 'a042'";
    q.add("SELECT type, pid, at_ms, id FROM events WHERE " + attachment + " AND at_ms <= " + NOW.toEpochMilli() + " AND (at_ms < "
        + NOW.toEpochMilli() + " OR id < " + Long.MAX_VALUE + ") AND type IN ('AttachedFound', 'AttachedLost', 'Detached')"
        + " ORDER BY at_ms DESC, id DESC LIMIT " + JournalReader.ATTACHED_PID_PAGE);
    // version 4: the look-ups of an attachment's last event of a type it may have none of, on events_host_process_type_at
    long now = NOW.toEpochMilli();
    for (String type : List.of("StateChanged", "Started", "Detached", "WatchWindowChanged", "Attached")) {
      q.add("SELECT * FROM events WHERE " + attachment + " AND type = '" + type + "' AND at_ms <= " + now + " ORDER BY at_ms DESC, id DESC LIMIT 1");
    }
    StringBuilder states = new StringBuilder("SELECT * FROM (");
    for (String type : List.of("StateChanged", "Registered", "Removed")) {
      states.append(type.equals("StateChanged") ? "" : " UNION ALL ").append("SELECT * FROM (SELECT * FROM events WHERE ").append(attachment)
          .append(" AND type = '").append(type).append("' AND at_ms < ").append(now - 86_400_000L).append(" ORDER BY at_ms DESC, id DESC LIMIT 1) t");
    }
    q.add(states.append(") lt ORDER BY at_ms DESC, id DESC LIMIT 1").toString());
    StringBuilder page = new StringBuilder("SELECT type, pid, at_ms, id FROM (");
    for (String type : List.of("AttachedFound", "AttachedLost", "Detached")) {
      page.append(type.equals("AttachedFound") ? "" : " UNION ALL ").append("SELECT * FROM (SELECT type, pid, at_ms, id FROM events WHERE ")
          .append(attachment).append(" AND type = '").append(type).append("' AND at_ms <= ").append(now).append(" AND (at_ms < ").append(now)
          .append(" OR id < ").append(Long.MAX_VALUE).append(") ORDER BY at_ms DESC, id DESC LIMIT ").append(JournalReader.ATTACHED_PID_PAGE)
          .append(") t");
    }
    q.add(page.append(") page ORDER BY at_ms DESC, id DESC LIMIT ").append(JournalReader.ATTACHED_PID_PAGE).toString());
    q.add("SELECT * FROM events WHERE at_ms >= " + NOW.minus(Duration.ofDays(1)).toEpochMilli() + " AND at_ms < " + NOW.plus(Duration.ofDays(1))
        .toEpochMilli() + " AND process = 'p042' AND host = 'gw' ORDER BY at_ms DESC, id DESC LIMIT 100000");
    return q;
  }

  /**
   * Event {@code k} of {@code events} of an attachment: an Attached first; then, counted back from the last, cycles of its
   * AttachStateChanged to RUNNING (the last), its AttachedFound of pid 2000 + c in cycle c, its AttachStateChanged to
   * STOPPED and its AttachedLost of the pid found the cycle before (2000 + c + 1): at the end it runs pid 2000.
   */
  private static void attachmentEvent(PreparedStatement e, String p, long at, int k, int events) throws java.sql.SQLException {
    e.setString(1, p);
    e.setLong(2, at);
    e.setNull(4, java.sql.Types.BIGINT);
    e.setNull(5, java.sql.Types.BIGINT);
    e.setNull(6, java.sql.Types.VARCHAR);
    e.setNull(7, java.sql.Types.VARCHAR);
    e.setNull(8, java.sql.Types.VARCHAR);
    e.setNull(9, java.sql.Types.VARCHAR);
    e.setNull(10, java.sql.Types.BIGINT);
    int back = events - 1 - k;
    int cycle = back / 4;
    switch (k == 0 ? -1 : back % 4) {
      case -1 -> e.setString(3, "Attached");
      case 0 -> {
        e.setString(3, "AttachStateChanged");
        e.setString(6, "STOPPED");
        e.setString(7, "RUNNING");
      }
      case 1 -> {
        e.setString(3, "AttachedFound");
        e.setLong(5, 2000 + cycle);
        e.setString(8, "feed: feed --venue x");
      }
      case 2 -> {
        e.setString(3, "AttachStateChanged");
        e.setString(6, "RUNNING");
        e.setString(7, "STOPPED");
      }
      default -> {
        e.setString(3, "AttachedLost");
        e.setLong(5, 2000 + cycle + 1);
        e.setString(8, "feed: feed --venue x");
      }
    }
  }

  /** The shape of JournalReader.statusKeys's step: the smallest column of either table meeting where, one index step each. */
  private static String smallest(String column, String where) {
    return "SELECT " + column + " FROM (SELECT " + column + " FROM (SELECT " + column + " FROM events WHERE " + where + " ORDER BY " + column
        + " LIMIT 1) e UNION ALL SELECT " + column + " FROM (SELECT " + column + " FROM snapshots WHERE " + where + " ORDER BY " + column
        + " LIMIT 1) s) n ORDER BY " + column + " LIMIT 1";
  }

  private static void fill(String url, int processes, int events, int snapshots, int attachments) throws Exception {
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
          for (int i = 0; i < processes + attachments; i++) {
            String p = i < processes ? String.format("p%03d", i) : String.format("a%03d", i - processes);
            if (k < events && i >= processes) {
              attachmentEvent(e, p, end - (long) (events - k) * eventStep + i, k, events);
              e.addBatch();
              batch++;
            } else if (k < events) {
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
            if (k < snapshots && i < processes) {
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
