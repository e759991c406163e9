-- Version 4 (SQLite): events by host, process and type: vigil status's look-ups of a process's last event of a type (its
-- last StateChanged, Started, Attached, Detached, WatchWindowChanged; the state it was left in before the day; an
-- attachment's found and lost pids) are each a step of this index, rather than a read back over every event of the
-- process on events_host_process_at when it has no such event (an attachment has no StateChanged nor Started).
CREATE INDEX events_host_process_type_at ON events (host, process, type, at_ms);
