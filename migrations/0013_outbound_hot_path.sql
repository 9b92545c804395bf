-- The outbound tables take tens of thousands of rows a second. A foreign key costs each inserted
-- row a trigger that looks up and share-locks its parent row, and concurrent Bundles from one
-- client then queue on the same api_clients row: measured, the eight keys below took 45% of the
-- database time of a bulk send. Every row here is written by a statement that reads or writes its
-- parent in the same transaction (a message with its receipts and push, a callback with its
-- receipt), and no parent row is ever deleted, so the keys guard against nothing our writers can
-- do. A retention job must delete children before their parents. outbound_fallbacks, written
-- once per message at most, keeps its key.
ALTER TABLE outbound_messages DROP CONSTRAINT IF EXISTS outbound_messages_client_id_fkey;
ALTER TABLE outbound_messages DROP CONSTRAINT IF EXISTS outbound_messages_patient_id_fkey;
ALTER TABLE outbound_receipts DROP CONSTRAINT IF EXISTS outbound_receipts_message_id_fkey;
ALTER TABLE outbound_receipts DROP CONSTRAINT IF EXISTS outbound_receipts_client_id_fkey;
ALTER TABLE outbound_callbacks DROP CONSTRAINT IF EXISTS outbound_callbacks_receipt_id_fkey;
ALTER TABLE outbound_callbacks DROP CONSTRAINT IF EXISTS outbound_callbacks_client_id_fkey;
ALTER TABLE outbound_pushes DROP CONSTRAINT IF EXISTS outbound_pushes_message_id_fkey;
ALTER TABLE outbound_pushes DROP CONSTRAINT IF EXISTS outbound_pushes_patient_id_fkey;

-- Each message's status moves on as its receipts come in (NotificationAttempted, Notified, Read).
-- Room left on every page lets those updates stay on the page (HOT), so they touch none of the
-- table's five indexes; on full pages each one writes a new entry in all of them.
ALTER TABLE outbound_messages SET (fillfactor = 85);
