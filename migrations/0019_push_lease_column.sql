-- A claimed push records its lease in a column of its own instead of moving its due time: the
-- claim then changes no indexed column, so PostgreSQL can update the row in place (a HOT update,
-- with no new index entries) when its page has room, which the lower fill factor leaves. A push
-- is due when due_at has passed and it is not leased, or its lease has run out.
ALTER TABLE outbound_pushes ADD COLUMN IF NOT EXISTS leased_until timestamptz;
ALTER TABLE outbound_pushes SET (fillfactor = 70);
