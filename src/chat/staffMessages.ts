import { randomUUID } from 'node:crypto';
import { hasServiceRole, type StaffContext } from '../identity/staffContext.js';
import { auditCtes, conversationChain } from '../platform/audit/auditLog.js';
import { SqlParams } from '../platform/db/sqlParams.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { Deps } from '../platform/deps.js';
import { Conflict } from '../platform/http/errors.js';
import { authorizeConversation } from './authorize.js';
import { checkMessageText } from './messageText.js';
import { publishMessages } from './publish.js';
import { findMessageByClientRef, toStaffMessage, type MessageRow, type StaffMessage } from './views.js';

/** The UPDATE matched nothing: closed, or not the caller's to write to. */
class NotWritten extends Error {}

/**
 * A reply to the service user, or an internal note the service user never sees. Replying to an
 * unassigned conversation takes it on, and answers the wait (the response clock stops); a note
 * changes neither. Writing to a closed conversation is refused: reopen by the service user only.
 */
export async function postStaffMessage(
  deps: Deps,
  staff: StaffContext,
  conversationId: string,
  kind: 'message' | 'note',
  input: { message: string; clientRef: string },
): Promise<StaffMessage> {
  const text = checkMessageText(input.message);
  // The caller's rights are part of the UPDATE itself (their organisation and services), so the
  // common case needs no separate authorisation query; a miss is explained after the rollback.
  const services = [...staff.roles.keys()].filter((id) => hasServiceRole(staff, id, 'clinician'));
  const seal = await deps.keyring.sealer(staff.organisationId);
  const now = deps.now();
  const id = randomUUID();
  const body = seal(text);
  let written: { last_seq: number; service_id: string; author_name_enc: unknown };
  try {
    // One statement, so one round trip and atomic on its own: take the conversation's row lock
    // and next sequence number, add the message, mark everything before it read (writing a reply
    // means having read it), and audit. Each later part runs only if the UPDATE matched.
    const p = new SqlParams();
    const [conv, at, staffId] = [conversationId, now, staff.staffId].map((v) => p.add(v));
    const rights = `id = ${conv} AND organisation_id = ${p.add(staff.organisationId)}
         AND service_id = ANY(${p.add(services)}::uuid[]) AND status = 'open'`;
    const update =
      kind === 'message'
        ? `UPDATE conversations SET last_seq = last_seq + 1, last_message_at = ${at}, waiting_since = NULL,
             response_due_at = NULL, assigned_to = coalesce(assigned_to, ${staffId})
           WHERE ${rights} RETURNING last_seq, service_id`
        : `UPDATE conversations SET last_seq = last_seq + 1 WHERE ${rights} RETURNING last_seq, service_id`;
    const sql = `WITH c AS (${update}),
     m AS (
       INSERT INTO messages (id, conversation_id, seq, kind, author_kind, author_staff_id, body_enc, client_ref, created_at)
       SELECT ${p.add(id)}, ${conv}, c.last_seq, ${p.add(kind)}, 'staff', ${staffId}, ${p.add(body)}, ${p.add(input.clientRef)}, ${at}
       FROM c RETURNING id),
     r AS (
       INSERT INTO conversation_reads (conversation_id, staff_id, last_read_seq) SELECT ${conv}, ${staffId}, c.last_seq FROM c
       ON CONFLICT (conversation_id, staff_id) DO UPDATE SET last_read_seq = greatest(conversation_reads.last_read_seq, excluded.last_read_seq)),
     ${auditCtes(
       deps.db,
       {
         chain: conversationChain(conversationId),
         actorKind: 'staff',
         actorId: staff.staffId,
         action: kind === 'message' ? 'conversation.reply' : 'conversation.note',
         targetKind: 'message',
         targetId: id,
         ip: staff.ip,
       },
       p,
       'm',
     )}
     SELECT c.last_seq, c.service_id, st.name_enc AS author_name_enc FROM c JOIN staff st ON st.id = ${staffId}`;
    const { rows } = await deps.db.write<typeof written>(sql, p.values);
    if (!rows[0]) throw new NotWritten();
    written = rows[0];
  } catch (err) {
    if (err instanceof NotWritten) {
      // Outside the caller's rights answers 404 as always; within them, a retry of a message that
      // was written before the conversation closed gets its first answer, anything else 409.
      await authorizeConversation(deps.db, staff, conversationId);
      const prior = await findMessageByClientRef(deps, conversationId, input.clientRef, { text, kind });
      if (prior) return toStaffMessage(deps, prior);
      throw new Conflict('This conversation is closed.', 'conversation_closed');
    }
    if (!isUniqueViolation(err)) throw err;
    const again = await findMessageByClientRef(deps, conversationId, input.clientRef, { text, kind });
    if (!again) throw err;
    return toStaffMessage(deps, again);
  }
  // The whole row, so this node's live hub need not read it back.
  const row: MessageRow = {
    id,
    conversation_id: conversationId,
    seq: written.last_seq,
    kind,
    author_kind: 'staff',
    author_staff_id: staff.staffId,
    author_name_enc: written.author_name_enc,
    body_enc: body,
    created_at: now,
  };
  publishMessages(deps, { organisationId: staff.organisationId, serviceId: written.service_id, conversationId }, [
    { id, row },
  ]);
  return toStaffMessage(deps, row);
}
