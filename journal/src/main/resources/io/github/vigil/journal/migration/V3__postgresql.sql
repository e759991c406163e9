-- Version 3 (PostgreSQL): status snapshots by host and process, as events are: vigil status finds each (host, process) pair
-- in one step of this index, and each pair's last snapshot, rather than scanning every snapshot.
-- Built CONCURRENTLY so that the fleet's other gateways go on writing snapshots during the build (a plain CREATE INDEX
-- blocks them for all of it); that cannot run in a transaction, hence the line below. IF NOT EXISTS: an interrupted
-- version runs again, and the runner first drops an index an interrupted build left invalid.
-- vigil:outside-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS snapshots_host_process_at ON snapshots (host, process, at_ms);
