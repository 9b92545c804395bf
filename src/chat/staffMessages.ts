import { hasServiceRole, type StaffContext } from '../identity/staffContext.js';
import { appendAudit, conversationChain } from '../platform/audit/auditLog.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { Deps } from '../platform/deps.js';
import { Conflict } from '../platform/http/errors.js';
import { authorizeConversation } from './authorize.js';
import { insertMessages } from './insertMessages.js';
import { checkMessageText } from './messageText.js';
import { publishMessages } from './publish.js';
import { findMessageByClientRef, loadMessage, toStaffMessage, type StaffMessage } from './views.js';

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
  let created: { id: string; seq: number }[];
  let serviceId = '';
  try {
    created = await deps.db.tx(async (q) => {
      const { rows } = await q.query<{ last_seq: number; service_id: string }>(
        kind === 'message'
          ? `UPDATE conversations SET last_seq = last_seq + 1, last_message_at = $2, waiting_since = NULL,
               response_due_at = NULL, assigned_to = coalesce(assigned_to, $3)
             WHERE id = $1 AND organisation_id = $4 AND service_id = ANY($5::uuid[]) AND status = 'open'
             RETURNING last_seq, service_id`
          : `UPDATE conversations SET last_seq = last_seq + 1
             WHERE id = $1 AND organisation_id = $4 AND service_id = ANY($5::uuid[]) AND status = 'open'
               AND $3::uuid IS NOT NULL AND $2::timestamptz IS NOT NULL
             RETURNING last_seq, service_id`,
        [conversationId, now, staff.staffId, staff.organisationId, services],
      );
      if (!rows[0]) throw new NotWritten();
      serviceId = rows[0].service_id;
      const ids = await insertMessages(q, conversationId, rows[0].last_seq, now, [
        { kind, authorKind: 'staff', authorStaffId: staff.staffId, body: seal(text), clientRef: input.clientRef },
      ]);
      // Writing a reply means having read everything before it.
      await q.query(
        `INSERT INTO conversation_reads (conversation_id, staff_id, last_read_seq) VALUES ($1, $2, $3)
         ON CONFLICT (conversation_id, staff_id) DO UPDATE SET last_read_seq = greatest(conversation_reads.last_read_seq, $3)`,
        [conversationId, staff.staffId, rows[0].last_seq],
      );
      await appendAudit(q, {
        chain: conversationChain(conversationId),
        actorKind: 'staff',
        actorId: staff.staffId,
        action: kind === 'message' ? 'conversation.reply' : 'conversation.note',
        targetKind: 'message',
        targetId: ids[0]!.id,
        ip: staff.ip,
      });
      return ids;
    });
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
  // Read once with the author's sealed name; the same row then serves this node's live hub.
  const row = (await loadMessage(deps.db, created[0]!.id))!;
  publishMessages(deps, { organisationId: staff.organisationId, serviceId, conversationId }, [{ id: row.id, row }]);
  return toStaffMessage(deps, row);
}
