import { randomUUID } from 'node:crypto';
import { loadServiceCalendar } from '../organisations/serviceCalendar.js';
import { findServiceBySlug } from '../organisations/services.js';
import { appendAudit, conversationChain } from '../platform/audit/auditLog.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { Deps } from '../platform/deps.js';
import { Conflict, Invalid, NotFound } from '../platform/http/errors.js';
import { codeHmac, newCode, newToken, normaliseCode, tokenHash } from './access.js';
import { autoRepliesFor } from './autoReplies.js';
import { insertMessages, responseDueAt, type NewMessage } from './insertMessages.js';
import { checkMessageText, checkShortText } from './messageText.js';
import { publishMessages } from './publish.js';

export type StartInput = {
  message: string;
  clientRef: string;
  firstName?: string;
  ageRange?: string;
  school?: string;
};

export type Started = { conversationId: string; token: string; code: string; resumeUrl: string };

/**
 * A service user starts a conversation without an account. Their first message, the
 * acknowledgement and (when closed) the out-of-hours reply are written in one transaction.
 *
 * A retry with the same clientRef and the same details returns the same conversation with a new
 * token and code (only hashes of the first ones exist); different details with a used clientRef are refused.
 * The retry is found across the organisation, so it still matches after a transfer to another service.
 */
// Service users are anonymous: their network address is deliberately not recorded anywhere.
export async function startConversation(deps: Deps, slug: string, input: StartInput): Promise<Started> {
  const service = await findServiceBySlug(deps.db, slug);
  if (!service) throw new NotFound('Service');
  const message = checkMessageText(input.message);
  const asked = (field: string, asks: boolean, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '' && !asks)
      throw new Invalid(`This service does not ask for ${field}.`);
    return asks && value?.trim() ? value : undefined;
  };
  const firstName = asked('a first name', service.asksFirstName, input.firstName);
  const school = asked('a school', service.asksSchool, input.school);
  const ageRange = asked('an age range', service.asksAgeRange, input.ageRange);
  if (ageRange !== undefined && !service.ageRanges.includes(ageRange))
    throw new Invalid('Choose one of the age ranges offered.');

  const now = deps.now();
  const calendar = await loadServiceCalendar(deps.db, service, now);
  const seal = await deps.keyring.sealer(service.organisationId);
  const details = {
    message,
    firstName: firstName ? checkShortText(firstName, 'First name', 50) : null,
    school: school ? checkShortText(school, 'School', 100) : null,
    ageRange: ageRange ?? null,
  };
  const createHash = await deps.keyring.lookupHmac(`conversation-create:${service.id}:${JSON.stringify(details)}`);
  const token = newToken();
  const code = newCode();
  const codeHash = await codeHmac(deps, normaliseCode(code)!);
  const resumeUrl = `${deps.config.publicUrl}/c#${token}`;

  // Across the organisation: a retry still finds its conversation after a transfer.
  const findPriorStart = async () =>
    (
      await deps.db.query<{ id: string; create_hash: unknown }>(
        'SELECT id, create_hash FROM conversations WHERE organisation_id = $1 AND create_ref = $2',
        [service.organisationId, input.clientRef],
      )
    ).rows[0];
  const existing = await findPriorStart();
  if (existing) {
    return reissueCredentials(deps, existing, createHash, { token, code, codeHash, resumeUrl });
  }

  const { replies, outOfHoursPeriodStart } = autoRepliesFor({
    service,
    calendar,
    now,
    isFirstMessage: true,
    lastOutOfHoursPeriodStart: null,
  });
  const messages: NewMessage[] = [
    { kind: 'message', authorKind: 'service_user', body: seal(message), clientRef: input.clientRef },
    ...replies.map((r) => ({ kind: r.kind, authorKind: 'system' as const, body: seal(r.text) })),
  ];
  const conversationId = randomUUID();
  let created: { id: string; seq: number }[];
  try {
    created = await deps.db.tx(async (q) => {
      await q.query(
        `INSERT INTO conversations (id, organisation_id, service_id, display_name_enc, age_range, school_enc,
           access_code_hmac, created_at, last_message_at, waiting_since, response_due_at, last_seq,
           out_of_hours_period_start, create_ref, create_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8, $9, $10, $11, $12, $13)`,
        [
          conversationId,
          service.organisationId,
          service.id,
          details.firstName ? seal(details.firstName) : null,
          details.ageRange,
          details.school ? seal(details.school) : null,
          codeHash,
          now,
          responseDueAt(calendar, now, service.responseTargetWorkingHours),
          messages.length,
          outOfHoursPeriodStart,
          input.clientRef,
          createHash,
        ],
      );
      await q.query('INSERT INTO conversation_tokens (token_hash, conversation_id) VALUES ($1, $2)', [
        tokenHash(token),
        conversationId,
      ]);
      const ids = await insertMessages(q, conversationId, 1, now, messages);
      await appendAudit(q, {
        chain: service.organisationId,
        actorKind: 'service_user',
        actorId: conversationId,
        action: 'conversation.start',
        targetKind: 'conversation',
        targetId: conversationId,
      });
      // The conversation's own chain opens with its start, so verify can require it to exist.
      await appendAudit(q, {
        chain: conversationChain(conversationId),
        actorKind: 'service_user',
        actorId: conversationId,
        action: 'conversation.start',
        targetKind: 'conversation',
        targetId: conversationId,
      });
      return ids;
    });
  } catch (err) {
    // The same clientRef raced in twice: answer as a retry of whichever committed first.
    if (!isUniqueViolation(err)) throw err;
    const again = await findPriorStart();
    if (!again) throw err;
    return reissueCredentials(deps, again, createHash, { token, code, codeHash, resumeUrl });
  }
  publishMessages(deps, { organisationId: service.organisationId, serviceId: service.id, conversationId }, created);
  return { conversationId, token, code, resumeUrl };
}

async function reissueCredentials(
  deps: Deps,
  row: { id: string; create_hash: unknown },
  createHash: Buffer,
  fresh: { token: string; code: string; codeHash: Buffer; resumeUrl: string },
): Promise<Started> {
  if (!Buffer.from(row.create_hash as Uint8Array).equals(createHash)) {
    throw new Conflict('That reference was already used for a different message.', 'client_ref_reused');
  }
  await deps.db.tx(async (q) => {
    await q.query('UPDATE conversations SET access_code_hmac = $2 WHERE id = $1', [row.id, fresh.codeHash]);
    await q.query('INSERT INTO conversation_tokens (token_hash, conversation_id) VALUES ($1, $2)', [
      tokenHash(fresh.token),
      row.id,
    ]);
    await appendAudit(q, {
      chain: conversationChain(row.id),
      actorKind: 'service_user',
      actorId: row.id,
      action: 'conversation.start_retry',
      targetKind: 'conversation',
      targetId: row.id,
    });
  });
  return { conversationId: row.id, token: fresh.token, code: fresh.code, resumeUrl: fresh.resumeUrl };
}
