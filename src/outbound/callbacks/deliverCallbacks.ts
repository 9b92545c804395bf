import { claimInQueueOrder } from '../../platform/db/queueClaim.js';
import type { Deps } from '../../platform/deps.js';
import type { ReceiptCode } from '../fhir/systems.js';
import { receiptTask } from '../receipts/taskResource.js';
import { postCallback } from './postCallback.js';
import { SIGNATURE_HEADER, signCallback } from './signature.js';

/** A claimed callback is due again after this long if its worker never reports back. */
export const CALLBACK_LEASE_MS = 60_000;
/**
 * 30 s doubling to an hour: at full length the waits after the first eleven attempts add up to
 * 5 h 3 min 30 s, and at their shortest (see callbackBackoffMs) to 3 h 47 min 37 s, so the twelfth
 * and last attempt comes between about 3¾ and 5 hours after the first.
 */
export const MAX_CALLBACK_ATTEMPTS = 12;
/**
 * The wait after a failed attempt, shortened by up to a quarter (`jitter` from 0 to 1): callbacks
 * that failed together, in a receiver's outage, then come back spread out rather than all at once.
 */
export function callbackBackoffMs(attempt: number, jitter = Math.random()): number {
  return Math.round(Math.min(30_000 * 2 ** (attempt - 1), 3_600_000) * (1 - jitter / 4));
}
const PARALLEL = 16;

type Claimed = {
  receipt_id: string;
  attempts: number;
  message_id: string;
  code: ReceiptCode;
  reason: string | null;
  at: Date;
  campaign_id: string | null;
  request_id: string | null;
  authored_on: Date;
  callback_url: string | null;
  callback_secret_enc: unknown;
  disabled_at: Date | null;
};

/**
 * Posts the callbacks that are due: each receipt as the NHS App's realtime receipt (a Task), signed
 * with the client's secret (`Confide-Signature`), with the receipt id as `Idempotency-Key`. Rows are
 * claimed with SKIP LOCKED, so any number of workers on any number of nodes share the work; a 2xx
 * ends a callback, anything else retries with backoff until MAX_CALLBACK_ATTEMPTS. Receipts of one
 * message may arrive in any order or more than once: receivers keep the newest `lastModified` per
 * code, keyed by the idempotency key. Jobs carry ids only; the content is read here.
 */
export async function deliverDueCallbacks(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  opts: { limit?: number } = {},
): Promise<{ delivered: number; failed: number }> {
  const now = deps.now();
  const claimed = await claimInQueueOrder<{ receipt_id: string }>(
    deps.db,
    `UPDATE outbound_callbacks SET attempts = attempts + 1, next_attempt_at = $2
     WHERE receipt_id = ANY (ARRAY(
       SELECT receipt_id FROM outbound_callbacks
       WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $1
       ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED))
     RETURNING receipt_id`,
    [now, new Date(now.getTime() + CALLBACK_LEASE_MS), opts.limit ?? 200],
  );
  if (claimed.length === 0) return { delivered: 0, failed: 0 };
  const { rows } = await deps.db.query<Claimed>(
    `SELECT c.receipt_id, c.attempts, r.message_id, r.code, r.reason, r.at, m.campaign_id, m.request_id,
       m.created_at AS authored_on, k.callback_url, k.callback_secret_enc, k.disabled_at
     FROM outbound_callbacks c
     JOIN outbound_receipts r ON r.id = c.receipt_id
     JOIN outbound_messages m ON m.id = r.message_id
     JOIN api_clients k ON k.id = c.client_id
     WHERE c.receipt_id = ANY($1::uuid[])`,
    [claimed.map((c) => c.receipt_id)],
  );
  let delivered = 0;
  let failed = 0;
  const queue = [...rows];
  const work = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const status = await attempt(deps, row);
      if (status !== null && status >= 200 && status < 300) {
        delivered++;
        await deps.db.query('UPDATE outbound_callbacks SET delivered_at = $2, last_status = $3 WHERE receipt_id = $1', [
          row.receipt_id,
          deps.now(),
          status,
        ]);
      } else {
        failed++;
        const givingUp = row.attempts >= MAX_CALLBACK_ATTEMPTS || !row.callback_url || row.disabled_at !== null;
        const at = deps.now();
        await deps.db.query(
          `UPDATE outbound_callbacks SET last_status = $2, next_attempt_at = $3, given_up_at = $4 WHERE receipt_id = $1`,
          [row.receipt_id, status, new Date(at.getTime() + callbackBackoffMs(row.attempts)), givingUp ? at : null],
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, rows.length) }, work));
  return { delivered, failed };
}

/** The HTTP status of one attempt, or null when it never got an answer (or must not be sent). */
async function attempt(deps: Pick<Deps, 'keyring' | 'now' | 'config'>, row: Claimed): Promise<number | null> {
  if (!row.callback_url || row.disabled_at !== null || row.callback_secret_enc === null) return null;
  const body = JSON.stringify(
    receiptTask({
      id: row.receipt_id,
      messageId: row.message_id,
      campaignId: row.campaign_id,
      requestId: row.request_id,
      code: row.code,
      reason: row.reason,
      authoredOn: new Date(row.authored_on),
      at: new Date(row.at),
    }),
  );
  const secret = await deps.keyring.decrypt(row.callback_secret_enc);
  try {
    return await postCallback(
      row.callback_url,
      body,
      {
        'content-type': 'application/fhir+json',
        [SIGNATURE_HEADER]: signCallback(secret, body, deps.now()),
        'idempotency-key': row.receipt_id,
      },
      { allowPrivate: deps.config.allowPrivateCallbacks },
    );
  } catch {
    return null;
  }
}
