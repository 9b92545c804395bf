-- The outbound tables take tens of thousands of rows a second. A foreign key costs each inserted
-- row a trigger that looks up and share-locks its parent row, and concurrent Bundles from one
-- client then queue on the same api_clients row: measured, the eight keys below took 45% of the
-- database time of a bulk send. Receipts, pushes and callbacks are written by the statement that
-- writes their message or receipt, or that finds it first; a message's client comes from the
-- authenticated request and its patient from the lookup in the same statement; and no parent row
-- is ever deleted. A retention job must delete children before their parents.
-- outbound_fallbacks, written once per message at most, keeps its key.
ALTER TABLE outbound_messages DROP CONSTRAINT IF EXISTS outbound_messages_client_id_fkey;
ALTER TABLE outbound_messages DROP CONSTRAINT IF EXISTS outbound_messages_patient_id_fkey;
ALTER TABLE outbound_receipts DROP CONSTRAINT IF EXISTS outbound_receipts_message_id_fkey;
ALTER TABLE outbound_receipts DROP CONSTRAINT IF EXISTS outbound_receipts_client_id_fkey;
ALTER TABLE outbound_callbacks DROP CONSTRAINT IF EXISTS outbound_callbacks_receipt_id_fkey;
ALTER TABLE outbound_callbacks DROP CONSTRAINT IF EXISTS outbound_callbacks_client_id_fkey;
ALTER TABLE outbound_pushes DROP CONSTRAINT IF EXISTS outbound_pushes_message_id_fkey;
ALTER TABLE outbound_pushes DROP CONSTRAINT IF EXISTS outbound_pushes_patient_id_fkey;
