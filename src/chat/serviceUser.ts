import { randomUUID } from 'node:crypto';
import { CRISIS_SIGNPOSTING } from '../organisations/defaults.js';
import { cachedServiceWithCalendar } from '../organisations/serviceCache.js';
import { appendAudit, auditCtes, conversationChain } from '../platform/audit/auditLog.js';
import { currentClosedPeriodStart, isOpen, type ServiceCalendar } from '../platform/calendar/index.js';
import { SqlParams } from '../platform/db/sqlParams.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { Deps } from '../platform/deps.js';
import { NotFound } from '../platform/http/errors.js';
import { forgetConversationTokens, type ServiceUserContext } from './access.js';
import { autoRepliesFor } from './autoReplies.js';
import { insertMessages, responseDueAt, type InsertedMessage, type NewMessage } from './insertMessages.js';
import { checkMessageText } from './messageText.js';
import { publishConversationChanged, publishMessages } from './publish.js';
import {
  findMessageByClientRef,
  loadMessages,
  PUBLIC_KINDS,
  toPublicMessage,
  type MessageRow,
  type PublicMessage,
} from './views.js';

export type PublicConversation = {
  id: string;
  serviceName: string;
  serviceSlug: string;
  status: 'open' | 'closed';
  endedByYou: boolean;
  crisisMessage: string;
  messages: PublicMessage[];
};

export async function getPublicConversation(deps: Deps, who: ServiceUserContext): Promise<PublicConversation> {
  const { rows } = await deps.db.query<{
    id: string;
    status: 'open' | 'closed';
    ended_by_user_at: Date | null;
    name: string;
    slug: string;
  }>(
    `SELECT c.id, c.status, c.ended_by_user_at, s.name, s.slug FROM conversations c JOIN services s ON s.id = c.service_id
     WHERE c.id = $1`,
    [who.conversationId],
  );
  const c = rows[0];
  if (!c) throw new NotFound('Conversation');
  const messages = await loadMessages(deps.db, c.id, PUBLIC_KINDS);
  return {
    id: c.id,
    serviceName: c.name,
    serviceSlug: c.slug,
    status: c.status,
    endedByYou: c.ended_by_user_at !== null,
    crisisMessage: CRISIS_SIGNPOSTING,
    messages: (await Promise.all(messages.map((m) => toPublicMessage(deps, m)))).filter((m) => m !== null),
  };
}

/** The conversation belongs to another service than the caller's cached view: retry with it. */
class MovedService extends Error {
  constructor(readonly serviceId: string) {
    super('conversation moved service');
  }
}

/**
 * A service user writes. A closed conversation reopens (the team must see it), the response
 * clock starts if the team had answered everything, and out of hours the bounce-back is sent
 * once for this closed period.
 */
export async function postServiceUserMessage(
  deps: Deps,
  who: ServiceUserContext,
  input: { message: string; clientRef: string },
  retried = false,
): Promise<PublicMessage> {
  const text = checkMessageText(input.message);
  const settings = await cachedServiceWithCalendar(deps, who.serviceId);
  if (!settings) throw new NotFound('Conversation');
  const { service, calendar } = settings;
  const now = deps.now();
  const dueIfNowWaiting = responseDueAt(calendar, now, service.responseTargetWorkingHours);
  const seal = await deps.keyring.sealer(who.organisationId);
  let created: { id: string; seq: number }[];
  let reopened = false;
  // No look-up before writing: a repeated clientRef fails on the unique index and is answered below.
  try {
    const body = seal(text);
    created =
      (await appendPlainMessage(deps, who, { now, body, clientRef: input.clientRef, dueIfNowWaiting, calendar })) ??
      (await deps.db.tx(async (q) => {
        const { rows } = await q.query<{
          last_seq: number;
          status: string;
          waiting_since: Date | null;
          out_of_hours_period_start: Date | null;
          service_id: string;
        }>(
          'SELECT last_seq, status, waiting_since, out_of_hours_period_start, service_id FROM conversations WHERE id = $1 FOR UPDATE',
          [who.conversationId],
        );
        const c = rows[0]!;
        // The service came from a short-lived cache; a transfer on another node may have moved the
        // conversation since. Its hours and its team must be the current ones.
        if (c.service_id !== who.serviceId) throw new MovedService(c.service_id);
        const { replies, outOfHoursPeriodStart } = autoRepliesFor({
          service,
          calendar,
          now,
          isFirstMessage: false,
          lastOutOfHoursPeriodStart: c.out_of_hours_period_start ? new Date(c.out_of_hours_period_start) : null,
        });
        const messages: NewMessage[] = [
          { kind: 'message', authorKind: 'service_user', body, clientRef: input.clientRef },
        ];
        const reopening = c.status === 'closed';
        reopened = reopening;
        if (reopening) {
          messages.push({ kind: 'event', authorKind: 'system', body: seal('Reopened: the service user wrote again.') });
        }
        messages.push(...replies.map((r) => ({ kind: r.kind, authorKind: 'system' as const, body: seal(r.text) })));
        const startsWaiting = c.waiting_since === null;
        await q.query(
          `UPDATE conversations SET last_seq = last_seq + $2, last_message_at = $3,
           waiting_since = coalesce(waiting_since, $3),
           response_due_at = CASE WHEN $4 THEN $5 ELSE response_due_at END,
           out_of_hours_period_start = $6, ended_by_user_at = NULL,
           status = 'open', closed_at = NULL, closed_by = NULL, outcome = NULL, recorded_in_clinical_record = NULL
         WHERE id = $1`,
          [
            who.conversationId,
            messages.length,
            now,
            startsWaiting,
            startsWaiting ? dueIfNowWaiting : null,
            outOfHoursPeriodStart,
          ],
        );
        const ids = await insertMessages(q, who.conversationId, c.last_seq + 1, now, messages);
        await appendAudit(q, {
          chain: conversationChain(who.conversationId),
          actorKind: 'service_user',
          actorId: who.conversationId,
          action: reopening ? 'conversation.message_reopened' : 'conversation.message',
          targetKind: 'message',
          targetId: ids[0]!.id,
        });
        return ids;
      }));
  } catch (err) {
    if (err instanceof MovedService && !retried) {
      await forgetConversationTokens(deps, who.conversationId);
      return postServiceUserMessage(deps, { ...who, serviceId: err.serviceId }, input, true);
    }
    if (!isUniqueViolation(err)) throw err;
    const again = await findMessageByClientRef(deps, who.conversationId, input.clientRef, { text });
    if (!again) throw err;
    return (await toPublicMessage(deps, again))!;
  }
  publishMessages(deps, who, created, reopened ? 'open' : undefined);
  return {
    id: created[0]!.id,
    seq: created[0]!.seq,
    from: 'you',
    kind: 'message',
    authorName: null,
    text,
    sentAt: now.toISOString(),
  };
}

/**
 * The common case in one statement (one round trip, atomic on its own): the conversation is open,
 * still with the service the caller's token named, and needs no automatic reply because the
 * service is open or its out-of-hours reply already went out in this closed period. Null when any
 * of that does not hold; the caller then takes the general path, which locks the row and decides.
 */
async function appendPlainMessage(
  deps: Deps,
  who: ServiceUserContext,
  m: { now: Date; body: Buffer; clientRef: string; dueIfNowWaiting: Date | null; calendar: ServiceCalendar },
): Promise<InsertedMessage[] | null> {
  const openNow = isOpen(m.calendar, m.now);
  // As autoRepliesFor: a service with no opening times at all has epoch as its period start.
  const closedSince = openNow ? null : (currentClosedPeriodStart(m.calendar, m.now) ?? new Date(0));
  const id = randomUUID();
  const p = new SqlParams();
  const [conv, now] = [who.conversationId, m.now].map((v) => p.add(v));
  const sql = `WITH c AS (
       UPDATE conversations SET last_seq = last_seq + 1, last_message_at = ${now},
         waiting_since = coalesce(waiting_since, ${now}),
         response_due_at = CASE WHEN waiting_since IS NULL THEN ${p.add(m.dueIfNowWaiting)}::timestamptz ELSE response_due_at END,
         ended_by_user_at = NULL
       WHERE id = ${conv} AND service_id = ${p.add(who.serviceId)} AND status = 'open'
         AND (${p.add(openNow)}::boolean OR out_of_hours_period_start = ${p.add(closedSince)}::timestamptz)
       RETURNING last_seq),
     m AS (
       INSERT INTO messages (id, conversation_id, seq, kind, author_kind, body_enc, client_ref, created_at)
       SELECT ${p.add(id)}, ${conv}, c.last_seq, 'message', 'service_user', ${p.add(m.body)}, ${p.add(m.clientRef)}, ${now}
       FROM c RETURNING id),
     ${auditCtes(
       deps.db,
       {
         chain: conversationChain(who.conversationId),
         actorKind: 'service_user',
         actorId: who.conversationId,
         action: 'conversation.message',
         targetKind: 'message',
         targetId: id,
       },
       p,
       'm',
     )}
     SELECT last_seq FROM c`;
  const { rows } = await deps.db.write<{ last_seq: number }>(sql, p.values);
  const seq = rows[0]?.last_seq;
  if (seq === undefined) return null;
  const row: MessageRow = {
    id,
    conversation_id: who.conversationId,
    seq,
    kind: 'message',
    author_kind: 'service_user',
    author_staff_id: null,
    author_name_enc: null,
    body_enc: m.body,
    created_at: m.now,
  };
  return [{ id, seq, row }];
}

/** The service user says they are done. The team still closes it with an outcome. */
export async function endConversation(deps: Deps, who: ServiceUserContext): Promise<PublicConversation> {
  const seal = await deps.keyring.sealer(who.organisationId);
  const now = deps.now();
  const ended = await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ last_seq: number }>(
      `UPDATE conversations SET ended_by_user_at = $2, last_seq = last_seq + 1
       WHERE id = $1 AND ended_by_user_at IS NULL AND status = 'open' RETURNING last_seq`,
      [who.conversationId, now],
    );
    if (!rows[0]) return null;
    const ids = await insertMessages(q, who.conversationId, rows[0].last_seq, now, [
      { kind: 'event', authorKind: 'system', body: seal('The service user ended the conversation.') },
    ]);
    await appendAudit(q, {
      chain: conversationChain(who.conversationId),
      actorKind: 'service_user',
      actorId: who.conversationId,
      action: 'conversation.end_by_user',
      targetKind: 'conversation',
      targetId: who.conversationId,
    });
    return ids;
  });
  if (ended) publishMessages(deps, who, ended);
  else publishConversationChanged(deps, who);
  return getPublicConversation(deps, who);
}
