-- A message's status moves on as its receipts come in (NotificationAttempted, Notified). Room left
-- on each page lets such an update stay on its page (a HOT update), touching none of the table's
-- indexes; on a full page each one adds an entry to every index. It applies to pages filled from
-- now on. Read receipts also set read_at, which a partial index's condition reads, so they are
-- never HOT.
ALTER TABLE outbound_messages SET (fillfactor = 85);
