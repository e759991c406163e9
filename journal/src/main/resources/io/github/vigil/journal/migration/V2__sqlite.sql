-- Version 2 (SQLite): diagnoses. A Diagnosed event's row (type 'Diagnosed') keeps its headline in reason,
-- the check of its most likely cause in metric, and the whole diagnosis, rendered, in this column.
ALTER TABLE events ADD COLUMN diagnosis TEXT;
