-- Version 3 (PostgreSQL): status snapshots by host and process, as events are: vigil status finds each (host, process) pair
-- in one step of this index, and each pair's last snapshot, rather than scanning every snapshot.
CREATE INDEX snapshots_host_process_at ON snapshots (host, process, at_ms);
