package io.github.vigil.journal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Reads a journal: events, runs and snapshots over a period, per-process summaries, restart and crash
 * reports. Works whether the gateway that writes it is running or not (SQLite is opened beside the
 * writer in WAL mode).
 *
 * <p>Not thread-safe: one JDBC connection; use one reader per thread.
 */
public final class JournalReader implements AutoCloseable {
  private static final String EVENT_COLUMNS = "id, host, process, at_ms, type, run, pid, command, origin, actor, from_state, to_state, "
      + "reason, exit_cause, exit_code, signal, signal_name, core_dumped, run_ms, memory_bytes, memory_limit_bytes, attempt, delay_ms, "
      + "metric, metric_value, metric_limit, stderr_tail, core_path";
  private static final String SNAPSHOT_COLUMNS = "host, process, at_ms, state, pid, cpu_percent, memory_bytes, memory_percent, uptime_ms, "
      + "started_ms, restarts, health, trade_day, check_ms, error";

  private final Connection connection;
  private final @Nullable String host;

  private JournalReader(Connection connection, @Nullable String host) {
    this.connection = connection;
    this.host = host;
  }

  /**
   * Opens a journal: a SQLite file path, or a JDBC URL ({@code jdbc:sqlite:...}, {@code jdbc:postgresql://...}).
   *
   * @param host only this gateway's rows, or {@code null} for all
   * @throws SQLException when it cannot be opened, is not a journal, or was migrated by a newer Vigil to a schema version
   *     that is not readable by this one (its readable-by floor above the versions this Vigil knows); a journal of a newer
   *     version that is readable by this Vigil is read as it is
   * @throws IllegalArgumentException for a URL that is neither {@code jdbc:sqlite:} nor {@code jdbc:postgresql:}
   *     ({@code postgres://...} included)
   */
  public static JournalReader open(String pathOrUrl, @Nullable String host) throws SQLException {
    return open(pathOrUrl, host, null, null);
  }

  /**
   * The file a {@code jdbc:sqlite:} URL names ({@code jdbc:sqlite:/path}, {@code jdbc:sqlite:file:/path?...}); null for
   * another database, an in-memory one or a URL this cannot read.
   */
  static @Nullable Path sqliteFile(String url) {
    if (!url.startsWith("jdbc:sqlite:")) {
      return null;
    }
    String rest = url.substring("jdbc:sqlite:".length());
    if (rest.startsWith("file:")) {
      rest = rest.substring("file:".length());
      if (rest.startsWith("//")) {
        rest = rest.substring(2); // file:///path: an empty authority
      }
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      if (rest.substring(query).contains("mode=memory")) {
        return null;
      }
      rest = rest.substring(0, query);
    }
    if (rest.isEmpty() || rest.startsWith(":memory:") || rest.startsWith(":resource:")) {
      return null;
    }
    try {
      return Path.of(rest);
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  /** {@link #open(String, String)} with database credentials (PostgreSQL). */
  public static JournalReader open(String pathOrUrl, @Nullable String host, @Nullable String user, @Nullable String password)
      throws SQLException {
    requireNonNull(pathOrUrl, "journal");
    if (pathOrUrl.isBlank()) {
      throw new SQLException("no journal named: the journal's file or JDBC URL is empty");
    }
    String url = pathOrUrl;
    if (!pathOrUrl.startsWith("jdbc:") && pathOrUrl.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      // a URL, not a file (postgres://db/vigil, as libpq spells it): it was looked for as ./postgres:/db/vigil
      throw new IllegalArgumentException("journal url must start with jdbc:sqlite: or jdbc:postgresql: '" + pathOrUrl
          + "' (a PostgreSQL journal is jdbc:postgresql://HOST:PORT/DATABASE)");
    }
    if (!pathOrUrl.startsWith("jdbc:")) {
      Path p = Path.of(pathOrUrl);
      requireFile(p);
      url = "jdbc:sqlite:" + p.toAbsolutePath();
    } else {
      Path file = sqliteFile(pathOrUrl);
      if (file != null) { // the driver would create an empty one: a reader never should
        requireFile(file);
      }
    }
    Dialect.of(url);
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    Connection c;
    try {
      c = DriverManager.getConnection(url, props);
    } catch (SQLException e) { // say which journal: PostgreSQL's driver says only "Connection to 127.0.0.1:5432 refused"
      throw new SQLException(Writer.redact(url) + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
    }
    int schemaVersion;
    try {
      if (Dialect.of(url) == Dialect.SQLITE) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA busy_timeout=5000");
        }
      }
      Migrations.Schema schema;
      try {
        schema = Migrations.schema(c);
      } catch (SQLException e) { // say which journal, where the driver says only what ([SQLITE_NOTADB] ...)
        throw new SQLException(Writer.redact(url) + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
      }
      schemaVersion = schema.version();
      if (schemaVersion == 0) {
        throw new SQLException("not a Vigil journal (no journal_schema table): " + Writer.redact(url));
      }
      if (!schema.usable()) { // a newer version whose rows this Vigil would misread; one that is readable is read as it is
        throw new SQLException(Writer.redact(url) + ": " + Migrations.refusal(schema));
      }
      c.setAutoCommit(true);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    JournalReader reader = new JournalReader(c, host);
    reader.version = schemaVersion;
    return reader;
  }

  /** A SQLite journal is a file: a directory, or nothing, is named as what it is. */
  private static void requireFile(Path p) throws SQLException {
    Path abs = p.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      Path inside = abs.resolve("journal.db"); // the file a journal with this state directory writes
      throw new SQLException(abs + " is a directory, not a journal file"
          + (Files.isRegularFile(inside) ? " (the journal of a state directory is its journal.db: " + inside + ")" : ""));
    }
    if (!Files.isRegularFile(abs)) {
      throw new SQLException("no journal file at " + abs);
    }
  }

  private String hostFilter() {
    return host != null ? " AND host = ?" : "";
  }

  private int bindHost(PreparedStatement p, int i) throws SQLException {
    if (host != null) {
      p.setString(i++, host);
    }
    return i;
  }

  private int version = Migrations.LATEST;

  /**
   * The diagnoses recorded for {@code process} (its {@code Diagnosed} events), newest first, at most
   * {@code limit}; empty for a journal written before diagnoses were recorded (schema version 1).
   */
  public List<JournalDiagnosis> diagnoses(String process, int limit) throws SQLException {
    List<JournalDiagnosis> out = new ArrayList<>();
    if (version < 2) {
      return out;
    }
    String sql = "SELECT host, process, at_ms, run, command, reason, metric, diagnosis FROM events WHERE type = 'Diagnosed' AND process = ?"
        + hostFilter() + " ORDER BY at_ms DESC, id DESC LIMIT ?";
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, process);
      int i = bindHost(p, 2);
      p.setInt(i, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new JournalDiagnosis(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)), intOrNull(r, 4),
              String.valueOf(r.getString(5)), String.valueOf(r.getString(6)), r.getString(7), String.valueOf(r.getString(8))));
        }
      }
    }
    return out;
  }

  /** The hosts (gateways) with any row, sorted; all of them, whichever host this reader is for. */
  public List<String> hosts() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT host FROM events UNION SELECT host FROM snapshots ORDER BY 1")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  /** Process names with any row, sorted. */
  public List<String> processes() throws SQLException {
    List<String> out = new ArrayList<>();
    String sql = "SELECT process FROM events WHERE 1 = 1" + hostFilter() + " UNION SELECT process FROM snapshots WHERE 1 = 1" + hostFilter()
        + " ORDER BY 1";
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      int i = bindHost(p, 1);
      bindHost(p, i);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    }
    return out;
  }

  /** Events in {@code [from, to)}, oldest first, of one process or (with {@code null}) all; at most {@code limit}, the newest kept. */
  public List<JournalEvent> events(@Nullable String process, Instant from, Instant to, int limit) throws SQLException {
    String sql = "SELECT " + EVENT_COLUMNS + " FROM events WHERE at_ms >= ? AND at_ms < ?" + (process != null ? " AND process = ?" : "")
        + hostFilter() + " ORDER BY at_ms DESC, id DESC LIMIT ?";
    List<JournalEvent> out = new ArrayList<>();
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      int i = 1;
      p.setLong(i++, from.toEpochMilli());
      p.setLong(i++, to.toEpochMilli());
      if (process != null) {
        p.setString(i++, process);
      }
      i = bindHost(p, i);
      p.setInt(i, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(event(r));
        }
      }
    }
    Collections.reverse(out);
    return out;
  }

  /** Runs started in {@code [from, to)}, oldest first. */
  public List<JournalRun> runs(String process, Instant from, Instant to) throws SQLException {
    String sql = "SELECT host, process, run, pid, started_ms, ended_ms, exit_cause, termination, exit_code, signal, core_dumped, run_ms, "
        + "message, memory_bytes, memory_limit_bytes, recovery_ms, stderr_tail FROM runs WHERE process = ? AND started_ms >= ? AND started_ms < ?"
        + hostFilter() + " ORDER BY started_ms, id";
    List<JournalRun> out = new ArrayList<>();
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, process);
      p.setLong(2, from.toEpochMilli());
      p.setLong(3, to.toEpochMilli());
      bindHost(p, 4);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          Long runMs = longOrNull(r, 12);
          Long rec = longOrNull(r, 16);
          Long ended = longOrNull(r, 6);
          Long core = longOrNull(r, 11);
          out.add(new JournalRun(r.getString(1), r.getString(2), r.getInt(3), r.getLong(4), Instant.ofEpochMilli(r.getLong(5)),
              ended == null ? null : Instant.ofEpochMilli(ended), r.getString(7), r.getString(8), intOrNull(r, 9), intOrNull(r, 10),
              core == null ? null : core != 0, runMs == null ? null : Duration.ofMillis(runMs), r.getString(13), longOrNull(r, 14),
              longOrNull(r, 15), rec == null ? null : Duration.ofMillis(rec), r.getString(17)));
        }
      }
    }
    return out;
  }

  /** Snapshots in {@code [from, to)}, oldest first; at most {@code limit}, the newest kept. */
  public List<JournalSnapshot> snapshots(String process, Instant from, Instant to, int limit) throws SQLException {
    String sql = "SELECT " + SNAPSHOT_COLUMNS + " FROM snapshots WHERE process = ? AND at_ms >= ? AND at_ms < ?" + hostFilter()
        + " ORDER BY at_ms DESC, id DESC LIMIT ?";
    List<JournalSnapshot> out = new ArrayList<>();
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, process);
      p.setLong(2, from.toEpochMilli());
      p.setLong(3, to.toEpochMilli());
      int i = bindHost(p, 4);
      p.setInt(i, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(snapshot(r));
        }
      }
    }
    Collections.reverse(out);
    return out;
  }

  /** Row counts of the three tables (this host's, or all). */
  public long count(String table) throws SQLException {
    if (!List.of("events", "runs", "snapshots").contains(table)) {
      throw new IllegalArgumentException("table must be events, runs or snapshots: '" + table + "'");
    }
    try (PreparedStatement p = connection.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE 1 = 1" + hostFilter())) {
      bindHost(p, 1);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /**
   * The last known state of every process, per host, sorted by host and name, as of {@code now}: what the rows stamped at
   * or before {@code now} say (its state, pid, since, last snapshot, watch window, last seen), so that a time in the past
   * reads what was true then, not what later rows say; a process first recorded after {@code now} is not listed. Its
   * restarts in the 24 hours up to now are the total of its host's {@link #restartsUpTo restartsUpTo(process, now, 24 h,
   * ...)} (see {@link ProcessSummary#restarts24h()}). The journal stamps in milliseconds: {@code now} is read to the
   * millisecond.
   */
  public List<ProcessSummary> status(Instant now) throws SQLException {
    List<ProcessSummary> out = new ArrayList<>();
    long upTo = now.toEpochMilli(); // rows at or before now: at_ms <= upTo (a millisecond stamp at or before now's)
    List<String[]> keys = statusKeys(upTo);
    for (String[] k : keys) {
      JournalEvent state = lastEvent(k[0], k[1], "StateChanged", upTo);
      JournalEvent started = lastEvent(k[0], k[1], "Started", upTo);
      JournalEvent any = lastEvent(k[0], k[1], null, upTo);
      JournalSnapshot snap = null;
      try (PreparedStatement p = connection.prepareStatement("SELECT " + SNAPSHOT_COLUMNS
          + " FROM snapshots WHERE host = ? AND process = ? AND at_ms <= ? ORDER BY at_ms DESC, id DESC LIMIT 1")) {
        p.setString(1, k[0]);
        p.setString(2, k[1]);
        p.setLong(3, upTo);
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) {
            snap = snapshot(r);
          }
        }
      }
      String st = state != null && state.toState() != null ? state.toState() : snap != null ? snap.state() : "UNKNOWN";
      Instant since = state != null ? state.at() : null;
      if (snap != null && (state == null || snap.at().isAfter(state.at())) && !snap.state().equals(st)) {
        st = snap.state();
        since = null;
      }
      Long pid = ("RUNNING".equals(st) || "STARTING".equals(st) || "STOPPING".equals(st)) && started != null ? started.pid() : null;
      boolean attachment = false;
      if (state == null && started == null) {
        // an attachment (a process Vigil watches and did not start) has no StateChanged nor Started, nor snapshots: its
        // state is its last AttachStateChanged (RUNNING, STOPPED, NOT_FOUND, ERROR), DETACHED after a Detached, and its pid
        // the newest of the processes it found that it has not lost since. It read UNKNOWN without a pid (a black-box run).
        // It starts NOT_FOUND, which no AttachStateChanged says: after an Attached with neither since, it is NOT_FOUND (one
        // whose process was never found read UNKNOWN)
        JournalEvent attach = lastEvent(k[0], k[1], "AttachStateChanged", upTo);
        JournalEvent detached = lastEvent(k[0], k[1], "Detached", upTo);
        JournalEvent attached = lastEvent(k[0], k[1], "Attached", upTo);
        attachment = attach != null || detached != null || attached != null;
        if (detached != null && (attach == null || detached.id() > attach.id()) && (attached == null || detached.id() > attached.id())) {
          st = "DETACHED";
          since = detached.at();
        } else if (attached != null && (attach == null || attached.id() > attach.id())) {
          st = "NOT_FOUND"; // attached (again) and nothing found since
          since = attached.at();
        } else if (attach != null && attach.toState() != null) {
          st = attach.toState();
          since = attach.at();
          pid = "RUNNING".equals(st) ? attachedPid(k[0], k[1], upTo) : null;
        }
      }
      boolean outsideWindow = false;
      if (attachment) {
        // a feed that runs in its sessions only is STOPPED or NOT_FOUND at night: expected while its watch window is closed
        JournalEvent window = lastEvent(k[0], k[1], "WatchWindowChanged", upTo);
        outsideWindow = window != null && EventReasons.watchWindowClosed(window.reason());
      }
      // the restart report's total over the 24 hours up to now (now included, 24 h before it not), as vigil restarts
      // --period 24h counts them: the same reads (the state each host left the process in before the day, the day's
      // events and the day after's, when it was last heard of before each registration) and the same analysis. Counted
      // apart from the day's events alone, it left out a killed JVM's restart of a process running since before the day,
      // and a restart done after now
      JournalReader one = new JournalReader(connection, k[0]); // this host's rows; shares this reader's connection: not closed here
      one.version = version;
      int restarts = one.restartsUpTo(k[1], now, Duration.ofDays(1), ZoneId.of("UTC"), TradeCalendar.calendarDays(ZoneId.of("UTC"))).total();
      Instant last = any != null ? any.at() : null;
      if (snap != null && (last == null || snap.at().isAfter(last))) {
        last = snap.at();
      }
      out.add(new ProcessSummary(k[0], k[1], st, since, pid, snap, restarts, last, attachment, outsideWindow));
    }
    return out;
  }

  /**
   * A trading calendar's session events carry the calendar's name as their process, a group's events the group's (its
   * schedule's too: a scheduled group's ScheduleStarted and ScheduleStopped): neither is a process. A scheduled process has
   * its other events.
   */
  private static final String NOT_A_PROCESS = "('SessionOpened', 'SessionClosed', 'GroupRestart', 'GroupFailed', 'GroupStateChanged', "
      + "'ScheduleStarted', 'ScheduleStopped')";

  /**
   * The (host, process) pairs {@link #status} lists, sorted as the database sorts them: those with an event of a process
   * (see {@link #NOT_A_PROCESS}) or a snapshot. From schema version 3 on (snapshots indexed by host and process, as events
   * are), a skip scan of the two (host, process, at_ms) indexes: one step of each per host and per pair, then two indexed
   * look-ups of the pair. Not a {@code SELECT DISTINCT} over every event and snapshot: with it, status took 6 to 17 s on
   * SQLite for 100 processes of 20,000 events and 20,160 snapshots each (a gateway's 90 and 14 days), 0.4 to 0.6 s now
   * ({@code bench/results/journal-status.md}). An older journal's snapshots have no such index: it is read with the scan.
   * Only pairs with such a row stamped at or before {@code upTo}: a process first recorded later did not exist yet.
   */
  private List<String[]> statusKeys(long upTo) throws SQLException {
    List<String[]> keys = new ArrayList<>();
    if (version < 3) {
      String sql = "SELECT DISTINCT host, process FROM events WHERE type NOT IN " + NOT_A_PROCESS + " AND at_ms <= ?" + hostFilter()
          + " UNION SELECT DISTINCT host, process FROM snapshots WHERE at_ms <= ?" + hostFilter() + " ORDER BY 1, 2";
      try (PreparedStatement p = connection.prepareStatement(sql)) {
        p.setLong(1, upTo);
        int i = bindHost(p, 2);
        p.setLong(i, upTo);
        bindHost(p, i + 1);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            keys.add(new String[] {r.getString(1), r.getString(2)});
          }
        }
      }
      return keys;
    }
    try (PreparedStatement firstHost = connection.prepareStatement(smallest("host", "1 = 1"));
        PreparedStatement nextHost = connection.prepareStatement(smallest("host", "host > ?"));
        PreparedStatement firstProcess = connection.prepareStatement(smallest("process", "host = ?"));
        PreparedStatement nextProcess = connection.prepareStatement(smallest("process", "host = ? AND process > ?"));
        PreparedStatement isProcess = connection.prepareStatement("SELECT 1 FROM events WHERE host = ? AND process = ? AND at_ms <= ?"
            + " AND type NOT IN " + NOT_A_PROCESS + " LIMIT 1");
        PreparedStatement hasSnapshot = connection.prepareStatement("SELECT 1 FROM snapshots WHERE host = ? AND process = ? AND at_ms <= ?"
            + " LIMIT 1")) {
      String h = host != null ? host : smallest(firstHost);
      while (h != null) {
        bind(firstProcess, h);
        String process = smallest(firstProcess);
        while (process != null) {
          String[] pair = {h, process};
          if (exists(isProcess, pair, upTo) || exists(hasSnapshot, pair, upTo)) {
            keys.add(pair);
          }
          bind(nextProcess, h, process);
          process = smallest(nextProcess);
        }
        if (host != null) {
          break;
        }
        bind(nextHost, h);
        h = smallest(nextHost);
      }
      return keys;
    }
  }

  /**
   * The smallest {@code column} of events or snapshots meeting {@code where}, in the database's order: each table's is one
   * step of its (host, process, at_ms) index (a row-value range {@code (host, process) > (?, ?)} is not, on SQLite: it
   * seeks on the host and reads on from there, 3 to 6 ms a step). Its parameters are given once for each table.
   */
  private static String smallest(String column, String where) {
    return "SELECT " + column + " FROM (SELECT " + column + " FROM (SELECT " + column + " FROM events WHERE " + where + " ORDER BY " + column
        + " LIMIT 1) e UNION ALL SELECT " + column + " FROM (SELECT " + column + " FROM snapshots WHERE " + where + " ORDER BY " + column
        + " LIMIT 1) s) n ORDER BY " + column + " LIMIT 1";
  }

  private static void bind(PreparedStatement p, String... values) throws SQLException {
    for (int table = 0; table < 2; table++) {
      for (int i = 0; i < values.length; i++) {
        p.setString(table * values.length + i + 1, values[i]);
      }
    }
  }

  private static @Nullable String smallest(PreparedStatement p) throws SQLException {
    try (ResultSet r = p.executeQuery()) {
      return r.next() ? r.getString(1) : null;
    }
  }

  private static boolean exists(PreparedStatement p, String[] pair, long upTo) throws SQLException {
    p.setString(1, pair[0]);
    p.setString(2, pair[1]);
    p.setLong(3, upTo);
    try (ResultSet r = p.executeQuery()) {
      return r.next();
    }
  }

  /** How many of an attachment's events {@link #attachedPid} reads a query; most answers are in the first few. */
  static final int ATTACHED_PID_PAGE = 64;

  /**
   * The newest pid an attachment found and has not lost since (its AttachedFound, AttachedLost and AttachedHandedOver
   * events, the last naming the pid handed over from), or null, by its
   * events stamped at or before {@code upTo}; a Detached forgets what it found before, and so does an Attached: a new
   * attachment (a new gateway JVM's, after one killed without its Detached) starts with nothing found, and a pid an
   * earlier JVM found and never said it lost is not one it watches.
   *
   * <p>Read newest first, from {@code upTo} back on the (host, process, type, at_ms) index (schema version 4), each type's
   * events merged, {@link #ATTACHED_PID_PAGE} events a query, until the answer: the first AttachedFound (going back) of a
   * pid not lost after it, which is the newest of the pids it found and has not lost; or null at the first Detached,
   * Attached or the journal's start. It read every such event of the process since the journal began, oldest first, once per running
   * attachment per status: on months of an attachment's events, a scan of them all
   * ({@code bench/results/journal-status.md}). The answer is the same
   * ({@code AttachedPidTest}, the old reading as its oracle).
   */
  @Nullable Long attachedPid(String h, String process, long upTo) throws SQLException {
    java.util.Set<Long> lostLater = new java.util.HashSet<>();
    // the keyset of the next page: rows before (atMs, id) in (at_ms, id) order; first, every row at or before upTo
    long atMs = upTo;
    long id = Long.MAX_VALUE;
    // each type's page a range of events_host_process_type_at (version 4), merged: type IN (...) read back over every event
    // of the process on events_host_process_at
    // a hand-over (a daemon's first process exited, leaving the daemon, found on its own) loses the pid its row holds
    List<String> types = List.of("AttachedFound", "AttachedLost", "AttachedHandedOver", "Detached", "Attached");
    StringBuilder sql = new StringBuilder("SELECT type, pid, at_ms, id FROM (");
    for (int t = 0; t < types.size(); t++) {
      sql.append(t > 0 ? " UNION ALL " : "").append("SELECT * FROM (SELECT type, pid, at_ms, id FROM events WHERE host = ? AND process = ?"
          + " AND type = ? AND at_ms <= ? AND (at_ms < ? OR id < ?) ORDER BY at_ms DESC, id DESC LIMIT " + ATTACHED_PID_PAGE + ") t" + t);
    }
    sql.append(") page ORDER BY at_ms DESC, id DESC LIMIT " + ATTACHED_PID_PAGE);
    try (PreparedStatement p = connection.prepareStatement(sql.toString())) {
      while (true) {
        int i = 1;
        for (String type : types) {
          p.setString(i++, h);
          p.setString(i++, process);
          p.setString(i++, type);
          p.setLong(i++, atMs);
          p.setLong(i++, atMs);
          p.setLong(i++, id);
        }
        int read = 0;
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            read++;
            long pid = r.getLong(2); // 0 where null: a lost row without a pid forgets pid 0, as the oldest-first reading did
            boolean none = r.wasNull();
            atMs = r.getLong(3);
            id = r.getLong(4);
            switch (r.getString(1)) {
              case "AttachedFound" -> {
                if (!none && !lostLater.contains(pid)) {
                  return pid; // its last found or lost row, and the newest such found one
                }
              }
              case "AttachedLost", "AttachedHandedOver" -> lostLater.add(pid);
              default -> {
                return null; // detached, or attached anew: what it found before is no longer watched
              }
            }
          }
        }
        if (read < ATTACHED_PID_PAGE) {
          return null; // the journal's first such event read
        }
      }
    }
  }

  /** The last event of {@code process} on {@code h} (of {@code type}, or any) stamped at or before {@code upTo}, or null. */
  private @Nullable JournalEvent lastEvent(String h, String process, @Nullable String type, long upTo) throws SQLException {
    // of a type: a step of events_host_process_type_at (version 4); a journal of an older version reads back over the
    // process's events on events_host_process_at to the first of that type
    String sql = "SELECT " + EVENT_COLUMNS + " FROM events WHERE host = ? AND process = ?" + (type != null ? " AND type = ?" : "")
        + " AND at_ms <= ? ORDER BY at_ms DESC, id DESC LIMIT 1";
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      int i = 1;
      p.setString(i++, h);
      p.setString(i++, process);
      if (type != null) {
        p.setString(i++, type);
      }
      p.setLong(i, upTo);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? event(r) : null;
      }
    }
  }

  /** The restart report of {@code process} over {@code [from, to)}; see {@link RestartReport} for the definitions. */
  public RestartReport restarts(String process, Instant from, Instant to, ZoneId zone, TradeCalendar calendar) throws SQLException {
    return restarts(process, from, to, false, zone, calendar);
  }

  /**
   * The restart report of {@code process} over the {@code period} up to and including {@code to} (now, for a person
   * asking about the last 7 days): a restart stamped at {@code to} is in it, one stamped exactly {@code period} before
   * it is not, so that periods one after the other hold each restart once. Its {@link RestartReport#from() from} is
   * {@code to} less the period (left out), its {@link RestartReport#to() to} {@code to} (included), and a downtime not
   * over by then ends there. The journal stamps in milliseconds: {@code to} is read to the millisecond. See
   * {@link RestartReport} for the definitions.
   *
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  public RestartReport restartsUpTo(String process, Instant to, Duration period, ZoneId zone, TradeCalendar calendar)
      throws SQLException {
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
    Instant end = to.truncatedTo(ChronoUnit.MILLIS);
    return restarts(process, end.minus(period), end, true, zone, calendar);
  }

  private RestartReport restarts(String process, Instant from, Instant to, boolean toIncluded, ZoneId zone, TradeCalendar calendar)
      throws SQLException {
    // where each host left the process before the period: a JVM killed long after the process got to RUNNING restarts it
    // inside the period (SUPERVISOR_ENDED), which only that earlier state tells
    List<JournalEvent> events = new ArrayList<>(lastStatesBefore(process, from));
    // events up to a day after the period complete the recovery times of its last restarts
    events.addAll(events(process, from, to.plus(Duration.ofDays(1)), Integer.MAX_VALUE));
    // when each registration's JVM before it was last heard of: its last row, a status snapshot included
    java.util.Map<Long, Instant> heard = new java.util.HashMap<>();
    for (JournalEvent e : events) {
      if (e.type().equals("Registered")) {
        lastHeardOf(e.host(), process, Instant.EPOCH, e.at()).ifPresent(t -> heard.put(e.id(), t));
      }
    }
    // a group's stop of the process names the child whose end it answers: that child's last exit before it says how it
    // ended (crashed, by which signal), one indexed step each (the group's restarts are few beside the events)
    java.util.Map<Long, JournalEvent> childExits = new java.util.HashMap<>();
    for (JournalEvent e : events) {
      RestartAnalysis.GroupCommand gc = RestartAnalysis.groupCommand(e);
      if (gc != null && "STOP".equals(e.command()) && gc.child() != null && !gc.child().equals(process)) {
        JournalEvent exit = lastExitBefore(e.host(), gc.child(), e);
        if (exit != null) {
          childExits.put(e.id(), exit);
        }
      }
      // a restart because a dependency ended: that dependency's last exit before it says how it ended, in the same way
      String dependency = RestartAnalysis.dependencyRestart(e);
      if (dependency != null && !dependency.equals(process)) {
        JournalEvent exit = lastExitBefore(e.host(), dependency, e);
        if (exit != null) {
          childExits.put(e.id(), exit);
        }
      }
    }
    return RestartAnalysis.restarts(process, from, to, toIncluded, events, zone, calendar, heard, childExits);
  }

  /**
   * The last {@code Exited} of {@code process} on {@code h} stamped at or before {@code e}, or null: one step of
   * events_host_process_type_at (version 4). Not by the journal's ids: two processes' events may reach it in another
   * order than they happened in.
   */
  private @Nullable JournalEvent lastExitBefore(String h, String process, JournalEvent e) throws SQLException {
    String sql = "SELECT " + EVENT_COLUMNS + " FROM events WHERE host = ? AND process = ? AND type = 'Exited' AND at_ms <= ?"
        + " ORDER BY at_ms DESC, id DESC LIMIT 1";
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, h);
      p.setString(2, process);
      p.setLong(3, e.at().toEpochMilli());
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? event(r) : null;
      }
    }
  }

  /**
   * Every registration of {@code process} before {@code to} (its {@code Registered} events: one per supervising JVM
   * that registered it, each numbering its runs from 1), oldest first.
   */
  public List<JournalEvent> registrations(String process, Instant to) throws SQLException {
    String sql = "SELECT " + EVENT_COLUMNS + " FROM events WHERE process = ? AND type = 'Registered' AND at_ms < ?" + hostFilter()
        + " ORDER BY at_ms, id";
    List<JournalEvent> out = new ArrayList<>();
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, process);
      p.setLong(2, to.toEpochMilli());
      bindHost(p, 3);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(event(r));
        }
      }
    }
    return out;
  }

  /**
   * When the journal last heard of {@code process} on {@code host} in {@code [from, before)}: the time of its last row
   * there, an event or a status snapshot; empty when it has none. Of a run whose supervising JVM was killed, this is
   * the last sign of it (the journal hears no end of such a run).
   */
  public Optional<Instant> lastHeardOf(String host, String process, Instant from, Instant before) throws SQLException {
    String sql = "SELECT MAX(at_ms) FROM (SELECT MAX(at_ms) AS at_ms FROM events WHERE host = ? AND process = ? AND at_ms >= ? AND at_ms < ?"
        + " UNION ALL SELECT MAX(at_ms) AS at_ms FROM snapshots WHERE host = ? AND process = ? AND at_ms >= ? AND at_ms < ?) heard";
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      for (int i = 0; i < 2; i++) {
        p.setString(4 * i + 1, host);
        p.setString(4 * i + 2, process);
        p.setLong(4 * i + 3, from.toEpochMilli());
        p.setLong(4 * i + 4, before.toEpochMilli());
      }
      try (ResultSet r = p.executeQuery()) {
        Long at = r.next() ? longOrNull(r, 1) : null;
        return at == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
      }
    }
  }

  /**
   * Per host, the last state change, registration or removal of {@code process} before {@code t}, in the order the
   * analysis reads events (time, then id), oldest first. One query per host, the last of each of the three types a step
   * of the (host, process, type, at_ms) index (schema version 4): {@code status} asks it of every process, and the journal
   * holds months of events (it took the one with the greatest id of all the process's events before {@code t}, a scan of
   * them all: 35 ms a process of 20,000 events on SQLite; then read back on the (host, process, at_ms) index to the first
   * such event, which for an attachment, with none, was a read of all its events again).
   */
  private List<JournalEvent> lastStatesBefore(String process, Instant t) throws SQLException {
    List<JournalEvent> out = new ArrayList<>();
    // the last of each type, the newest of the three taken: each a step of events_host_process_type_at (version 4), where
    // type IN (...) read back over every event of the process on events_host_process_at to the first of them
    String sql = "SELECT " + EVENT_COLUMNS + " FROM (" + lastOfType() + " UNION ALL " + lastOfType() + " UNION ALL " + lastOfType()
        + ") lt ORDER BY at_ms DESC, id DESC LIMIT 1";
    for (String h : host != null ? List.of(host) : eventHosts()) {
      try (PreparedStatement p = connection.prepareStatement(sql)) {
        int i = 1;
        for (String type : List.of("StateChanged", "Registered", "Removed")) {
          p.setString(i++, h);
          p.setString(i++, process);
          p.setString(i++, type);
          p.setLong(i++, t.toEpochMilli());
        }
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) {
            out.add(event(r));
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparing(JournalEvent::at).thenComparingLong(JournalEvent::id));
    return out;
  }

  /**
   * A subquery: the last event of a (host, process, type) stamped before a time, its parameters in that order; one step of
   * events_host_process_type_at.
   */
  private static String lastOfType() {
    return "SELECT * FROM (SELECT " + EVENT_COLUMNS + " FROM events WHERE host = ? AND process = ? AND type = ? AND at_ms < ?"
        + " ORDER BY at_ms DESC, id DESC LIMIT 1) t";
  }

  /** The hosts with any event, sorted: one step of the (host, ...) index per host, not a scan of the events. */
  private List<String> eventHosts() throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement first = connection.prepareStatement("SELECT host FROM events ORDER BY host LIMIT 1");
        PreparedStatement next = connection.prepareStatement("SELECT host FROM events WHERE host > ? ORDER BY host LIMIT 1")) {
      PreparedStatement p = first;
      while (true) {
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            return out;
          }
          out.add(r.getString(1));
        }
        next.setString(1, out.get(out.size() - 1));
        p = next;
      }
    }
  }

  /**
   * The report of the last crash of {@code process} before {@code now}, or empty when the journal has none. A crash is a
   * run that ended in failure; not one its trading supervision recorded outside the process's window (an {@code
   * OutsideWindow} row beside its {@code Exited}: ended after the close, not by the supervisor), as the trade day's
   * statistics and the alerts do not count it either. The supervisor's and an operator's stops through the API are no
   * failure ({@code KILLED_BY_SUPERVISOR}).
   */
  public Optional<CrashReport> lastCrash(String process, Instant now) throws SQLException {
    String sql = "SELECT at_ms, host, pid FROM events e WHERE process = ? AND type = 'Exited' AND exit_cause IN ('ERROR_EXIT', 'SIGNALED', "
        + "'START_FAILED', 'HEALTH_CHECK_FAILED', 'OOM_KILLED', 'RESOURCE_LIMIT') AND at_ms < ?" + hostFilter()
        + " AND NOT EXISTS (SELECT 1 FROM events o WHERE o.process = e.process AND o.host = e.host AND o.at_ms = e.at_ms"
        + " AND o.type = 'OutsideWindow' AND o.run = e.run) ORDER BY at_ms DESC, id DESC LIMIT 1";
    long at;
    String crashHost;
    Long pid;
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, process);
      p.setLong(2, now.toEpochMilli());
      bindHost(p, 3);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        at = r.getLong(1);
        crashHost = r.getString(2);
        pid = longOrNull(r, 3);
      }
    }
    Instant crash = Instant.ofEpochMilli(at);
    List<JournalEvent> events = events(process, crash, now.isAfter(crash) ? now : crash.plusMillis(1), 10_000);
    List<JournalSnapshot> before = pid == null ? List.of() : runSnapshots(process, crashHost, pid, crash.minus(Duration.ofHours(1)), crash.plusMillis(1), 5);
    return RestartAnalysis.lastCrash(process, events, before);
  }

  /**
   * The crashed run's snapshots in {@code [from, to)}, oldest first, at most {@code limit}: its host's, of its pid. Not
   * those of an earlier run (another JVM's included) nor of another host of a fleet, which the crash report showed as
   * its last samples.
   */
  private List<JournalSnapshot> runSnapshots(String process, String crashHost, long pid, Instant from, Instant to, int limit) throws SQLException {
    String sql = "SELECT " + SNAPSHOT_COLUMNS + " FROM snapshots WHERE process = ? AND host = ? AND pid = ? AND at_ms >= ? AND at_ms < ?"
        + " ORDER BY at_ms DESC, id DESC LIMIT ?";
    List<JournalSnapshot> out = new ArrayList<>();
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, process);
      p.setString(2, crashHost);
      p.setLong(3, pid);
      p.setLong(4, from.toEpochMilli());
      p.setLong(5, to.toEpochMilli());
      p.setInt(6, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(snapshot(r));
        }
      }
    }
    Collections.reverse(out);
    return out;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  private static JournalEvent event(ResultSet r) throws SQLException {
    Long core = longOrNull(r, 18);
    Double value = doubleOrNull(r, 25);
    Double limit = doubleOrNull(r, 26);
    return new JournalEvent(r.getLong(1), r.getString(2), r.getString(3), Instant.ofEpochMilli(r.getLong(4)), r.getString(5), intOrNull(r, 6),
        longOrNull(r, 7), r.getString(8), r.getString(9), r.getString(10), r.getString(11), r.getString(12), r.getString(13), r.getString(14),
        intOrNull(r, 15), intOrNull(r, 16), r.getString(17), core == null ? null : core != 0, longOrNull(r, 19), longOrNull(r, 20),
        longOrNull(r, 21), intOrNull(r, 22), longOrNull(r, 23), r.getString(24), value, limit, r.getString(27), r.getString(28));
  }

  private static JournalSnapshot snapshot(ResultSet r) throws SQLException {
    Long uptime = longOrNull(r, 9);
    Long started = longOrNull(r, 10);
    return new JournalSnapshot(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)), r.getString(4), longOrNull(r, 5),
        doubleOrNull(r, 6), longOrNull(r, 7), doubleOrNull(r, 8), uptime == null ? null : Duration.ofMillis(uptime),
        started == null ? null : Instant.ofEpochMilli(started), intOrNull(r, 11), r.getString(12), r.getString(13), doubleOrNull(r, 14),
        r.getString(15));
  }

  private static @Nullable Long longOrNull(ResultSet r, int i) throws SQLException {
    long v = r.getLong(i);
    return r.wasNull() ? null : v;
  }

  private static @Nullable Integer intOrNull(ResultSet r, int i) throws SQLException {
    int v = r.getInt(i);
    return r.wasNull() ? null : v;
  }

  private static @Nullable Double doubleOrNull(ResultSet r, int i) throws SQLException {
    double v = r.getDouble(i);
    return r.wasNull() ? null : v;
  }
}
