-- Version 1 (PostgreSQL): events, runs and status snapshots. Times are epoch milliseconds (UTC).
CREATE TABLE events (
  id                 BIGSERIAL PRIMARY KEY,
  host               TEXT    NOT NULL,
  process            TEXT    NOT NULL,
  at_ms              BIGINT NOT NULL,
  type               TEXT    NOT NULL,
  run                BIGINT,
  pid                BIGINT,
  command            TEXT,
  origin             TEXT,
  actor              TEXT,
  from_state         TEXT,
  to_state           TEXT,
  reason             TEXT,
  exit_cause         TEXT,
  exit_code          BIGINT,
  signal             BIGINT,
  signal_name        TEXT,
  core_dumped        BIGINT,
  run_ms             BIGINT,
  memory_bytes       BIGINT,
  memory_limit_bytes BIGINT,
  attempt            BIGINT,
  delay_ms           BIGINT,
  metric             TEXT,
  metric_value       DOUBLE PRECISION,
  metric_limit       DOUBLE PRECISION,
  stderr_tail        TEXT,
  core_path          TEXT
);
CREATE INDEX events_process_at ON events (process, at_ms);
CREATE INDEX events_at ON events (at_ms);
CREATE INDEX events_host_process_at ON events (host, process, at_ms);

CREATE TABLE runs (
  id                 BIGSERIAL PRIMARY KEY,
  host               TEXT    NOT NULL,
  process            TEXT    NOT NULL,
  run                BIGINT NOT NULL,
  pid                BIGINT NOT NULL,
  started_ms         BIGINT NOT NULL,
  ended_ms           BIGINT,
  exit_cause         TEXT,
  termination        TEXT,
  exit_code          BIGINT,
  signal             BIGINT,
  core_dumped        BIGINT,
  run_ms             BIGINT,
  message            TEXT,
  memory_bytes       BIGINT,
  memory_limit_bytes BIGINT,
  recovery_ms        BIGINT,
  stderr_tail        TEXT
);
CREATE INDEX runs_process_started ON runs (process, started_ms);
CREATE INDEX runs_started ON runs (started_ms);
CREATE INDEX runs_open ON runs (host, process, run, ended_ms);

CREATE TABLE snapshots (
  id                 BIGSERIAL PRIMARY KEY,
  host               TEXT    NOT NULL,
  process            TEXT    NOT NULL,
  at_ms              BIGINT NOT NULL,
  state              TEXT    NOT NULL,
  pid                BIGINT,
  cpu_percent        DOUBLE PRECISION,
  memory_bytes       BIGINT,
  memory_percent     DOUBLE PRECISION,
  uptime_ms          BIGINT,
  started_ms         BIGINT,
  restarts           BIGINT,
  health             TEXT,
  trade_day          TEXT,
  check_ms           DOUBLE PRECISION,
  error              TEXT
);
CREATE INDEX snapshots_process_at ON snapshots (process, at_ms);
CREATE INDEX snapshots_at ON snapshots (at_ms);
CREATE INDEX snapshots_trade_day_at ON snapshots (trade_day, at_ms);
