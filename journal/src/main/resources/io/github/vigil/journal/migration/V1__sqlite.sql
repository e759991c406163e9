-- Version 1 (SQLite): events, runs and status snapshots. Times are epoch milliseconds (UTC).
CREATE TABLE events (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  host               TEXT    NOT NULL,
  process            TEXT    NOT NULL,
  at_ms              INTEGER NOT NULL,
  type               TEXT    NOT NULL,
  run                INTEGER,
  pid                INTEGER,
  command            TEXT,
  origin             TEXT,
  actor              TEXT,
  from_state         TEXT,
  to_state           TEXT,
  reason             TEXT,
  exit_cause         TEXT,
  exit_code          INTEGER,
  signal             INTEGER,
  signal_name        TEXT,
  core_dumped        INTEGER,
  run_ms             INTEGER,
  memory_bytes       INTEGER,
  memory_limit_bytes INTEGER,
  attempt            INTEGER,
  delay_ms           INTEGER,
  metric             TEXT,
  metric_value       REAL,
  metric_limit       REAL,
  stderr_tail        TEXT,
  core_path          TEXT
);
CREATE INDEX events_process_at ON events (process, at_ms);
CREATE INDEX events_at ON events (at_ms);
CREATE INDEX events_host_process_at ON events (host, process, at_ms);

CREATE TABLE runs (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  host               TEXT    NOT NULL,
  process            TEXT    NOT NULL,
  run                INTEGER NOT NULL,
  pid                INTEGER NOT NULL,
  started_ms         INTEGER NOT NULL,
  ended_ms           INTEGER,
  exit_cause         TEXT,
  termination        TEXT,
  exit_code          INTEGER,
  signal             INTEGER,
  core_dumped        INTEGER,
  run_ms             INTEGER,
  message            TEXT,
  memory_bytes       INTEGER,
  memory_limit_bytes INTEGER,
  recovery_ms        INTEGER,
  stderr_tail        TEXT
);
CREATE INDEX runs_process_started ON runs (process, started_ms);
CREATE INDEX runs_started ON runs (started_ms);
CREATE INDEX runs_open ON runs (host, process, run, ended_ms);

CREATE TABLE snapshots (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  host               TEXT    NOT NULL,
  process            TEXT    NOT NULL,
  at_ms              INTEGER NOT NULL,
  state              TEXT    NOT NULL,
  pid                INTEGER,
  cpu_percent        REAL,
  memory_bytes       INTEGER,
  memory_percent     REAL,
  uptime_ms          INTEGER,
  started_ms         INTEGER,
  restarts           INTEGER,
  health             TEXT,
  trade_day          TEXT,
  check_ms           REAL,
  error              TEXT
);
CREATE INDEX snapshots_process_at ON snapshots (process, at_ms);
CREATE INDEX snapshots_at ON snapshots (at_ms);
CREATE INDEX snapshots_trade_day_at ON snapshots (trade_day, at_ms);
