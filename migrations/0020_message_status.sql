-- A message's status once it has moved on from the one it was written with. Each receipt after
-- the first (NotificationAttempted, Notified, Read…) used to rewrite the whole message row, sealed
-- resource and all: on a page with no room left that is a new row version with an entry in each
-- of the table's five indexes, and a message page has room for about one such update at a time.
-- This row is narrow and its status is in no index, so a later status is a small insert, then
-- updates in place. outbound_messages.status keeps the status as written (and, for messages
-- from before this migration, as it had moved since): the current status is
-- coalesce(outbound_message_status.status, outbound_messages.status).
CREATE TABLE IF NOT EXISTS outbound_message_status (
  message_id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('Delivered', 'Unnotified', 'NotificationAttempted', 'Notified', 'Read'))
) WITH (fillfactor = 80);
