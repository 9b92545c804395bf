-- Every message changes a conversation's waiting time, sequence and last-message time. Keeping
-- those columns out of indexes (and leaving room on each page) lets PostgreSQL update the row in
-- place (a HOT update) instead of writing every index again. The queue is small per service, so
-- (service, status) finds it and the waiting-time order is sorted in memory.
DROP INDEX IF EXISTS conversations_queue;
CREATE INDEX IF NOT EXISTS conversations_by_service_status ON conversations (service_id, status);
ALTER TABLE conversations SET (fillfactor = 80);
