package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version 4's index ({@code events_host_process_type_at}) on a journal of version 3, SQLite and a real PostgreSQL: a
 * {@link Journal} opened on it migrates it, every row of the three tables is kept, the index is there with its columns,
 * and status reads the journal as before (a supervised process and an attachment, each with its pid).
 */
@Timeout(120)
class EventsByTypeMigrationTest {
  private static final String INDEX = "events_host_process_type_at";
  /** Rows of the journal before: recent, so that the journal's retention keeps them all. */
  private static final Instant T0 = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MILLIS);

  private static PostgresServer pg;

  @TempDir
  Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    if (PostgresServer.unavailableReason().isEmpty()) {
      pg = PostgresServer.start("v4");
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void anSqliteJournalOfVersion3IsMigratedTo4KeepingEveryRow() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("journal.db");
    List<String> before = journalAtVersion3(url, Dialect.SQLITE);
    migrateByAJournal(url);
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(rows(c)).as("every row kept").isEqualTo(before);
      assertThat(strings(c, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = '" + INDEX + "'"))
          .containsExactly("CREATE INDEX " + INDEX + " ON events (host, process, type, at_ms)");
    }
    assertStatus(url);
  }

  @Test
  void aPostgresqlJournalOfVersion3IsMigratedTo4KeepingEveryRow() throws Exception {
    assumeTrue(pg != null, () -> PostgresServer.unavailableReason().orElse("no PostgreSQL"));
    String url = pg.url();
    List<String> before = journalAtVersion3(url, Dialect.POSTGRESQL);
    migrateByAJournal(url);
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(rows(c)).as("every row kept").isEqualTo(before);
      assertThat(strings(c, "SELECT tablename || ' ' || indexdef FROM pg_indexes WHERE indexname = '" + INDEX + "'"))
          .singleElement().asString().startsWith("events CREATE INDEX " + INDEX + " ON ").endsWith(" (host, process, type, at_ms)");
      assertThat(strings(c, "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE x.relname = '"
          + INDEX + "'")).containsExactly("true");
    }
    assertStatus(url);
  }

  /**
   * A journal of version 3 (as a Vigil that knew 3 left it: migrated up to 3) with rows of a
   * supervised process, an attachment and others; its rows, as {@link #rows} reads them.
   */
  private static List<String> journalAtVersion3(String url, Dialect dialect) throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      Migrations.migrate(c, dialect, 3);
      c.setAutoCommit(true);
      assertThat(Migrations.currentVersion(c)).isEqualTo(3);
      assertThat(strings(c, dialect == Dialect.SQLITE ? "SELECT name FROM sqlite_master WHERE name = '" + INDEX + "'"
          : "SELECT indexname FROM pg_indexes WHERE indexname = '" + INDEX + "'")).isEmpty();
      try (PreparedStatement e = c.prepareStatement("INSERT INTO events (host, process, at_ms, type, pid, to_state) VALUES (?, ?, ?, ?, ?, ?)")) {
        event(e, "job", 0, "Registered", null, null);
        event(e, "job", 1, "StateChanged", null, "STARTING");
        event(e, "job", 2, "Started", 4100L, null);
        event(e, "job", 3, "StateChanged", null, "RUNNING");
        event(e, "feed", 0, "Attached", null, null);
        event(e, "feed", 1, "AttachedFound", 5200L, null);
        event(e, "feed", 2, "AttachStateChanged", null, "RUNNING");
        for (int i = 0; i < 300; i++) { // others, of processes and types status does not look up here
          event(e, "noise-" + (i % 7), 10 + i, i % 2 == 0 ? "HealthCheckPassed" : "Output", null, null);
        }
        e.executeBatch();
      }
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO runs (host, process, run, pid, started_ms) VALUES ('gw', 'job', 1, 4100, " + at(2) + ")");
        s.executeUpdate("INSERT INTO snapshots (host, process, at_ms, state, pid) VALUES ('gw', 'job', " + at(4) + ", 'RUNNING', 4100)");
      }
      return rows(c);
    }
  }

  private static void event(PreparedStatement e, String process, int second, String type, Long pid, String toState) throws Exception {
    e.setString(1, "gw");
    e.setString(2, process);
    e.setLong(3, at(second));
    e.setString(4, type);
    e.setObject(5, pid, java.sql.Types.BIGINT);
    e.setString(6, toState);
    e.addBatch();
  }

  private static long at(int second) {
    return T0.plusSeconds(second).toEpochMilli();
  }

  /** A gateway's start on the journal: it migrates it. */
  private static void migrateByAJournal(String url) throws Exception {
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      assertThat(j.stats().databaseReachable()).isTrue();
    }
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(Migrations.currentVersion(c)).isEqualTo(Migrations.LATEST);
      assertThat(strings(c, "SELECT description FROM journal_schema WHERE version = 4"))
          .containsExactly("events by host, process and type (" + INDEX + ")");
    }
  }

  private static void assertStatus(String url) throws Exception {
    try (JournalReader r = JournalReader.open(url, null)) {
      assertThat(r.status(T0.plusSeconds(3600))).filteredOn(s -> !s.process().startsWith("noise"))
          .extracting(s -> s.process() + " " + s.state() + " " + s.pid()).containsExactly("feed RUNNING 5200", "job RUNNING 4100");
    }
  }

  /** Every row of events, runs and snapshots, in id order. */
  private static List<String> rows(Connection c) throws Exception {
    List<String> out = new ArrayList<>();
    out.addAll(strings(c, "SELECT 'e ' || id || ' ' || host || ' ' || process || ' ' || at_ms || ' ' || type || ' ' || COALESCE(CAST(pid AS TEXT), '-')"
        + " || ' ' || COALESCE(to_state, '-') FROM events ORDER BY id"));
    out.addAll(strings(c, "SELECT 'r ' || id || ' ' || process || ' ' || run || ' ' || pid || ' ' || started_ms FROM runs ORDER BY id"));
    out.addAll(strings(c, "SELECT 's ' || id || ' ' || process || ' ' || at_ms || ' ' || state || ' ' || pid FROM snapshots ORDER BY id"));
    assertThat(out).hasSize(307 + 1 + 1);
    return out;
  }

  private static List<String> strings(Connection c, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }
}
