import { claimInQueueOrder } from '../../platform/db/queueClaim.js';
import type { NotifyClient } from 'notifications-node-client';
import { notifyClient } from './notifyClient.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { outboundChain } from '../acceptance.js';
import { nextStatusCheck, statusWord } from './fallbackStatus.js';

/** A claim whose worker never reported back is taken again after this long. */
export const FALLBACK_LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 3;
/** Defaults, as NHS Notify's: not notified within an hour, or (in-app only) unread after a day. */
export const NOT_NOTIFIED_S = 3_600;
export const UNREAD_S = 24 * 3_600;
/** A fallback this late would be more confusing than useful. */
const TOO_OLD = '7 days';

/**
 * Claims the messages now due a fallback: an in-app message not Notified (nor read) within its
 * not-notified window or still unread after its unread window; a notification-only message (a
 * push alone, never in an inbox, so never read) not Notified within its not-notified window.
 * Walks the partial index outbound_messages_fallback_due (migration 0014) in created_at order,
 * from the oldest message still young enough. Parameters: now, the default not-notified and
 * unread windows (seconds), the batch size.
 */
export const FALLBACK_SCAN_SQL = `INSERT INTO outbound_fallbacks (message_id, state, reason, claimed_at)
  SELECT m.id, 'claimed',
    CASE WHEN m.channel = 'in_app' AND m.created_at <= $1::timestamptz - make_interval(secs => coalesce(m.fallback_unread_s, $3::int))
      THEN 'unread' ELSE 'not_notified' END, $1
  FROM outbound_messages m
  WHERE m.patient_id IS NOT NULL AND m.read_at IS NULL AND NOT m.fallback_off
    AND m.created_at > $1::timestamptz - interval '${TOO_OLD}'
    AND NOT EXISTS (SELECT 1 FROM outbound_fallbacks f WHERE f.message_id = m.id)
    AND ((m.channel = 'in_app' AND m.created_at <= $1::timestamptz - make_interval(secs => coalesce(m.fallback_unread_s, $3::int)))
      OR (m.created_at <= $1::timestamptz - make_interval(secs => coalesce(m.fallback_not_notified_s, $2::int))
          AND NOT EXISTS (SELECT 1 FROM outbound_receipts r WHERE r.message_id = m.id AND r.code IN ('Notified', 'Read'))))
  ORDER BY m.created_at LIMIT $4
  ON CONFLICT (message_id) DO NOTHING
  RETURNING message_id, reason, attempts`;

type Claim = { message_id: string; reason: 'not_notified' | 'unread'; attempts: number };
type Details = {
  message_id: string;
  client_id: string;
  org_name: string;
  sms_template: string | null;
  email_template: string | null;
  phone_enc: unknown;
  email_enc: unknown;
};

export type FallbackResult = { sent: number; noChannel: number; failed: number; alreadySent: number };

/**
 * Sends the SMS or email fallback, once, for in-app messages that were not notified or not read
 * in time, and for notification-only messages that were not notified in time. "Once" rests on two
 * things: the claim is an INSERT on the message id (two workers cannot both win it), and a claim
 * taken over from a worker that died first asks Notify, by the message id as reference, whether
 * that worker's send got through. The text names only the sender and says there is a message:
 * never the content. What became of each send is followed by pollFallbackStatuses.
 */
export async function runFallbacks(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  opts: { limit?: number } = {},
): Promise<FallbackResult> {
  const result: FallbackResult = { sent: 0, noChannel: 0, failed: 0, alreadySent: 0 };
  const notifyConfig = deps.config.notify;
  if (!notifyConfig) return result;
  const notify = notifyClient(notifyConfig);
  const now = deps.now();
  const limit = opts.limit ?? 200;
  // In the index's order whatever the statistics say (see claimInQueueOrder): a burst of messages
  // comes due for fallback together, an hour or a day after it was sent.
  const fresh = await claimInQueueOrder<Claim>(deps.db, FALLBACK_SCAN_SQL, [now, NOT_NOTIFIED_S, UNREAD_S, limit]);
  const stale = await claimInQueueOrder<Claim>(
    deps.db,
    `UPDATE outbound_fallbacks SET claimed_at = $1, attempts = attempts + 1
     WHERE message_id = ANY (ARRAY(
       SELECT message_id FROM outbound_fallbacks WHERE state = 'claimed' AND claimed_at < $2
       ORDER BY claimed_at LIMIT $3 FOR UPDATE SKIP LOCKED))
     RETURNING message_id, reason, attempts`,
    [now, new Date(now.getTime() - FALLBACK_LEASE_MS), limit],
  );
  const claims = [...fresh, ...stale];
  if (claims.length === 0) return result;
  const { rows } = await deps.db.query<Details>(
    `SELECT m.id AS message_id, m.client_id, o.name AS org_name, c.notify_sms_template_id AS sms_template,
       c.notify_email_template_id AS email_template, p.phone_enc, p.email_enc
     FROM outbound_messages m
     JOIN api_clients c ON c.id = m.client_id
     JOIN organisations o ON o.id = c.organisation_id
     JOIN patients p ON p.id = m.patient_id
     WHERE m.id = ANY($1::uuid[])`,
    [claims.map((c) => c.message_id)],
  );
  const details = new Map(rows.map((r) => [r.message_id, r]));
  for (const claim of claims) {
    const d = details.get(claim.message_id);
    if (!d) continue;
    const outcome = await fallbackOne(deps, notify, claim, d);
    result[outcome]++;
  }
  return result;
}

async function fallbackOne(
  deps: Pick<Deps, 'db' | 'keyring' | 'now'>,
  notify: NotifyClient,
  claim: Claim,
  d: Details,
): Promise<keyof FallbackResult> {
  const finish = async (
    state: 'sent' | 'no_channel' | 'failed',
    fields: { channel?: 'sms' | 'email'; notifyId?: string; status?: string; error?: string } = {},
  ) => {
    const at = deps.now();
    // Notify's status of a fresh send is `created`; one found after a crash says its own.
    const status = state === 'sent' ? (fields.status ?? 'created') : null;
    await deps.db.tx(async (q) => {
      await q.query(
        `UPDATE outbound_fallbacks SET state = $2, channel = $3, notify_id = $4, notify_status = $5, sent_at = $6,
           last_error = $7, notify_status_at = $6, status_check_at = $8 WHERE message_id = $1`,
        [
          claim.message_id,
          state,
          fields.channel ?? null,
          fields.notifyId ?? null,
          status,
          state === 'sent' ? at : null,
          fields.error ?? null,
          status === null ? null : nextStatusCheck(at, at, status),
        ],
      );
      if (state === 'sent') {
        await appendAudit(q, {
          chain: outboundChain(d.client_id, claim.message_id),
          actorKind: 'system',
          actorId: null,
          action: `outbound.fallback_${fields.channel}`,
          targetKind: 'outbound_message',
          targetId: claim.message_id,
          reason: claim.reason,
        });
      }
    });
  };
  // Taken over from a worker that died: did its send get through?
  if (claim.attempts > 1) {
    try {
      const found = await notify.getNotifications(undefined, undefined, claim.message_id);
      const first = found.data.notifications[0];
      if (first) {
        await finish('sent', {
          channel: first.type === 'email' ? 'email' : 'sms',
          notifyId: first.id,
          status: statusWord(first.status) ?? 'created',
        });
        return 'alreadySent';
      }
    } catch {
      return 'failed';
    }
  }
  const phone = d.sms_template ? await deps.keyring.decryptOptional(d.phone_enc) : null;
  const email = !phone && d.email_template ? await deps.keyring.decryptOptional(d.email_enc) : null;
  if (!phone && !email) {
    await finish('no_channel');
    return 'noChannel';
  }
  const options = { personalisation: { sender: d.org_name }, reference: claim.message_id };
  try {
    const sent = phone
      ? await notify.sendSms(d.sms_template!, phone, options)
      : await notify.sendEmail(d.email_template!, email!, options);
    await finish('sent', { channel: phone ? 'sms' : 'email', notifyId: sent.data.id });
    return 'sent';
  } catch (err) {
    const status = (err as { response?: { status?: number } }).response?.status;
    // Left claimed: the lease brings it back, and the reference check keeps it once only.
    if (claim.attempts >= MAX_ATTEMPTS) await finish('failed', { error: `notify answered ${status ?? 'nothing'}` });
    return 'failed';
  }
}
