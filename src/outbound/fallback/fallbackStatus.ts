import { claimInQueueOrder } from '../../platform/db/queueClaim.js';
import { notifyClient } from './notifyClient.js';
import type { Deps } from '../../platform/deps.js';

/**
 * The channel status of sent fallbacks: GOV.UK Notify is asked (GET /v2/notifications/{id}) how
 * each SMS or email is getting on until its status is final, and the latest status is kept with
 * when it was first seen. Only the status word is read from Notify's answer, which also holds the
 * text and the recipient's number or address: neither is stored or logged.
 */

/** Notify's statuses that may still change (for text messages and emails); every other is final. */
const IN_PROGRESS = new Set(['created', 'sending', 'pending']);
/** The first look, a minute after sending: most messages are delivered by then. */
const FIRST_CHECK_MS = 60_000;
/** Later looks at half the fallback's age, so at most hourly: Notify's rate limit is shared with the sends. */
const MAX_CHECK_GAP_MS = 3_600_000;
/**
 * How long a status is watched. Notify's providers try to deliver a text message or email for up
 * to 72 hours, after which its status is final (delivered or a failure); the extra hour covers
 * the last hourly look. Notify keeps notifications for 7 days only, and a status still in
 * progress after this will not change, so the job stops asking.
 */
export const STATUS_WATCH_MS = 73 * 3_600_000;
/** A claimed row whose worker never reported back is asked about again after this long. */
export const STATUS_LEASE_MS = 2 * 60_000;

/** A status word as Notify spells them (`delivered`, `permanent-failure`…), or null for anything else. */
export function statusWord(value: unknown): string | null {
  return typeof value === 'string' && /^[a-z][a-z-]{0,39}$/.test(value) ? value : null;
}

export function isFinalStatus(status: string): boolean {
  return !IN_PROGRESS.has(status);
}

/**
 * When Notify should next be asked about a fallback sent at `sentAt` whose status is `status`:
 * never for a final status or once the watch is over; otherwise after half its age (a minute at
 * least, an hour at most), with a last look when the watch ends.
 */
export function nextStatusCheck(sentAt: Date, now: Date, status: string): Date | null {
  const end = sentAt.getTime() + STATUS_WATCH_MS;
  if (isFinalStatus(status) || now.getTime() >= end) return null;
  const gap = Math.min(MAX_CHECK_GAP_MS, Math.max(FIRST_CHECK_MS, (now.getTime() - sentAt.getTime()) / 2));
  return new Date(Math.min(end, now.getTime() + gap));
}

/**
 * Claims the fallbacks whose status check is due (parameters: now, the lease's end, the batch
 * size), through the partial index outbound_fallbacks_status_check.
 */
export const STATUS_CLAIM_SQL = `UPDATE outbound_fallbacks SET status_check_at = $2
  WHERE message_id = ANY (ARRAY(
    SELECT message_id FROM outbound_fallbacks WHERE status_check_at <= $1
    ORDER BY status_check_at LIMIT $3 FOR UPDATE SKIP LOCKED))
  RETURNING message_id, notify_id, notify_status, sent_at`;

type Due = { message_id: string; notify_id: string | null; notify_status: string | null; sent_at: Date | null };

export type StatusResult = { checked: number; changed: number; failed: number };

/**
 * Asks Notify about the sent fallbacks whose status check is due, `limit` at most. Each is claimed
 * first by moving its next check a lease ahead (SKIP LOCKED, so concurrent workers take different
 * rows), and the answer is written only while that claim still stands, so a slow worker never
 * overwrites a newer answer. A failed look (Notify down, rate limited) is simply tried later.
 */
export async function pollFallbackStatuses(
  deps: Pick<Deps, 'db' | 'now' | 'config'>,
  opts: { limit?: number } = {},
): Promise<StatusResult> {
  const result: StatusResult = { checked: 0, changed: 0, failed: 0 };
  const notifyConfig = deps.config.notify;
  if (!notifyConfig) return result;
  const now = deps.now();
  const leaseUntil = new Date(now.getTime() + STATUS_LEASE_MS);
  const rows = await claimInQueueOrder<Due>(deps.db, STATUS_CLAIM_SQL, [now, leaseUntil, opts.limit ?? 200]);
  if (rows.length === 0) return result;
  const notify = notifyClient(notifyConfig);
  const record = async (messageId: string, status: string | null, next: Date | null) => {
    const { rowCount } = await deps.db.query(
      `UPDATE outbound_fallbacks SET notify_status = coalesce($2, notify_status),
         notify_status_at = CASE WHEN $2::text IS NOT NULL AND notify_status IS DISTINCT FROM $2 THEN $3 ELSE notify_status_at END,
         status_check_at = $4
       WHERE message_id = $1 AND status_check_at = $5`,
      [messageId, status, deps.now(), next, leaseUntil],
    );
    return rowCount > 0;
  };
  for (const row of rows) {
    const sentAt = row.sent_at ? new Date(row.sent_at) : now;
    const current = row.notify_status ?? 'created';
    // The last look falls due as the watch ends; one far later (a row left from before an outage)
    // is not worth asking about.
    if (
      !row.notify_id ||
      isFinalStatus(current) ||
      now.getTime() > sentAt.getTime() + STATUS_WATCH_MS + MAX_CHECK_GAP_MS
    ) {
      await record(row.message_id, null, null);
      continue;
    }
    let status: string | null;
    try {
      status = statusWord((await notify.getNotificationById(row.notify_id)).data.status);
    } catch {
      status = null;
    }
    if (status === null) {
      result.failed++;
      await record(row.message_id, null, nextStatusCheck(sentAt, deps.now(), current));
      continue;
    }
    result.checked++;
    const written = await record(row.message_id, status, nextStatusCheck(sentAt, deps.now(), status));
    if (written && status !== current) result.changed++;
  }
  return result;
}
