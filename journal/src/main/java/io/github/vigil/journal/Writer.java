package io.github.vigil.journal;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.Entry.EventRow;
import io.github.vigil.journal.Entry.SnapshotRow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded buffer and the one thread that writes it to the database in batches. Producers never
 * block: {@link #offer} takes a lock held only for a deque operation. While the database is unreachable
 * the batch in hand is kept and retried, and the buffer fills; when it is full an event pushes out the
 * oldest snapshot, and a snapshot is dropped. Internal.
 */
final class Writer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Writer.class);

  static final String INSERT_EVENT = "INSERT INTO events (host, process, at_ms, type, run, pid, command, origin, actor, from_state, "
      + "to_state, reason, exit_cause, exit_code, signal, signal_name, core_dumped, run_ms, memory_bytes, memory_limit_bytes, attempt, "
      + "delay_ms, metric, metric_value, metric_limit, stderr_tail, core_path, diagnosis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static final String INSERT_SNAPSHOT = "INSERT INTO snapshots (host, process, at_ms, state, pid, cpu_percent, memory_bytes, "
      + "memory_percent, uptime_ms, started_ms, restarts, health, trade_day, check_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_RUN = "INSERT INTO runs (host, process, run, pid, started_ms) VALUES (?, ?, ?, ?, ?)";
  private static final String CLOSE_LEFT_OPEN = "UPDATE runs SET exit_cause = 'UNKNOWN', "
      + "message = 'the journal did not hear this run end (the supervisor''s JVM stopped)' WHERE host = ? AND process = ? AND ended_ms IS NULL "
      + "AND exit_cause IS NULL";
  private static final String END_RUN = "UPDATE runs SET ended_ms = ?, exit_cause = ?, termination = ?, exit_code = ?, signal = ?, "
      + "core_dumped = ?, run_ms = ?, message = ?, memory_bytes = ?, memory_limit_bytes = ?, stderr_tail = ? "
      + "WHERE host = ? AND process = ? AND run = ? AND started_ms = ? AND ended_ms IS NULL";
  private static final String INSERT_ENDED_RUN = "INSERT INTO runs (host, process, run, pid, started_ms, ended_ms, exit_cause, termination, "
      + "exit_code, signal, core_dumped, run_ms, message, memory_bytes, memory_limit_bytes, stderr_tail) "
      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String RECOVERED = "UPDATE runs SET recovery_ms = ? WHERE host = ? AND process = ? AND run = ? AND started_ms = ?";

  private final String url;
  private final Properties connectionProperties;
  private final Dialect dialect;
  private final String host;
  private final int capacity;
  private final int maxBatch;
  private final Duration batchInterval;
  private final Duration retryDelay;
  private final Retention retention;
  private final InstantSource clock;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Condition settled = lock.newCondition();
  private final ArrayDeque<EventRow> events = new ArrayDeque<>();
  private final ArrayDeque<SnapshotRow> snapshots = new ArrayDeque<>();
  private final List<Entry> inHand = new ArrayList<>();
  private boolean closing;
  private boolean flushAsked;
  private boolean stopped;
  // counters, guarded by lock
  private long eventsWritten;
  private long snapshotsWritten;
  private long snapshotsDropped;
  private long eventsDropped;
  private long writeFailures;
  private long rowsDeleted;
  private boolean reachable = true;
  private long droppedSinceLog;
  private boolean dropsSaid; // the buffer's first drop of this outage was logged
  private String lastFailure = "unreachable"; // why the last write failed, for the close's last word
  // events dropped and not yet said in the journal itself: process -> {first at, last at, count}
  private final java.util.Map<String, long[]> gaps = new java.util.LinkedHashMap<>();

  private @Nullable Connection connection;
  // the SQLite file, checked before each batch: removed while open, it takes what is written to it along (writer thread only)
  private final java.nio.file.@Nullable Path sqliteFile;
  private int lastBatchSize; // writer thread only
  private long nextCleanupMs;
  private final Thread thread;

  Writer(String url, Properties connectionProperties, String host, int capacity, int maxBatch, Duration batchInterval, Duration retryDelay,
      Retention retention, InstantSource clock) {
    this.url = url;
    this.connectionProperties = connectionProperties;
    this.dialect = Dialect.of(url);
    this.host = host;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.batchInterval = batchInterval;
    this.retryDelay = retryDelay;
    this.retention = retention;
    this.clock = clock;
    this.sqliteFile = JournalReader.sqliteFile(url);
    this.thread = new Thread(this, "vigil-journal-writer");
    thread.setDaemon(true);
  }

  /** Opens the database and migrates its schema, on the caller's thread, then starts the writer thread. */
  void start() throws SQLException {
    Connection c = connect();
    try {
      Migrations.migrate(c, dialect);
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
    connection = c;
    thread.start();
  }

  Connection connect() throws SQLException {
    Properties props = connectionProperties;
    if (dialect == Dialect.POSTGRESQL && !url.contains("reWriteBatchedInserts") && !props.containsKey("reWriteBatchedInserts")) {
      props = new Properties();
      props.putAll(connectionProperties);
      props.setProperty("reWriteBatchedInserts", "true"); // a batch of inserts in one statement: one round trip
    }
    Connection c = DriverManager.getConnection(url, props);
    if (dialect == Dialect.SQLITE) {
      try (Statement s = c.createStatement()) {
        // readers (the CLI) read while the gateway writes; NORMAL is durable against a killed process
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA busy_timeout=5000");
      }
    }
    return c;
  }

  /** Buffers an event; false when it was dropped (the buffer is full of events). Never blocks long. */
  boolean offer(EventRow e) {
    lock.lock();
    try {
      if (closing && stopped) {
        eventsDropped++;
        return false;
      }
      if (size() >= capacity) {
        if (!snapshots.isEmpty()) {
          snapshots.pollFirst();
          snapshotsDropped++;
          droppedSinceLog++;
        } else {
          eventsDropped++;
          droppedSinceLog++;
          gap(e);
          return false;
        }
      }
      events.addLast(e);
      if (!gaps.isEmpty() && size() + gaps.size() <= capacity) {
        writeGaps();
      }
      if (events.size() >= maxBatch) {
        wake.signal();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Remembers a dropped event, so that the journal says what it lacks once there is room. Under the lock. */
  private void gap(EventRow e) {
    long[] g = gaps.computeIfAbsent(e.process, p -> new long[] {e.atMs, e.atMs, 0});
    g[0] = Math.min(g[0], e.atMs);
    g[1] = Math.max(g[1], e.atMs);
    g[2]++;
  }

  /**
   * An {@code EventsDropped} row per process whose events were dropped, so that the record says where it has holes
   * (the dropped were counted and logged, but the journal read as if nothing had happened). Under the lock.
   */
  private void writeGaps() {
    gaps.forEach((process, g) -> {
      EventRow r = new EventRow();
      r.host = host;
      r.process = process;
      r.atMs = g[1];
      r.type = "EventsDropped";
      r.metric = "events_dropped";
      r.metricValue = (double) g[2];
      r.reason = io.github.vigil.HumanFormat.count(g[2], "event", "events") + " of " + process + " dropped between " + java.time.Instant.ofEpochMilli(g[0]) + " and "
          + java.time.Instant.ofEpochMilli(g[1]) + ": the journal's buffer was full (its database unreachable or slow), so what "
          + "happened then is missing here";
      events.addLast(r);
    });
    gaps.clear();
  }

  /** Buffers a snapshot; false when it was dropped because the buffer is full. */
  boolean offer(SnapshotRow s) {
    lock.lock();
    try {
      if (size() >= capacity || (closing && stopped)) {
        snapshotsDropped++;
        droppedSinceLog++;
        return false;
      }
      snapshots.addLast(s);
      return true;
    } finally {
      lock.unlock();
    }
  }

  private int size() {
    return events.size() + snapshots.size() + inHand.size();
  }

  /** Asks for an immediate write and waits until everything buffered before is written; false on timeout. */
  boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      flushAsked = true;
      wake.signal();
      while (size() > 0 && !stopped) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        settled.awaitNanos(left);
      }
      return size() == 0;
    } finally {
      lock.unlock();
    }
  }

  JournalStats stats() {
    lock.lock();
    try {
      return new JournalStats(eventsWritten, snapshotsWritten, snapshotsDropped, eventsDropped, size(), writeFailures, rowsDeleted, reachable);
    } finally {
      lock.unlock();
    }
  }

  /** Writes what is buffered (for at most {@code timeout} while the database is down), then ends the thread. */
  void close(Duration timeout) {
    lock.lock();
    try {
      closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
      closing = true;
      if (!gaps.isEmpty()) {
        writeGaps(); // the last word: what this journal lacks, past the capacity if need be
      }
      wake.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(timeout.toMillis() + retryDelay.toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    JournalStats s = stats();
    String failure;
    long unsaid;
    lock.lock();
    try {
      failure = lastFailure;
      unsaid = droppedSinceLog;
    } finally {
      lock.unlock();
    }
    if (s.buffered() > 0 || unsaid > 0) {
      // the last word on what this journal lacks: entries still buffered, and what was dropped while it could not write
      log.warn("Journal closed with {} entries not written and {} events and {} snapshots dropped in all (database {} {})", s.buffered(),
          s.eventsDropped(), s.snapshotsDropped(), redact(url), failure);
    }
  }

  private long closeDeadlineNanos = Long.MAX_VALUE; // guarded by lock

  @Override
  public void run() {
    try {
      cleanupIfDue();
      while (true) {
        boolean idle = false;
        lock.lock();
        try {
          if (inHand.isEmpty()) {
            long waitNanos = batchInterval.toNanos();
            long until = System.nanoTime() + waitNanos;
            while (!closing && !flushAsked && events.size() < maxBatch) {
              long left = until - System.nanoTime();
              if (left <= 0) {
                break;
              }
              wake.awaitNanos(left);
            }
            flushAsked = false;
            while (inHand.size() < maxBatch && !events.isEmpty()) {
              inHand.add(events.pollFirst());
            }
            while (inHand.size() < maxBatch && !snapshots.isEmpty()) {
              inHand.add(snapshots.pollFirst());
            }
          }
          if (inHand.isEmpty()) {
            settled.signalAll();
            if (closing) {
              return;
            }
            idle = true;
          }
          if (closing && System.nanoTime() > closeDeadlineNanos) {
            return;
          }
        } finally {
          lock.unlock();
        }
        if (idle) {
          cleanupIfDue(); // retention runs even when nothing is written
          continue;
        }
        List<Entry> batch = List.copyOf(inHand);
        boolean ok = write(batch);
        lock.lock();
        try {
          if (ok) {
            inHand.clear();
            for (Entry e : batch) {
              if (e instanceof EventRow) {
                eventsWritten++;
              } else {
                snapshotsWritten++;
              }
            }
            settled.signalAll();
          }
        } finally {
          lock.unlock();
        }
        if (ok) {
          cleanupIfDue();
        } else {
          lock.lock();
          try {
            wake.await(retryDelay.toNanos(), TimeUnit.NANOSECONDS);
          } finally {
            lock.unlock();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.lock();
      try {
        stopped = true;
        settled.signalAll();
      } finally {
        lock.unlock();
      }
      if (connection != null) {
        closeQuietly(connection);
        connection = null;
      }
    }
  }

  /** Writes one batch in one transaction; false (and the connection dropped) when it failed. */
  private boolean write(List<Entry> batch) {
    try {
      Connection c = connection;
      if (c != null && sqliteFileGone()) {
        // removed while open (its directory cleaned up): SQLite would go on writing into the unlinked file, whose
        // contents are gone once it is closed, saying nothing
        log.warn("Journal database file {} was removed while the journal had it open: making a new one and writing on; what the "
            + "removed file held is gone with it, and so may be the last batch written to it ({} entries)", sqliteFile, lastBatchSize);
        closeQuietly(c);
        connection = null;
        c = null;
      }
      if (c == null) {
        c = reconnect();
        connection = c;
      }
      c.setAutoCommit(false);
      try (PreparedStatement ev = c.prepareStatement(INSERT_EVENT); PreparedStatement sn = c.prepareStatement(INSERT_SNAPSHOT);
          RunStatements runs = new RunStatements(c)) {
        int nev = 0;
        int nsn = 0;
        List<EventRow> ops = new ArrayList<>();
        for (Entry e : batch) {
          if (e instanceof EventRow r) {
            bindEvent(ev, r);
            ev.addBatch();
            nev++;
            if (r.runOp != Entry.RunOp.NONE) {
              ops.add(r);
            }
          } else if (e instanceof SnapshotRow s) {
            bindSnapshot(sn, s);
            sn.addBatch();
            nsn++;
          }
        }
        if (nev > 0) {
          ev.executeBatch();
        }
        runOps(runs, ops);
        if (nsn > 0) {
          sn.executeBatch();
        }
      }
      c.commit();
      lastBatchSize = batch.size();
      markReachable(batch.size());
      return true;
    } catch (SQLException | RuntimeException e) {
      lock.lock();
      try {
        writeFailures++;
        String what = diskFull(e) ? "cannot be written, its disk is full" : "unreachable";
        lastFailure = what + " (" + brief(e) + ")";
        if (reachable) {
          reachable = false;
          log.warn("Journal database {} {} ({}); keeping up to {} entries in memory, snapshots dropped first", redact(url), what, brief(e),
              capacity);
        } else {
          log.debug("Journal database {} still {}: {}", redact(url), what, brief(e));
        }
        if (droppedSinceLog > 0 && !dropsSaid) {
          dropsSaid = true; // once per outage: the totals follow when the database is written again or the journal is closed
          log.warn("Journal buffer full ({} entries) while database {} {}: dropping snapshots first, then events; {} snapshots and {} "
              + "events dropped so far, the totals are logged when it is written again or the journal is closed", capacity, redact(url), what,
              snapshotsDropped, eventsDropped);
        }
      } finally {
        lock.unlock();
      }
      if (connection != null) {
        try {
          connection.rollback();
        } catch (SQLException ignored) {
          // the connection is broken; it is replaced below
        }
        closeQuietly(connection);
        connection = null;
      }
      return false;
    }
  }

  private void markReachable(int written) {
    lock.lock();
    try {
      if (!reachable) {
        reachable = true;
        log.info("Journal database {} reachable again; writing the {} entries buffered ({} snapshots dropped so far)", redact(url), size(),
            snapshotsDropped);
      }
      if (droppedSinceLog > 0) {
        log.warn("Journal buffer was full: {} snapshots and {} events dropped in all", snapshotsDropped, eventsDropped);
        droppedSinceLog = 0;
      }
      dropsSaid = false;
    } finally {
      lock.unlock();
    }
  }

  /** The runs table's statements, prepared once per batch. */
  private static final class RunStatements implements AutoCloseable {
    private final Connection c;
    private final PreparedStatement[] cache = new PreparedStatement[5];

    RunStatements(Connection c) {
      this.c = c;
    }

    PreparedStatement get(int i, String sql) throws SQLException {
      if (cache[i] == null) {
        cache[i] = c.prepareStatement(sql);
      }
      return cache[i];
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement p : cache) {
        if (p != null) {
          p.close();
        }
      }
    }
  }

  /**
   * The runs table's part of a batch, as four JDBC batches in an order that keeps each run's own order:
   * leftovers closed, starts inserted, ends updated (an end without a row inserted), recoveries set.
   */
  private static void runOps(RunStatements s, List<EventRow> ops) throws SQLException {
    List<EventRow> ends = new ArrayList<>();
    int starts = 0;
    int recoveries = 0;
    for (EventRow r : ops) {
      if (r.runOp == Entry.RunOp.START && r.closeLeftovers) {
        PreparedStatement close = s.get(0, CLOSE_LEFT_OPEN);
        close.setString(1, r.host);
        close.setString(2, r.process);
        close.executeUpdate();
      }
    }
    for (EventRow r : ops) {
      if (r.runOp == Entry.RunOp.START) {
        PreparedStatement p = s.get(1, INSERT_RUN);
        p.setString(1, r.host);
        p.setString(2, r.process);
        p.setInt(3, r.run == null ? 0 : r.run);
        p.setLong(4, r.pid == null ? -1 : r.pid);
        p.setLong(5, r.startedMs);
        p.addBatch();
        starts++;
      }
    }
    if (starts > 0) {
      s.get(1, INSERT_RUN).executeBatch();
    }
    for (EventRow r : ops) {
      if (r.runOp == Entry.RunOp.END) {
        PreparedStatement p = s.get(2, END_RUN);
        int i = bindEnd(p, 1, r);
        p.setString(i++, r.host);
        p.setString(i++, r.process);
        p.setInt(i++, r.run == null ? 0 : r.run);
        p.setLong(i, r.startedMs);
        p.addBatch();
        ends.add(r);
      }
    }
    if (!ends.isEmpty()) {
      int[] counts = s.get(2, END_RUN).executeBatch();
      int missing = 0;
      for (int k = 0; k < counts.length; k++) {
        if (counts[k] == 0) {
          EventRow r = ends.get(k);
          PreparedStatement q = s.get(3, INSERT_ENDED_RUN);
          q.setString(1, r.host);
          q.setString(2, r.process);
          q.setInt(3, r.run == null ? 0 : r.run);
          q.setLong(4, r.pid == null ? -1 : r.pid);
          q.setLong(5, r.startedMs);
          bindEnd(q, 6, r);
          q.addBatch();
          missing++;
        }
      }
      if (missing > 0) {
        s.get(3, INSERT_ENDED_RUN).executeBatch();
      }
    }
    for (EventRow r : ops) {
      if (r.runOp == Entry.RunOp.RECOVERED) {
        PreparedStatement p = s.get(4, RECOVERED);
        setLong(p, 1, r.recoveryMs);
        p.setString(2, r.host);
        p.setString(3, r.process);
        p.setInt(4, r.run == null ? 0 : r.run);
        p.setLong(5, r.startedMs);
        p.addBatch();
        recoveries++;
      }
    }
    if (recoveries > 0) {
      s.get(4, RECOVERED).executeBatch();
    }
  }

  private static int bindEnd(PreparedStatement p, int i, EventRow r) throws SQLException {
    p.setLong(i++, r.atMs);
    p.setString(i++, r.exitCause);
    p.setString(i++, r.termination);
    setInt(p, i++, r.exitCode);
    setInt(p, i++, r.signal);
    setInt(p, i++, r.coreDumped == null ? null : r.coreDumped ? 1 : 0);
    setLong(p, i++, r.runMs);
    p.setString(i++, r.reason);
    setLong(p, i++, r.memoryBytes);
    setLong(p, i++, r.memoryLimitBytes);
    p.setString(i++, r.stderrTail);
    return i;
  }

  static void bindEvent(PreparedStatement p, EventRow r) throws SQLException {
    int i = 1;
    p.setString(i++, r.host);
    p.setString(i++, r.process);
    p.setLong(i++, r.atMs);
    p.setString(i++, r.type);
    setInt(p, i++, r.run);
    setLong(p, i++, r.pid);
    p.setString(i++, r.command);
    p.setString(i++, r.origin);
    p.setString(i++, r.actor);
    p.setString(i++, r.fromState);
    p.setString(i++, r.toState);
    p.setString(i++, r.reason);
    p.setString(i++, r.exitCause);
    setInt(p, i++, r.exitCode);
    setInt(p, i++, r.signal);
    p.setString(i++, r.signalName);
    setInt(p, i++, r.coreDumped == null ? null : r.coreDumped ? 1 : 0);
    setLong(p, i++, r.runMs);
    setLong(p, i++, r.memoryBytes);
    setLong(p, i++, r.memoryLimitBytes);
    setInt(p, i++, r.attempt);
    setLong(p, i++, r.delayMs);
    p.setString(i++, r.metric);
    setDouble(p, i++, r.metricValue);
    setDouble(p, i++, r.metricLimit);
    p.setString(i++, r.stderrTail);
    p.setString(i++, r.corePath);
    p.setString(i, r.diagnosis);
  }

  static void bindSnapshot(PreparedStatement p, SnapshotRow s) throws SQLException {
    int i = 1;
    p.setString(i++, s.host);
    p.setString(i++, s.process);
    p.setLong(i++, s.atMs);
    p.setString(i++, s.state);
    setLong(p, i++, s.pid);
    setDouble(p, i++, s.cpuPercent);
    setLong(p, i++, s.memoryBytes);
    setDouble(p, i++, s.memoryPercent);
    setLong(p, i++, s.uptimeMs);
    setLong(p, i++, s.startedMs);
    setInt(p, i++, s.restarts);
    p.setString(i++, s.health);
    p.setString(i++, s.tradeDay);
    setDouble(p, i++, s.checkMs);
    p.setString(i, s.error);
  }

  private static void setInt(PreparedStatement p, int i, @Nullable Integer v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.INTEGER);
    } else {
      p.setInt(i, v);
    }
  }

  private static void setLong(PreparedStatement p, int i, @Nullable Long v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.BIGINT);
    } else {
      p.setLong(i, v);
    }
  }

  private static void setDouble(PreparedStatement p, int i, @Nullable Double v) throws SQLException {
    if (v == null || v.isNaN()) {
      p.setNull(i, Types.DOUBLE);
    } else {
      p.setDouble(i, v);
    }
  }

  /** Deletes rows older than their table's retention, when due; a failure waits for the next time. */
  private void cleanupIfDue() {
    long now = clock.millis();
    if (now < nextCleanupMs) {
      return;
    }
    nextCleanupMs = now + retention.cleanupEvery().toMillis();
    try {
      long n = deleteOlderThan(now);
      lock.lock();
      try {
        rowsDeleted += n;
      } finally {
        lock.unlock();
      }
    } catch (SQLException e) {
      log.warn("Journal retention cleanup failed, next try in {}: {}", HumanFormat.duration(retention.cleanupEvery()), e.toString());
      if (connection != null) {
        closeQuietly(connection);
        connection = null;
      }
    }
  }

  /**
   * Connects again after a failure. A SQLite file gets its directory made again where that was removed, and its schema
   * checked (migrated into a new file): a file removed while the journal ran is made again, not left empty.
   */
  private Connection reconnect() throws SQLException {
    if (sqliteFileGone()) {
      try {
        java.nio.file.Files.createDirectories(sqliteFile.toAbsolutePath().getParent());
      } catch (java.io.IOException e) {
        throw new SQLException("cannot make the directory of " + sqliteFile + ": " + e, e);
      }
    }
    Connection c = connect();
    if (sqliteFile != null) {
      try {
        Migrations.migrate(c, dialect);
      } catch (SQLException e) {
        closeQuietly(c);
        throw e;
      }
    }
    return c;
  }

  /** Deletes, per table, this host's rows older than its retention before {@code nowMs}; returns how many. */
  long deleteOlderThan(long nowMs) throws SQLException {
    Connection c = connection;
    if (c == null) {
      c = reconnect();
      connection = c;
    }
    c.setAutoCommit(true);
    long n = 0;
    n += delete(c, "DELETE FROM events WHERE host = ? AND at_ms < ?", nowMs - retention.events().toMillis());
    n += delete(c, "DELETE FROM runs WHERE host = ? AND started_ms < ?", nowMs - retention.runs().toMillis());
    n += delete(c, "DELETE FROM snapshots WHERE host = ? AND at_ms < ?", nowMs - retention.snapshots().toMillis());
    if (n > 0) {
      log.info("Journal retention deleted {} rows (older than: events {}, runs {}, snapshots {})", n,
          HumanFormat.duration(retention.events()), HumanFormat.duration(retention.runs()),
          HumanFormat.duration(retention.snapshots()));
    }
    return n;
  }

  /**
   * An error in a line: a batch's failure (PostgreSQL's BatchUpdateException) quotes every statement of the batch
   * with its values, stderr tails and all, kilobytes in one log line; its cause says why in a sentence.
   */
  static String brief(Throwable e) {
    Throwable why = e instanceof java.sql.BatchUpdateException && e.getCause() != null ? e.getCause() : e;
    String text = why.toString();
    int nl = text.indexOf('\n');
    if (nl >= 0) {
      text = text.substring(0, nl);
    }
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private long delete(Connection c, String sql, long beforeMs) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, host);
      p.setLong(2, beforeMs);
      return p.executeUpdate();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing more to do with a broken connection
    }
  }

  /** Whether the journal is a SQLite file that is not there (removed, or its directory). */
  private boolean sqliteFileGone() {
    return sqliteFile != null && !java.nio.file.Files.exists(sqliteFile);
  }

  /**
   * Whether {@code e} says the database's disk is full: SQLite's {@code SQLITE_FULL}, PostgreSQL's {@code disk_full}
   * (SQLSTATE 53100), or the operating system's ENOSPC anywhere in its causes.
   */
  static boolean diskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException q && "53100".equals(q.getSQLState())) {
        return true;
      }
      String m = String.valueOf(t.getMessage());
      if (m.contains("SQLITE_FULL") || m.contains("disk is full") || m.contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  /** The URL without a password parameter, for logs. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
