import type { Queryable } from '../../platform/db/types.js';
import type { ReceiptCode } from '../fhir/systems.js';

// Rejected is final and never follows another status, so it needs no place in the order.
const STATUS_ORDER = `ARRAY['Pending', 'Delivered', 'Unnotified', 'NotificationAttempted', 'Notified', 'Read']::text[]`;

/**
 * A message's current status, as SQL, for a query over outbound_messages `m` LEFT JOINed to
 * outbound_message_status `st` on the message id: the status it moved on to, else the one it was
 * written with.
 */
export const CURRENT_STATUS_SQL = 'coalesce(st.status, m.status)';
export const CURRENT_STATUS_JOIN = 'LEFT JOIN outbound_message_status st ON st.message_id = m.id';

export type NewReceipt = { messageId: string; code: ReceiptCode; reason?: string | null };

/**
 * Messages reached new statuses: each one's receipt (once per code: a second Read or Notified is
 * ignored), the message's current status (forward only; see `CURRENT_STATUS_SQL`), and, when its client has a callback URL, the
 * callback, due at once. One statement however many, so it commits or rolls back with the
 * caller's change. Each message at most once per call. Returns the ids of the messages whose
 * receipt is new.
 */
export async function recordReceipts(
  q: Pick<Queryable, 'query'>,
  receipts: readonly NewReceipt[],
  at: Date,
): Promise<Set<string>> {
  if (receipts.length === 0) return new Set();
  // Two codes for one message would leave its status to whichever row the UPDATE met last.
  if (new Set(receipts.map((r) => r.messageId)).size !== receipts.length) {
    throw new Error('recordReceipts takes each message at most once');
  }
  const { rows } = await q.query<{ message_id: string }>(
    `WITH m AS (
       SELECT m.id, m.client_id, m.status AS written_status, c.callback_url IS NOT NULL AS wants_callback,
         t.code, t.reason
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(message_id, code, reason)
       JOIN outbound_messages m ON m.id = t.message_id JOIN api_clients c ON c.id = m.client_id),
     r AS (
       INSERT INTO outbound_receipts (id, message_id, client_id, code, reason, at)
       SELECT uuid_v7($4), m.id, m.client_id, m.code, m.reason, $4 FROM m
       ON CONFLICT (message_id, code) DO NOTHING
       RETURNING id, message_id, client_id, code),
     -- The status only moves forward: a push held until 06:00 must not turn a Read message back.
     -- It goes in the narrow status table (migration 0020), not the wide message row.
     s AS (
       INSERT INTO outbound_message_status AS st (message_id, status)
       SELECT r.message_id, r.code FROM r JOIN m ON m.id = r.message_id
       WHERE coalesce(array_position(${STATUS_ORDER}, m.written_status), 0) < array_position(${STATUS_ORDER}, r.code::text)
       ON CONFLICT (message_id) DO UPDATE SET status = EXCLUDED.status
       WHERE array_position(${STATUS_ORDER}, st.status) < array_position(${STATUS_ORDER}, EXCLUDED.status)),
     cb AS (
       INSERT INTO outbound_callbacks (receipt_id, client_id, next_attempt_at, created_at)
       SELECT r.id, r.client_id, $4, $4 FROM r JOIN m ON m.id = r.message_id WHERE m.wants_callback)
     SELECT message_id FROM r`,
    [receipts.map((r) => r.messageId), receipts.map((r) => r.code), receipts.map((r) => r.reason ?? null), at],
  );
  return new Set(rows.map((r) => r.message_id));
}

/** One message's new status (see `recordReceipts`); whether its receipt is new. */
export async function recordReceipt(q: Pick<Queryable, 'query'>, r: NewReceipt & { at: Date }): Promise<boolean> {
  return (await recordReceipts(q, [r], r.at)).size > 0;
}
