package io.github.vigil.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema's versions and the runner that brings a database up to the latest. Each version is one SQL
 * file per dialect ({@code migration/V<n>__<dialect>.sql}) applied in one transaction, then recorded in
 * {@code journal_schema}. A file with the line {@value #OUTSIDE_TRANSACTION} has its statements run one by one
 * outside any transaction (PostgreSQL's {@code CREATE INDEX CONCURRENTLY}, which lets a fleet's other gateways
 * write while the index is built); they must be idempotent ({@code IF NOT EXISTS}), since an interrupted version
 * runs again whole, and the version is recorded only once every index they build is valid.
 *
 * <p>Each version also records its readable-by floor ({@link #READABLE_BY}, column {@code journal_schema.readable_by}
 * from version {@value #FLOOR_COLUMN_VERSION} on): the oldest schema version a Vigil must know to read and write a
 * journal of that version. A version that only adds an index, or changes nothing in the rows Vigil writes and reads,
 * keeps the floor of the version before it; one that changes what the rows hold or mean (a column a reader must fill
 * or read) raises it to itself. The journal's floor is the highest of its versions' floors. A database of a version
 * above {@link #LATEST} (written by a newer Vigil) is used as it is, never migrated down nor altered, when its floor is
 * at most {@link #LATEST}; otherwise it is refused ({@link #refusal}). Internal; stateless, safe from any thread with a
 * connection of the caller's own.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** The versions this code knows, in order; index + 1 is the version number. */
  static final List<String> DESCRIPTIONS = List.of("events, runs and status snapshots", "diagnoses (events.diagnosis)",
      "snapshots by host and process (snapshots_host_process_at)",
      "events by host, process and type (events_host_process_type_at)",
      "each version's readable-by floor (journal_schema.readable_by)");
  static final int LATEST = DESCRIPTIONS.size();
  /**
   * Each version's readable-by floor, index + 1 being the version: the oldest schema version a Vigil must know to read
   * and write a journal of it. 1: the tables. 2: Diagnosed events keep their diagnosis in a new column, which a Vigil
   * knowing 1 would leave empty. 3 and 4: an index each, rows unchanged. 5: a column of {@code journal_schema} only,
   * which a Vigil that knows no floors never reads, rows unchanged.
   */
  static final List<Integer> READABLE_BY = List.of(1, 2, 2, 2, 2);
  /** The version that added {@code journal_schema.readable_by}: versions before it have their floor filled in by it. */
  static final int FLOOR_COLUMN_VERSION = 5;
  /** The PostgreSQL advisory lock key held while migrating ("vigil" in ASCII). */
  static final long ADVISORY_LOCK = 0x766967696cL;
  /** The line that makes a migration file run outside a transaction. */
  static final String OUTSIDE_TRANSACTION = "-- vigil:outside-transaction";
  /** How often a gateway waiting for another's migration tries the advisory lock again. */
  private static final long LOCK_RETRY_MS = 100;
  private static final Pattern CONCURRENT_INDEX =
      Pattern.compile("CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s+IF\\s+NOT\\s+EXISTS\\s+(\\w+)", Pattern.CASE_INSENSITIVE);

  private Migrations() {}

  /**
   * A database's schema version and its readable-by floor (the highest floor of the versions applied to it).
   *
   * @param version the highest version applied, 0 when it has no journal yet
   * @param readableBy the oldest version a Vigil must know to read and write it; 0 when it has no journal yet
   */
  record Schema(int version, int readableBy) {
    /** Whether a Vigil knowing versions up to {@link #LATEST} may read and write it (migrating it up if it is older). */
    boolean usable() {
      return readableBy <= LATEST;
    }
  }

  /**
   * The version and floor of the database. A version's row without a floor (applied before version
   * {@value #FLOOR_COLUMN_VERSION}, or by a Vigil that wrote none) has the floor this code knows for it, or, above
   * {@link #LATEST}, its own version: a version that says nothing of its readers is taken to need them to know it.
   */
  static Schema schema(Connection c) throws SQLException {
    int version = currentVersion(c);
    if (version == 0) {
      return new Schema(0, 0);
    }
    int floor = 0;
    if (version < FLOOR_COLUMN_VERSION) {
      for (int v = 1; v <= version; v++) {
        floor = Math.max(floor, READABLE_BY.get(v - 1));
      }
      return new Schema(version, floor);
    }
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT version, readable_by FROM journal_schema")) {
      while (r.next()) {
        int v = r.getInt(1);
        int given = r.getInt(2);
        if (r.wasNull()) {
          given = v <= LATEST ? READABLE_BY.get(v - 1) : v;
        }
        floor = Math.max(floor, given);
      }
    }
    return new Schema(version, floor);
  }

  /** Why a Vigil knowing versions up to {@link #LATEST} does not use a journal of this schema. */
  static String refusal(Schema schema) {
    return "journal schema version " + schema.version() + " is newer than this Vigil knows (" + LATEST + ") and is readable only by"
        + " a Vigil that knows version " + schema.readableBy() + " or later (its readable-by floor): upgrade this Vigil to one that"
        + " knows schema version " + schema.readableBy() + ", as every gateway and vigil command sharing this journal must be;"
        + " the journal was not changed";
  }

  /** The schema version of the database, 0 when it has no journal yet. */
  static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM journal_schema")) {
      return r.next() ? r.getInt(1) : 0;
    } catch (SQLException e) {
      if (tableMissing(c)) {
        return 0;
      }
      throw e;
    }
  }

  private static boolean tableMissing(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
    }
    try (ResultSet r = c.getMetaData().getTables(null, null, "journal_schema", null)) {
      return !r.next();
    }
  }

  /**
   * Applies every version above the database's up to {@link #LATEST}; returns the version it is at afterwards, which is
   * above {@link #LATEST} for a journal a newer Vigil migrated whose floor this Vigil meets (used as it is).
   *
   * @throws SQLException when a migration fails (its transaction is rolled back) or the database is newer and its
   *     readable-by floor above {@link #LATEST} ({@link #refusal}; nothing written)
   */
  static int migrate(Connection c, Dialect dialect) throws SQLException {
    return migrate(c, dialect, LATEST);
  }

  /**
   * {@link #migrate(Connection, Dialect)} applying the versions up to {@code upTo} only: a journal as a Vigil that knew
   * {@code upTo} left it (tests of the migrations from it).
   */
  static int migrate(Connection c, Dialect dialect, int upTo) throws SQLException {
    if (upTo < 1 || upTo > LATEST) {
      throw new IllegalArgumentException("upTo must be between 1 and " + LATEST + ": " + upTo);
    }
    boolean auto = c.getAutoCommit();
    boolean locked = false;
    try {
      c.setAutoCommit(true);
      if (dialect == Dialect.POSTGRESQL) {
        // gateways of a fleet may start together: one migrates while the others wait here (even CREATE TABLE IF
        // NOT EXISTS races in PostgreSQL), then they see it done
        lockForMigration(c);
        locked = true;
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS journal_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_ms BIGINT NOT NULL)");
      }
      c.setAutoCommit(false);
      int version = currentVersion(c);
      if (version > LATEST) {
        return newer(c);
      }
      while (version < upTo) {
        int next = version + 1;
        String script = script(next, dialect);
        if (outsideTransaction(script)) {
          applyOutsideTransaction(c, next, statements(script));
        } else {
          try (Statement s = c.createStatement()) {
            for (String sql : statements(script)) {
              s.execute(sql);
            }
          }
        }
        try {
          record(c, next);
        } catch (SQLException e) {
          c.rollback();
          // another writer applied it first (SQLite has no table lock to wait on), perhaps a newer Vigil
          if (currentVersion(c) >= next) {
            version = currentVersion(c);
            if (version > LATEST) {
              return newer(c);
            }
            continue;
          }
          throw e;
        }
        c.commit();
        log.info("Journal schema migrated to version {} ({})", next, DESCRIPTIONS.get(next - 1));
        version = next;
      }
      return version;
    } catch (SQLException e) {
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // the connection is gone; the caller reports e
      }
      throw e;
    } finally {
      // a connection whose backend died (its lock gone with it) is left alone: the caller hears why, not "closed"
      if (!c.isClosed()) {
        c.setAutoCommit(auto);
        if (locked) {
          try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_unlock(" + ADVISORY_LOCK + ")");
          } catch (SQLException e) {
            log.debug("Could not release the journal's migration lock (released with the connection): {}", e.toString());
          }
          if (!auto) {
            c.commit();
          }
        }
      }
    }
  }

  /** Records version {@code version} and its floor; the floors of the versions before the floor column with it. */
  private static void record(Connection c, int version) throws SQLException {
    boolean floorColumn = version >= FLOOR_COLUMN_VERSION;
    try (PreparedStatement p = c.prepareStatement("INSERT INTO journal_schema (version, description, applied_ms"
        + (floorColumn ? ", readable_by) VALUES (?, ?, ?, ?)" : ") VALUES (?, ?, ?)"))) {
      p.setInt(1, version);
      p.setString(2, DESCRIPTIONS.get(version - 1));
      p.setLong(3, System.currentTimeMillis());
      if (floorColumn) {
        p.setInt(4, READABLE_BY.get(version - 1));
      }
      p.executeUpdate();
    }
    if (version == FLOOR_COLUMN_VERSION) {
      try (PreparedStatement p = c.prepareStatement("UPDATE journal_schema SET readable_by = ? WHERE version = ? AND readable_by IS NULL")) {
        for (int v = 1; v < FLOOR_COLUMN_VERSION; v++) {
          p.setInt(1, READABLE_BY.get(v - 1));
          p.setInt(2, v);
          p.executeUpdate();
        }
      }
    }
  }

  /**
   * A journal a newer Vigil migrated past {@link #LATEST}: its version when its floor lets this Vigil use it as it is (no
   * version applied, none undone), else refused. Nothing is written either way.
   */
  private static int newer(Connection c) throws SQLException {
    Schema schema = schema(c);
    c.rollback(); // the reads' transaction: nothing was written in it
    if (!schema.usable()) {
      throw new SQLException(refusal(schema));
    }
    log.info("Journal schema version {} is newer than this Vigil knows ({}) and readable by a Vigil that knows {}: used as it is",
        schema.version(), LATEST, schema.readableBy());
    return schema.version();
  }

  /**
   * Takes the fleet's migration lock, waiting as long as another gateway holds it. It is tried again and again
   * rather than waited for in {@code pg_advisory_lock}: a session waiting there holds a snapshot, and the holder's
   * {@code CREATE INDEX CONCURRENTLY} waits for every older snapshot to end, a deadlock PostgreSQL breaks by
   * failing one of them.
   */
  private static void lockForMigration(Connection c) throws SQLException {
    boolean waitLogged = false;
    while (true) {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_try_advisory_lock(" + ADVISORY_LOCK + ")")) {
        if (r.next() && r.getBoolean(1)) {
          return;
        }
      }
      if (!waitLogged) {
        log.info("Waiting for another gateway's journal migration to finish");
        waitLogged = true;
      }
      try {
        Thread.sleep(LOCK_RETRY_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while waiting for another gateway's journal migration", e);
      }
    }
  }

  static boolean outsideTransaction(String script) {
    return script.lines().anyMatch(line -> line.strip().equals(OUTSIDE_TRANSACTION));
  }

  /**
   * Runs a version's statements each on its own, in autocommit. An index a concurrent build left invalid (its
   * build failed or its session died) is dropped and built again; one still invalid afterwards fails the version,
   * which is then not recorded.
   */
  private static void applyOutsideTransaction(Connection c, int version, List<String> statements) throws SQLException {
    c.commit(); // CREATE INDEX CONCURRENTLY cannot run inside a transaction block
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        Matcher index = CONCURRENT_INDEX.matcher(sql);
        boolean buildsIndex = index.find();
        if (buildsIndex && Boolean.FALSE.equals(indexValid(c, index.group(1)))) {
          log.warn("Journal index {} was left invalid by an interrupted build: dropping it to build it again (version {})",
              index.group(1), version);
          s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index.group(1));
        }
        s.execute(sql);
        if (buildsIndex && !Boolean.TRUE.equals(indexValid(c, index.group(1)))) {
          throw new SQLException("journal index " + index.group(1) + " is not valid after its build (version " + version
              + " not recorded): drop it (DROP INDEX CONCURRENTLY " + index.group(1) + ") and start again");
        }
      }
    }
    c.setAutoCommit(false); // not in a finally: on a connection that died in the build it would hide why
  }

  /** Whether the index of this name in the current schema is valid; null when there is none. */
  private static Boolean indexValid(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT i.indisvalid FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid"
        + " WHERE x.relname = ? AND x.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())")) {
      p.setString(1, name);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getBoolean(1) : null;
      }
    }
  }

  static String script(int version, Dialect dialect) {
    String name = "migration/V" + version + "__" + dialect.resource() + ".sql";
    try (InputStream in = Migrations.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing journal migration " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The statements of a script: {@code --} comment lines dropped, split at {@code ;} ending a line. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      String t = line.strip();
      if (t.startsWith("--") || t.isEmpty()) {
        continue;
      }
      cur.append(line).append('\n');
      if (t.endsWith(";")) {
        String sql = cur.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }
}
