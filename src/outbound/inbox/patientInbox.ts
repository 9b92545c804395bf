import type { PatientContext } from '../../identity/patientSignIn/patientSessionHook.js';
import { patientChain } from '../../identity/patientSignIn/patientChain.js';
import { appendAudit, recordAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { Forbidden, NotFound } from '../../platform/http/errors.js';
import type { CommunicationRequestResource } from '../fhir/communicationResource.js';
import { recordReceipt } from '../receipts/recordReceipt.js';

export type InboxMessage = {
  id: string;
  /**
   * `linkDomains`: the sending client's allowed link domains as they are now. The content was
   * checked against them when it was sent; the web app checks each link again as it shows it, so
   * the inbox links to those hosts and nowhere else whatever the stored text holds, and a domain
   * the sender gives up (which someone else may then register) stops being a link in old messages.
   */
  sender: { name: string; odsCode: string; verified: boolean; linkDomains: string[] };
  /** Markdown, as checked at sending: links only https to the sender's registered domains. */
  content: string;
  sentAt: string;
  read: boolean;
};

export const INBOX_PAGE_SIZE = 50;

/** Messages addressed by NHS number reach only a session whose sign-in proved identity to P9. */
function requireP9(patient: PatientContext): void {
  if (patient.identityLevel !== 'P9') {
    throw new Forbidden(
      'Your messages are shown once your identity is fully verified (NHS login P9).',
      'identity_level',
    );
  }
}

type Row = {
  id: string;
  resource_enc: unknown;
  created_at: Date;
  read_at: Date | null;
  org_name: string;
  ods_code: string;
  allowed_link_domains: string[];
};

/** An in-app message to a patient with its sender: the columns of `Row`, then the conditions. */
const INBOX_FROM = `SELECT m.id, m.resource_enc, m.created_at, m.read_at, o.name AS org_name, c.ods_code,
            c.allowed_link_domains
     FROM outbound_messages m
     JOIN api_clients c ON c.id = m.client_id
     JOIN organisations o ON o.id = c.organisation_id
     WHERE m.patient_id = $1 AND m.channel = 'in_app'`;

/**
 * The patient's in-app messages from every sender, newest first. The sender is the organisation
 * that registered the sending system (its ODS code is the one the message was sent under), so
 * every sender shown is verified. Reading the inbox reads personal content: audited.
 */
export async function listInbox(
  deps: Pick<Deps, 'db' | 'keyring'>,
  patient: PatientContext,
  opts: { before?: Date; beforeId?: string; ip: string | null },
): Promise<{ messages: InboxMessage[]; unread: number; next: { before: string; beforeId: string } | null }> {
  requireP9(patient);
  const { rows } = await deps.db.query<Row>(
    `${INBOX_FROM}
       AND ($2::timestamptz IS NULL OR m.created_at < $2 OR (m.created_at = $2 AND m.id < $3::uuid))
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT $4`,
    // Messages written together share their time, so the page ends at a (time, id) pair: with the
    // time alone, the rest of a Bundle would fall between two pages.
    [patient.patientId, opts.before ?? null, opts.beforeId ?? null, INBOX_PAGE_SIZE],
  );
  const unread = await deps.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbound_messages WHERE patient_id = $1 AND channel = 'in_app' AND read_at IS NULL`,
    [patient.patientId],
  );
  const messages = await Promise.all(rows.map((r) => toInboxMessage(deps, r)));
  await recordAudit(deps.db, {
    chain: patientChain(patient.patientId),
    actorKind: 'service_user',
    actorId: patient.patientId,
    action: 'patient.inbox_read',
    targetKind: 'patient',
    targetId: patient.patientId,
    ip: opts.ip,
    reason: `${messages.length} message(s)`,
  });
  const last = messages.length === INBOX_PAGE_SIZE ? messages[messages.length - 1]! : null;
  return { messages, unread: unread.rows[0]!.n, next: last ? { before: last.sentAt, beforeId: last.id } : null };
}

/**
 * One of the patient's messages, as the inbox shows it: for a link to a message older than the
 * pages loaded so far. Someone else's message answers 404 like a missing one. Reading it is
 * audited, as reading the inbox is.
 */
export async function getInboxMessage(
  deps: Pick<Deps, 'db' | 'keyring'>,
  patient: PatientContext,
  messageId: string,
  ip: string | null,
): Promise<InboxMessage> {
  requireP9(patient);
  const { rows } = await deps.db.query<Row>(`${INBOX_FROM} AND m.id = $2`, [patient.patientId, messageId]);
  if (!rows[0]) throw new NotFound('Message');
  const message = await toInboxMessage(deps, rows[0]);
  await recordAudit(deps.db, {
    chain: patientChain(patient.patientId),
    actorKind: 'service_user',
    actorId: patient.patientId,
    action: 'patient.message_view',
    targetKind: 'outbound_message',
    targetId: messageId,
    ip,
  });
  return message;
}

async function toInboxMessage(deps: Pick<Deps, 'keyring'>, r: Row): Promise<InboxMessage> {
  const resource = JSON.parse(await deps.keyring.decrypt(r.resource_enc)) as CommunicationRequestResource;
  const payload = resource.payload[0];
  return {
    id: r.id,
    sender: { name: r.org_name, odsCode: r.ods_code, verified: true, linkDomains: r.allowed_link_domains },
    content: payload && 'contentString' in payload ? payload.contentString : '',
    sentAt: new Date(r.created_at).toISOString(),
    read: r.read_at !== null,
  };
}

/**
 * The patient opened a message: the first time, it is marked read and the sender gets a `Read`
 * receipt (and callback). Someone else's message answers 404 like a missing one.
 */
export async function markRead(
  deps: Pick<Deps, 'db' | 'now'>,
  patient: PatientContext,
  messageId: string,
  ip: string | null,
): Promise<{ id: string; read: true }> {
  requireP9(patient);
  const now = deps.now();
  await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ first: boolean }>(
      `UPDATE outbound_messages SET read_at = coalesce(read_at, $3)
       WHERE id = $1 AND patient_id = $2 AND channel = 'in_app'
       RETURNING read_at = $3 AS first`,
      [messageId, patient.patientId, now],
    );
    if (!rows[0]) throw new NotFound('Message');
    if (!rows[0].first) return;
    await recordReceipt(q, { messageId, code: 'Read', at: now });
    await appendAudit(q, {
      chain: patientChain(patient.patientId),
      actorKind: 'service_user',
      actorId: patient.patientId,
      action: 'patient.message_read',
      targetKind: 'outbound_message',
      targetId: messageId,
      ip,
    });
  });
  return { id: messageId, read: true };
}
