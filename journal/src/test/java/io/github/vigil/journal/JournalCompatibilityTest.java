package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.Origin;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journals a newer Vigil migrated past {@link Migrations#LATEST}, as it would leave them (a version above it, with an
 * index and a nullable column of its own, and its readable-by floor), on a real SQLite file and a real PostgreSQL: one
 * whose floor is at most {@link Migrations#LATEST} is opened, written and read by this Vigil as it is (not migrated
 * down, its version and index kept); one whose floor is above it is refused by the writer and the reader with the
 * versions named and nothing written. On PostgreSQL, a fleet: a gateway of this Vigil keeps writing while a newer one
 * migrates the journal and writes beside it, and starts again on it.
 */
@Timeout(180)
class JournalCompatibilityTest {
  private static final Instant T = Instant.parse("2026-12-01T08:00:00Z");
  private static final int FUTURE = Migrations.LATEST + 1;

  @TempDir
  Path dir;

  private static PostgresServer pg;
  private static int databases;

  @BeforeAll
  static void startPostgres() throws Exception {
    if (PostgresServer.unavailableReason().isEmpty()) {
      pg = PostgresServer.start("compat");
    }
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void anSqliteJournalFromTheFutureReadableByThisVigilIsWrittenAndRead() throws Exception {
    readableFromTheFuture("jdbc:sqlite:" + dir.resolve("future.db"), Dialect.SQLITE);
  }

  @Test
  void aPostgresqlJournalFromTheFutureReadableByThisVigilIsWrittenAndRead() throws Exception {
    readableFromTheFuture(database(), Dialect.POSTGRESQL);
  }

  @Test
  void anSqliteJournalFromTheFutureNotReadableByThisVigilIsRefusedUnchanged() throws Exception {
    refusedFromTheFuture("jdbc:sqlite:" + dir.resolve("refused.db"), Dialect.SQLITE);
  }

  @Test
  void aPostgresqlJournalFromTheFutureNotReadableByThisVigilIsRefusedUnchanged() throws Exception {
    refusedFromTheFuture(database(), Dialect.POSTGRESQL);
  }

  /** Versions 1 to 4 have their floors filled in by version 5: 1, 2, 2, 2 (3 and 4 only add indexes), and 5's is 2. */
  @Test
  void eachVersionRecordsItsFloor() throws Exception {
    assertThat(Migrations.READABLE_BY).hasSize(Migrations.LATEST);
    for (int v = 1; v <= Migrations.LATEST; v++) {
      assertThat(Migrations.READABLE_BY.get(v - 1)).as("version %d's floor", v).isBetween(v == 1 ? 1 : Migrations.READABLE_BY.get(v - 2), v);
    }
    String url = "jdbc:sqlite:" + dir.resolve("floors.db");
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(Migrations.migrate(c, Dialect.SQLITE, 4)).isEqualTo(4);
      assertThat(Migrations.schema(c)).as("a journal of version 4, before the floor column").isEqualTo(new Migrations.Schema(4, 2));
      assertThat(Migrations.migrate(c, Dialect.SQLITE)).isEqualTo(Migrations.LATEST);
      assertThat(strings(c, "SELECT version || ' ' || readable_by FROM journal_schema ORDER BY version"))
          .containsExactly("1 1", "2 2", "3 2", "4 2", "5 2");
      assertThat(Migrations.schema(c)).isEqualTo(new Migrations.Schema(Migrations.LATEST, 2));
    }
  }

  /**
   * A fleet on PostgreSQL: gw-old (this Vigil) writes; gw-new, a Vigil that knows version {@link #FUTURE}, starts on the
   * same journal, migrates it (an index built concurrently and a nullable column, floor {@link Migrations#LATEST}) and
   * writes its rows with its column filled; gw-old's writer goes on writing through it, then gw-old starts again on the
   * journal of the newer version; every host's rows are read.
   */
  @Test
  void aFleetGoesOnWritingWhileOneGatewayMigratesTheJournalToANewerReadableVersion() throws Exception {
    String url = database();
    try (Journal old = journal(url, "gw-old")) {
      crashes(old, "feed", T, 1, 100);
      assertThat(old.flush(Duration.ofSeconds(30))).isTrue();
      try (Connection newer = DriverManager.getConnection(url)) {
        newerVigilMigrates(newer, Dialect.POSTGRESQL, Migrations.LATEST);
        try (PreparedStatement p = newer.prepareStatement("INSERT INTO events (host, process, at_ms, type, run, pid,"
            + " to_state, reason, future_note) VALUES ('gw-new', 'feed', ?, ?, ?, ?, ?, ?, 'written by the newer Vigil')")) {
          row(p, T.plusSeconds(1), "Started", 1, 300L, null, "run 1, pid 300");
          row(p, T.plusSeconds(2), "StateChanged", 1, null, "RUNNING", "STARTING → RUNNING");
        }
      }
      crashes(old, "feed", T.plusSeconds(600), 2, 200);
      assertThat(old.flush(Duration.ofSeconds(30))).as("gw-old's writer went on writing through the newer version").isTrue();
      assertThat(old.stats().databaseReachable()).isTrue();
    }
    try (Journal restarted = journal(url, "gw-old")) { // gw-old started again, on the journal of the newer version
      crashes(restarted, "feed", T.plusSeconds(1200), 3, 400);
      assertThat(restarted.flush(Duration.ofSeconds(30))).isTrue();
    }
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(Migrations.schema(c)).isEqualTo(new Migrations.Schema(FUTURE, Migrations.LATEST));
      assertThat(strings(c, "SELECT COUNT(*) FROM events WHERE future_note IS NOT NULL")).containsExactly("2");
    }
    try (JournalReader all = JournalReader.open(url, null)) {
      assertThat(all.status(T.plusSeconds(3600))).extracting(s -> s.host() + " " + s.process() + " " + s.state() + " " + s.pid())
          .containsExactly("gw-new feed RUNNING 300", "gw-old feed RUNNING 400");
    }
    try (JournalReader gwOld = JournalReader.open(url, "gw-old")) {
      assertThat(gwOld.restarts("feed", T.minusSeconds(60), T.plusSeconds(3600), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC))
          .total()).as("gw-old's crashes, before, during and after the newer version").isEqualTo(3);
    }
  }

  private void readableFromTheFuture(String url, Dialect dialect) throws Exception {
    try (Journal j = journal(url, "gw1")) {
      crashes(j, "orders", T, 1, 100);
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
    }
    try (Connection c = DriverManager.getConnection(url)) {
      newerVigilMigrates(c, dialect, Migrations.LATEST);
    }
    List<String> schemaRows;
    try (Connection c = DriverManager.getConnection(url)) {
      schemaRows = strings(c, "SELECT version || ' ' || readable_by || ' ' || description FROM journal_schema ORDER BY version");
      assertThat(schemaRows).hasSize(FUTURE).last().isEqualTo(FUTURE + " " + Migrations.LATEST + " a later index and column");
    }
    // this Vigil's gateway starts on it and writes: version FUTURE is not migrated down nor altered
    try (Journal j = journal(url, "gw1")) {
      assertThat(j.stats().databaseReachable()).isTrue();
      crashes(j, "orders", T.plusSeconds(600), 2, 200);
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(j.stats().eventsWritten()).isEqualTo(4);
    }
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(strings(c, "SELECT version || ' ' || readable_by || ' ' || description FROM journal_schema ORDER BY version"))
          .as("journal_schema as the newer Vigil left it").isEqualTo(schemaRows);
      assertThat(indexes(c, dialect)).as("the newer version's index kept").contains("events_future_at");
      assertThat(strings(c, "SELECT COUNT(*) FROM events WHERE host = 'gw1'")).containsExactly(Integer.toString(2 * 4));
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      assertThat(r.status(T.plusSeconds(3600))).singleElement()
          .satisfies(s -> assertThat(s.state()).isEqualTo("RUNNING"), s -> assertThat(s.pid()).isEqualTo(200L));
      assertThat(r.restarts("orders", T.minusSeconds(60), T.plusSeconds(3600), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC))
          .total()).isEqualTo(2);
      assertThat(r.count("events")).isEqualTo(2 * 4);
    }
  }

  private void refusedFromTheFuture(String url, Dialect dialect) throws Exception {
    try (Journal j = journal(url, "gw1")) {
      crashes(j, "orders", T, 1, 100);
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
    }
    try (Connection c = DriverManager.getConnection(url)) {
      newerVigilMigrates(c, dialect, FUTURE); // its rows need a Vigil that knows the newer version
    }
    String refused = "journal schema version " + FUTURE + " is newer than this Vigil knows (" + Migrations.LATEST
        + ") and is readable only by a Vigil that knows version " + FUTURE + " or later (its readable-by floor): upgrade this Vigil"
        + " to one that knows schema version " + FUTURE + ", as every gateway and vigil command sharing this journal must be;"
        + " the journal was not changed";
    List<String> before = contents(url, dialect);
    assertThatThrownBy(() -> journal(url, "gw1")).isInstanceOf(IllegalStateException.class).hasMessageEndingWith(": " + refused);
    assertThatThrownBy(() -> JournalReader.open(url, null)).isInstanceOf(SQLException.class).hasMessageEndingWith(": " + refused);
    assertThat(contents(url, dialect)).as("nothing written").isEqualTo(before);

    // the journal's floor is the highest of its versions': a later version whose own floor is lower does not lower it
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO journal_schema (version, description, applied_ms, readable_by) VALUES (" + (FUTURE + 1)
          + ", 'an index after it', 0, " + Migrations.LATEST + ")");
      assertThat(Migrations.schema(c)).isEqualTo(new Migrations.Schema(FUTURE + 1, FUTURE));
    }
    assertThatThrownBy(() -> JournalReader.open(url, null)).hasMessageContaining("readable only by a Vigil that knows version " + FUTURE);
  }

  /**
   * What a Vigil that knows version {@link #FUTURE} does to the journal, as this one's runner would: under the fleet's
   * lock on PostgreSQL, an index (concurrently there) and a nullable column of events, then its version with {@code floor}.
   */
  private static void newerVigilMigrates(Connection c, Dialect dialect, int floor) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (dialect == Dialect.POSTGRESQL) {
        s.execute("SELECT pg_advisory_lock(" + Migrations.ADVISORY_LOCK + ")");
        s.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS events_future_at ON events (type, at_ms)");
      } else {
        s.execute("CREATE INDEX events_future_at ON events (type, at_ms)");
      }
      s.execute("ALTER TABLE events ADD COLUMN future_note TEXT");
      s.executeUpdate("INSERT INTO journal_schema (version, description, applied_ms, readable_by) VALUES (" + FUTURE
          + ", 'a later index and column', " + System.currentTimeMillis() + ", " + floor + ")");
      if (dialect == Dialect.POSTGRESQL) {
        s.execute("SELECT pg_advisory_unlock(" + Migrations.ADVISORY_LOCK + ")");
      }
    }
  }

  private static Journal journal(String url, String host) {
    return Journal.builder().url(url).host(host).snapshotInterval(Duration.ZERO).batchInterval(Duration.ofMillis(100)).build();
  }

  /** Run {@code run} of {@code process}, pid {@code pid}, crashed at {@code at}, was restarted and is running again. */
  private static void crashes(Journal j, String process, Instant at, int run, long pid) {
    ExitInfo exit = new ExitInfo(Termination.Signaled.of(11, false), ExitCause.SIGNALED, Duration.ofSeconds(30), at, "", -1);
    j.onEvent(new SupervisorEvent.Started(process, at.minusSeconds(30), pid, run));
    j.onEvent(new SupervisorEvent.Exited(process, at, run, exit));
    j.onEvent(new SupervisorEvent.RestartScheduled(process, at, 1, Duration.ofSeconds(1), exit));
    j.onEvent(new SupervisorEvent.StateChanged(process, at.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
  }

  /** A row as the newer Vigil writes it, its own column filled. */
  private static void row(PreparedStatement p, Instant at, String type, int run, Long pid, String toState, String reason) throws SQLException {
    p.setLong(1, at.toEpochMilli());
    p.setString(2, type);
    p.setInt(3, run);
    p.setObject(4, pid, java.sql.Types.BIGINT);
    p.setString(5, toState);
    p.setString(6, reason);
    p.executeUpdate();
  }

  /** Every row of every table, the schema's indexes and columns: what a refused Vigil must leave as it was. */
  private static List<String> contents(String url, Dialect dialect) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url)) {
      for (String table : List.of("journal_schema", "events", "runs", "snapshots")) {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
          int columns = r.getMetaData().getColumnCount();
          while (r.next()) {
            StringBuilder row = new StringBuilder(table);
            for (int i = 1; i <= columns; i++) {
              row.append(' ').append(r.getMetaData().getColumnName(i)).append('=').append(r.getString(i));
            }
            out.add(row.toString());
          }
        }
      }
      out.addAll(indexes(c, dialect));
    }
    assertThat(out).as("the journal has rows").anyMatch(s -> s.startsWith("events "));
    return out;
  }

  private static List<String> indexes(Connection c, Dialect dialect) throws SQLException {
    return strings(c, dialect == Dialect.SQLITE ? "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
        : "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname");
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  /** A new database of the test's PostgreSQL server; skips where there is none. */
  private static String database() throws SQLException {
    assumeTrue(pg != null, () -> PostgresServer.unavailableReason().orElse("no PostgreSQL"));
    String name = "compat" + (++databases);
    try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return pg.url().replace("/postgres?", "/" + name + "?");
  }
}
