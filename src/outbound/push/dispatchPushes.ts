import { patientChain } from '../../identity/patientSignIn/patientChain.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import { claimInQueueOrder } from '../../platform/db/queueClaim.js';
import type { Deps } from '../../platform/deps.js';
import { recordReceipts, type NewReceipt } from '../receipts/recordReceipt.js';
import { UNNOTIFIED_REASON } from './pushPayload.js';
import { pushDueAt } from './quietHours.js';
import { sendToDevices, type Device, type SendOutcome } from './sendToDevices.js';

/** A claimed push is due again after this long if its dispatcher never reports back. */
export const PUSH_LEASE_MS = 120_000;
/** Tries before a message whose every push failed is Unnotified: 1, 2 and 4 minutes apart. */
export const MAX_PUSH_ATTEMPTS = 4;
export function pushBackoffMs(attempt: number): number {
  return 60_000 * 2 ** (attempt - 1);
}

type PushDeps = Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>;
type Claimed = { id: string; messageId: string; attempts: number; devices: Device[] };
type Decision = { state: 'sent' } | { state: 'unnotified'; reason: string } | { state: 'due'; dueAt: Date };

export type DispatchResult = { claimed: number; attempted: number; unnotified: number; retrying: number };

/**
 * Sends the pushes that are due, each to every device its patient opted in on, and records each
 * message's outcome as its receipt: NotificationAttempted once any push service accepted it;
 * Unnotified with no device, or once every device's subscription expired or every try failed.
 * Expired subscriptions (404/410) are removed. Rows are claimed with SKIP LOCKED under a lease,
 * so any number of dispatchers share the work and never send one message's push twice at once;
 * the database work is four statements per batch, whatever the batch size.
 */
export async function dispatchDuePushes(deps: PushDeps, opts: { limit?: number } = {}): Promise<DispatchResult> {
  const now = deps.now();
  const lease = new Date(now.getTime() + PUSH_LEASE_MS);
  const claimed = await claim(deps, now, lease, opts.limit ?? 500);
  if (claimed.length === 0) return { claimed: 0, attempted: 0, unnotified: 0, retrying: 0 };
  const jobs = claimed.flatMap((p) => p.devices.map((device) => ({ tag: p.id, device })));
  // Sends stop starting at half the lease, so the outcomes are recorded while this dispatcher still
  // holds the rows (a push service that hangs would otherwise let another dispatcher send again).
  const outcomes = await sendToDevices(deps, jobs, Date.now() + PUSH_LEASE_MS / 2);
  const byPush = new Map<string, SendOutcome[]>();
  const gone: string[] = [];
  jobs.forEach((job, i) => {
    const outcome = outcomes[i]!;
    if (outcome === 'gone') gone.push(job.device.id);
    byPush.set(job.tag, [...(byPush.get(job.tag) ?? []), outcome]);
  });
  const decisions = new Map(claimed.map((p) => [p.id, decide(p, byPush.get(p.id) ?? [], deps.now())]));
  return finish(deps, decisions, gone, lease, claimed.length);
}

/**
 * Claims the due pushes (parameters: now, the lease's end, the batch size) with each one's devices,
 * through the partial index outbound_pushes_due, in due order (see `claimInQueueOrder`).
 */
export const PUSH_CLAIM_SQL = `WITH c AS (
   UPDATE outbound_pushes SET attempts = attempts + 1, leased_until = $2
   -- ARRAY(…) runs the locking pick exactly once, whatever the plan: as a semi-join (IN) it
   -- could be run again for every row scanned, locking and skipping its way through the queue.
   WHERE id = ANY (ARRAY(
     SELECT id FROM outbound_pushes
     WHERE state = 'due' AND due_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
     ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED))
   RETURNING id, message_id, patient_id, attempts)
 SELECT c.id, c.message_id, c.attempts, s.id AS device_id, s.subscription_enc
 FROM c LEFT JOIN push_subscriptions s ON s.patient_id = c.patient_id`;

async function claim(deps: PushDeps, now: Date, lease: Date, limit: number): Promise<Claimed[]> {
  const rows = await claimInQueueOrder<{
    id: string;
    message_id: string;
    attempts: number;
    device_id: string | null;
    subscription_enc: unknown;
  }>(deps.db, PUSH_CLAIM_SQL, [now, lease, limit]);
  const pushes = new Map<string, Claimed>();
  for (const r of rows) {
    let p = pushes.get(r.id);
    if (!p) {
      p = { id: r.id, messageId: r.message_id, attempts: Number(r.attempts), devices: [] };
      pushes.set(r.id, p);
    }
    if (r.device_id !== null) p.devices.push({ id: r.device_id, sealed: r.subscription_enc });
  }
  return [...pushes.values()];
}

function decide(p: Claimed, outcomes: SendOutcome[], now: Date): Decision {
  if (outcomes.includes('accepted')) return { state: 'sent' };
  if (p.devices.length === 0) return { state: 'unnotified', reason: UNNOTIFIED_REASON.noDevice };
  if (outcomes.every((o) => o === 'gone')) return { state: 'unnotified', reason: UNNOTIFIED_REASON.expired };
  if (p.attempts >= MAX_PUSH_ATTEMPTS) return { state: 'unnotified', reason: UNNOTIFIED_REASON.failed };
  // A retry that would land in the night waits for the morning like any other push.
  return { state: 'due', dueAt: pushDueAt(new Date(now.getTime() + pushBackoffMs(p.attempts))) };
}

/**
 * One transaction: every claimed row gets its new state (only while this dispatcher's lease still
 * holds, so a row another dispatcher took over is left to it), each finished message gets its
 * receipt, and expired subscriptions go. In that order, which is a display report's (push row,
 * then message, then the patient's audit chain): taking the chain head first, for an expired
 * device, deadlocked with a report for another device of the same patient in the same batch.
 */
async function finish(
  deps: PushDeps,
  decisions: Map<string, Decision>,
  gone: string[],
  lease: Date,
  claimed: number,
): Promise<DispatchResult> {
  const at = deps.now();
  const ids = [...decisions.keys()];
  const states = ids.map((id) => decisions.get(id)!.state);
  const dueAts = ids.map((id) => {
    const d = decisions.get(id)!;
    return (d.state === 'due' ? d.dueAt : at).toISOString();
  });
  const result: DispatchResult = { claimed, attempted: 0, unnotified: 0, retrying: 0 };
  await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ id: string; message_id: string }>(
      `UPDATE outbound_pushes p SET state = u.state, due_at = u.due_at, leased_until = NULL,
         finished_at = CASE WHEN u.state = 'due' THEN NULL ELSE $2::timestamptz END
       FROM unnest($3::uuid[], $4::text[], $5::timestamptz[]) AS u(id, state, due_at)
       WHERE p.id = u.id AND p.state = 'due' AND p.leased_until = $1
       RETURNING p.id, p.message_id`,
      [lease, at, ids, states, dueAts],
    );
    const receipts: NewReceipt[] = [];
    for (const row of rows) {
      const d = decisions.get(row.id)!;
      if (d.state === 'sent') {
        result.attempted++;
        receipts.push({ messageId: row.message_id, code: 'NotificationAttempted' });
      } else if (d.state === 'unnotified') {
        result.unnotified++;
        receipts.push({ messageId: row.message_id, code: 'Unnotified', reason: d.reason });
      } else {
        result.retrying++;
      }
    }
    await recordReceipts(q, receipts, at);
    if (gone.length > 0) {
      const removed = await q.query<{ id: string; patient_id: string }>(
        'DELETE FROM push_subscriptions WHERE id = ANY($1::uuid[]) RETURNING id, patient_id',
        [gone],
      );
      // Chain heads are locked in one order by every writer (see the comment above).
      for (const r of removed.rows.sort((a, b) => a.patient_id.localeCompare(b.patient_id))) {
        await appendAudit(q, {
          chain: patientChain(r.patient_id),
          actorKind: 'system',
          actorId: null,
          action: 'patient.push_unsubscribe',
          targetKind: 'push_subscription',
          targetId: r.id,
          reason: 'the push service said the subscription has expired',
        });
      }
    }
  });
  return result;
}
