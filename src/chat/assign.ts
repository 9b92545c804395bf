import type { StaffContext } from '../identity/staffContext.js';
import { appendAudit, conversationChain } from '../platform/audit/auditLog.js';
import type { Deps } from '../platform/deps.js';
import { Conflict, Invalid } from '../platform/http/errors.js';
import { authorizeConversation } from './authorize.js';
import { insertMessages } from './insertMessages.js';
import { publishMessages } from './publish.js';
import { loadSummary, type ConversationSummary } from './summaries.js';

async function staffName(deps: Deps, staffId: string): Promise<string> {
  const { rows } = await deps.db.query<{ name_enc: unknown }>('SELECT name_enc FROM staff WHERE id = $1', [staffId]);
  return deps.keyring.decrypt(rows[0]!.name_enc);
}

/**
 * Claim (assign to oneself) or assign to a colleague who is a clinician or above in the same
 * service. Recorded as a staff-only event in the transcript and in the audit log. Reassigning
 * someone else's conversation (a transfer) needs supervisor rights; taking an unassigned one does not.
 */
export async function assignConversation(
  deps: Deps,
  staff: StaffContext,
  conversationId: string,
  assigneeId: string,
): Promise<ConversationSummary> {
  const ref = await authorizeConversation(deps.db, staff, conversationId);
  const member = await deps.db.query(
    `SELECT 1 FROM memberships m JOIN staff s ON s.id = m.staff_id
     WHERE m.staff_id = $1 AND m.service_id = $2 AND NOT s.disabled`,
    [assigneeId, ref.serviceId],
  );
  if (member.rows.length === 0) throw new Invalid('That person is not a member of this service.', 'not_a_member');
  const seal = await deps.keyring.sealer(ref.organisationId);
  const actorName = await staffName(deps, staff.staffId);
  const assigneeName = assigneeId === staff.staffId ? actorName : await staffName(deps, assigneeId);
  const isSupervisor = ['supervisor', 'service_admin'].includes(staff.roles.get(ref.serviceId) ?? '');
  const now = deps.now();
  const created = await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ assigned_to: string | null; status: string; service_id: string }>(
      'SELECT assigned_to, status, service_id FROM conversations WHERE id = $1 FOR UPDATE',
      [conversationId],
    );
    const c = rows[0]!;
    if (c.status !== 'open') throw new Conflict('This conversation is closed.', 'conversation_closed');
    // Rights and membership were checked against this service: it must not have moved since.
    if (c.service_id !== ref.serviceId)
      throw new Conflict('This conversation has moved to another service.', 'conversation_moved');
    const stillMember = await q.query('SELECT 1 FROM memberships WHERE staff_id = $1 AND service_id = $2', [
      assigneeId,
      ref.serviceId,
    ]);
    if (stillMember.rows.length === 0)
      throw new Invalid('That person is not a member of this service.', 'not_a_member');
    if (c.assigned_to === assigneeId) return [];
    if (c.assigned_to !== null && c.assigned_to !== staff.staffId && !isSupervisor) {
      throw new Conflict(
        'This conversation is assigned to a colleague. Ask them or a supervisor to transfer it.',
        'already_assigned',
      );
    }
    const { rows: updated } = await q.query<{ last_seq: number }>(
      'UPDATE conversations SET assigned_to = $2, last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq',
      [conversationId, assigneeId],
    );
    const text =
      assigneeId === staff.staffId
        ? `${actorName} took this conversation.`
        : `${actorName} assigned this conversation to ${assigneeName}.`;
    const ids = await insertMessages(q, conversationId, updated[0]!.last_seq, now, [
      { kind: 'event', authorKind: 'staff', authorStaffId: staff.staffId, body: seal(text) },
    ]);
    await appendAudit(q, {
      chain: conversationChain(conversationId),
      actorKind: 'staff',
      actorId: staff.staffId,
      action: c.assigned_to ? 'conversation.transfer' : 'conversation.assign',
      targetKind: 'conversation',
      targetId: conversationId,
      ip: staff.ip,
      reason: `assignee ${assigneeId}`,
    });
    return ids;
  });
  if (created.length > 0) publishMessages(deps, ref, created);
  return (await loadSummary(deps, deps.db, staff.staffId, conversationId))!;
}
