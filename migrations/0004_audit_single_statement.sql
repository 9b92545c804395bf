-- The chain head also keeps the hash of the entry before it, so one statement can advance the
-- head (under its row lock) and write the entry that links to the previous one.
ALTER TABLE audit_heads ADD COLUMN IF NOT EXISTS prev_hash bytea;
