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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema's versions and the runner that brings a database up to the latest. Each version is one SQL
 * file per dialect ({@code migration/V<n>__<dialect>.sql}) applied in one transaction, then recorded in
 * {@code journal_schema}. A database written by a newer Vigil (a version above {@link #LATEST}) is refused,
 * never altered. Internal.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** The versions this code knows, in order; index + 1 is the version number. */
  static final List<String> DESCRIPTIONS = List.of("events, runs and status snapshots", "diagnoses (events.diagnosis)",
      "snapshots by host and process (snapshots_host_process_at)");
  static final int LATEST = DESCRIPTIONS.size();
  /** The PostgreSQL advisory lock key held while migrating ("vigil" in ASCII). */
  static final long ADVISORY_LOCK = 0x766967696cL;

  private Migrations() {}

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
   * Applies every version above the database's; returns the version it is at afterwards.
   *
   * @throws SQLException when a migration fails (its transaction is rolled back) or the database is newer
   */
  static int migrate(Connection c, Dialect dialect) throws SQLException {
    boolean auto = c.getAutoCommit();
    boolean locked = false;
    try {
      c.setAutoCommit(true);
      if (dialect == Dialect.POSTGRESQL) {
        // gateways of a fleet may start together: one migrates while the others wait here (even CREATE TABLE IF
        // NOT EXISTS races in PostgreSQL), then they see it done
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_lock(" + ADVISORY_LOCK + ")");
          locked = true;
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS journal_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_ms BIGINT NOT NULL)");
      }
      c.setAutoCommit(false);
      int version = currentVersion(c);
      if (version > LATEST) {
        throw new SQLException("journal schema version " + version + " is newer than this Vigil knows (" + LATEST + "): use a newer Vigil");
      }
      while (version < LATEST) {
        int next = version + 1;
        try (Statement s = c.createStatement()) {
          for (String sql : statements(script(next, dialect))) {
            s.execute(sql);
          }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO journal_schema (version, description, applied_ms) VALUES (?, ?, ?)")) {
          p.setInt(1, next);
          p.setString(2, DESCRIPTIONS.get(next - 1));
          p.setLong(3, System.currentTimeMillis());
          p.executeUpdate();
        } catch (SQLException e) {
          c.rollback();
          // another writer applied it first (SQLite has no table lock to wait on)
          if (currentVersion(c) >= next) {
            version = currentVersion(c);
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
