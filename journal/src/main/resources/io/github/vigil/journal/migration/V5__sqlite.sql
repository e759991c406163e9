-- Version 5 (SQLite): each version's readable-by floor, the oldest schema version a Vigil must know to read and write
-- a journal of that version. The runner writes it with each version from this one on and fills it in for versions 1 to 4
-- (1, 2, 2, 2: versions 3 and 4 only add indexes). A Vigil that knows this version uses a journal a newer Vigil migrated
-- further, as it is, when the highest floor of its versions is at most what it knows, and refuses it otherwise.
-- The rows of events, runs and snapshots are unchanged: this version's own floor is 2.
ALTER TABLE journal_schema ADD COLUMN readable_by INTEGER;
