package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Version 3's index ({@code snapshots_host_process_at}) on a real PostgreSQL, on a journal of version 2. The build is
 * held, not made slow: a gateway's transaction that wrote a snapshot and stays open makes a concurrent build wait for it
 * ({@code waiting for writers before build} in {@code pg_stat_progress_create_index}) and a plain one wait for its lock;
 * while it is held another gateway's snapshot is written, a second gateway migrating at the same time waits and then sees
 * version 3, and a build whose backend is terminated leaves an invalid index that the next migration replaces. (A build
 * made slow by many snapshots ended before the second gateway was seen on a quiet CI machine.)
 */
@Timeout(300)
class PostgresIndexMigrationTest {
  private static final String INDEX = "snapshots_host_process_at";
  private static final int SNAPSHOTS = 10_000;

  private static PostgresServer pg;
  private static int databases;

  @BeforeAll
  static void startServer() throws Exception {
    if (PostgresServer.unavailableReason().isEmpty()) {
      pg = PostgresServer.start("index");
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void snapshotsAreWrittenWhileTheIndexIsBuilt() throws Exception {
    String url = journalAtVersion2();
    try (Connection migrating = DriverManager.getConnection(url); Connection monitor = DriverManager.getConnection(url);
        Connection writer = DriverManager.getConnection(url); Connection holder = holding(url)) {
      int builder = backendPid(migrating);
      CompletableFuture<Integer> migration = migrateAsync(migrating);
      awaitHeld(monitor, builder, migration);

      try (Statement s = writer.createStatement()) {
        s.execute("SET lock_timeout = '2s'");
        // a plain CREATE INDEX asks for a SHARE lock on snapshots (and holds it for its whole build): this insert queues
        // behind that request and fails with a lock timeout
        s.executeUpdate("INSERT INTO snapshots (host, process, at_ms, state) VALUES ('gw2', 'feed', 1, 'RUNNING')");
      }
      assertThat(migration).as("the snapshot was written while the index was still to be built").isNotDone();

      holder.commit();
      assertThat(migration.get()).isEqualTo(Migrations.LATEST);
      assertVersion3WithValidIndex(monitor);
      assertThat(count(monitor, "SELECT COUNT(*) FROM snapshots")).isEqualTo(SNAPSHOTS + 2);
    }
  }

  @Test
  void aSecondGatewayWaitsForTheBuildAndThenSeesVersion3() throws Exception {
    String url = journalAtVersion2();
    try (Connection first = DriverManager.getConnection(url); Connection second = DriverManager.getConnection(url);
        Connection monitor = DriverManager.getConnection(url); Connection holder = holding(url)) {
      int builder = backendPid(first);
      int waiter = backendPid(second);
      CompletableFuture<Integer> firstMigration = migrateAsync(first);
      awaitHeld(monitor, builder, firstMigration);

      CompletableFuture<Integer> secondMigration = migrateAsync(second);
      // the second gateway has asked for the fleet's migration lock, which the first holds
      await(() -> query(monitor, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = " + waiter + " AND query LIKE '%advisory_lock%'") > 0,
          "the second gateway asking for the migration lock", secondMigration);
      assertThat(firstMigration).as("the first gateway's build still to come when the second asked").isNotDone();
      holder.commit();

      // waiting in pg_advisory_lock would hold a snapshot the concurrent build waits for: PostgreSQL then fails one
      assertThat(firstMigration.get()).isEqualTo(Migrations.LATEST);
      assertThat(secondMigration.get()).isEqualTo(Migrations.LATEST);
      assertVersion3WithValidIndex(monitor);
    }
  }

  @Test
  void anInterruptedBuildIsRebuiltByTheNextMigration() throws Exception {
    String url = journalAtVersion2();
    try (Connection monitor = DriverManager.getConnection(url)) {
      try (Connection migrating = DriverManager.getConnection(url); Connection holder = holding(url)) {
        int builder = backendPid(migrating);
        CompletableFuture<Integer> migration = migrateAsync(migrating);
        awaitHeld(monitor, builder, migration);
        assertThat(query(monitor, "SELECT pg_terminate_backend(" + builder + ")::int")).isEqualTo(1);
        assertThatThrownBy(migration::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(SQLException.class)
            .as("why the migration failed").hasMessageContaining("terminating connection due to administrator command");
        holder.commit();
      }
      assertThat(count(monitor, "SELECT MAX(version) FROM journal_schema")).as("version 3 not recorded").isEqualTo(2);
      assertThat(indexValid(monitor)).as("the interrupted concurrent build left its index invalid").isEqualTo("f");

      try (Connection again = DriverManager.getConnection(url)) {
        assertThat(Migrations.migrate(again, Dialect.POSTGRESQL)).isEqualTo(Migrations.LATEST);
      }
      assertVersion3WithValidIndex(monitor);
    }
  }

  /** A new database holding a journal of version 2 (versions 3 and 4 are only indexes) with many snapshots; its URL. */
  private static String journalAtVersion2() throws Exception {
    assumeTrue(pg != null, () -> PostgresServer.unavailableReason().orElse("no PostgreSQL"));
    String name = "journal" + (++databases);
    try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    // the build may take longer than the 10 s the server's URL allows a statement's answer
    String url = pg.url().replace("/postgres?", "/" + name + "?").replace("socketTimeout=10", "socketTimeout=120");
    try (Connection c = DriverManager.getConnection(url)) {
      Migrations.migrate(c, Dialect.POSTGRESQL, 2);
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO snapshots (host, process, at_ms, state) SELECT 'gw' || (g % 4), 'process-' || (g % 500), g, 'RUNNING'"
            + " FROM generate_series(1, " + SNAPSHOTS + ") g");
      }
    }
    return url;
  }

  /**
   * Another gateway's transaction that has written a snapshot and stays open until the test commits it: a concurrent
   * build of an index on snapshots waits for it before it builds, a plain one for its lock.
   */
  private static Connection holding(String url) throws SQLException {
    Connection c = DriverManager.getConnection(url);
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO snapshots (host, process, at_ms, state) VALUES ('gw3', 'feed', 2, 'RUNNING')");
    }
    return c;
  }

  /**
   * A gateway's migration on a thread of its own: not the common pool, which on JDK 25 with two CPUs runs one task at a
   * time, so the second gateway's migration waited for the first, held until the test saw the second (JDK 25 on CI).
   */
  private static CompletableFuture<Integer> migrateAsync(Connection c) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return Migrations.migrate(c, Dialect.POSTGRESQL);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, task -> {
      Thread t = new Thread(task, "gateway-migration");
      t.setDaemon(true);
      t.start();
    });
  }

  /**
   * Polls until the backend's CREATE INDEX is held by {@link #holding}: a concurrent one waiting for writers before its
   * build, a plain one waiting for its lock.
   */
  private static void awaitHeld(Connection monitor, int pid, CompletableFuture<?> migration) throws Exception {
    await(() -> query(monitor, "SELECT COUNT(*) FROM pg_stat_progress_create_index WHERE pid = " + pid
        + " AND phase = 'waiting for writers before build'") > 0
        || query(monitor, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = " + pid + " AND wait_event_type = 'Lock'"
            + " AND query ILIKE '%CREATE INDEX%'") > 0, "the index build held", migration);
  }

  private static void await(BooleanSupplier condition, String what, CompletableFuture<?> mustNotEndFirst) throws Exception {
    while (!condition.getAsBoolean()) {
      if (mustNotEndFirst.isDone()) {
        mustNotEndFirst.get(); // its failure, if it failed
        throw new AssertionError("the migration ended before " + what + " was seen");
      }
      Thread.sleep(10);
    }
  }

  private static void assertVersion3WithValidIndex(Connection c) throws SQLException {
    assertThat(count(c, "SELECT COUNT(*) FROM journal_schema WHERE version = 3")).as("version 3 recorded once").isEqualTo(1);
    assertThat(count(c, "SELECT MAX(version) FROM journal_schema")).as("then version 4").isEqualTo(Migrations.LATEST);
    assertThat(indexValid(c)).as("%s valid", INDEX).isEqualTo("t");
    assertThat(count(c, "SELECT COUNT(*) FROM pg_class WHERE relname = '" + INDEX + "'")).isEqualTo(1);
  }

  /** {@code t} or {@code f} from {@code pg_index.indisvalid}, or null when there is no such index. */
  private static String indexValid(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE x.relname = '" + INDEX + "'")) {
      return r.next() ? r.getString(1).substring(0, 1) : null;
    }
  }

  private static int backendPid(Connection c) throws SQLException {
    return count(c, "SELECT pg_backend_pid()");
  }

  private static long query(Connection c, String sql) {
    try {
      return count(c, sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static int count(Connection c, String sql) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
      r.next();
      return r.getInt(1);
    }
  }
}
