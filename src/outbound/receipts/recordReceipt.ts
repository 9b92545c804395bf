import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db/types.js';
import type { ReceiptCode } from '../fhir/systems.js';

// Rejected is final and never follows another status, so it needs no place in the order.
const STATUS_ORDER = `ARRAY['Pending', 'Delivered', 'Unnotified', 'NotificationAttempted', 'Notified', 'Read']::text[]`;

/**
 * A message reached a new status: its receipt (once per code: a second Read or Notified is
 * ignored), the message's status (forward only), and, when its client has a callback URL, the callback,
 * due at once. One statement, so it commits or rolls back with the caller's change. Returns
 * whether the receipt is new.
 */
export async function recordReceipt(
  q: Pick<Queryable, 'query'>,
  r: { messageId: string; code: ReceiptCode; reason?: string | null; at: Date },
): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>(
    `WITH m AS (
       SELECT m.id, m.client_id, c.callback_url IS NOT NULL AS wants_callback
       FROM outbound_messages m JOIN api_clients c ON c.id = m.client_id WHERE m.id = $1),
     r AS (
       INSERT INTO outbound_receipts (id, message_id, client_id, code, reason, at)
       SELECT $2, m.id, m.client_id, $3, $4, $5 FROM m
       ON CONFLICT (message_id, code) DO NOTHING
       RETURNING id),
     -- The status only moves forward: a push held until 06:00 must not turn a Read message back.
     s AS (
       UPDATE outbound_messages SET status = $3 WHERE id = $1 AND EXISTS (SELECT 1 FROM r)
         AND coalesce(array_position(${STATUS_ORDER}, status), 0) < array_position(${STATUS_ORDER}, $3::text)),
     cb AS (
       INSERT INTO outbound_callbacks (receipt_id, client_id, next_attempt_at, created_at)
       SELECT r.id, m.client_id, $5, $5 FROM r, m WHERE m.wants_callback)
     SELECT id FROM r`,
    [r.messageId, randomUUID(), r.code, r.reason ?? null, r.at],
  );
  return rows.length > 0;
}
