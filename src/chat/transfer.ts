import type { StaffContext } from '../identity/staffContext.js';
import { cachedServiceWithCalendar } from '../organisations/serviceCache.js';
import { appendAudit, conversationChain } from '../platform/audit/auditLog.js';
import type { Deps } from '../platform/deps.js';
import { Conflict, Invalid } from '../platform/http/errors.js';
import { forgetConversationTokens } from './access.js';
import { authorizeConversation } from './authorize.js';
import { insertMessages, responseDueAt } from './insertMessages.js';
import { publishConversationChanged, publishMessages } from './publish.js';
import { loadSummary, type ConversationSummary } from './summaries.js';

/**
 * Moves a conversation to another service of the same organisation — the team the person really
 * needs (e.g. school nursing to sexual health). The receiving team sees it unassigned in its queue
 * with the wait carried over and a new response target under its own hours; the sending team
 * loses sight of it unless its members also belong to the receiving service.
 */
export async function transferConversation(
  deps: Deps,
  staff: StaffContext,
  conversationId: string,
  input: { serviceId: string; reason: string },
): Promise<ConversationSummary> {
  const ref = await authorizeConversation(deps.db, staff, conversationId);
  const reason = input.reason.trim();
  if (!reason) throw new Invalid('Say why you are transferring this conversation.', 'reason_required');
  if (input.serviceId === ref.serviceId)
    throw new Invalid('The conversation is already with that service.', 'same_service');
  const target = await cachedServiceWithCalendar(deps, input.serviceId);
  const source = await cachedServiceWithCalendar(deps, ref.serviceId);
  if (!target || !source || target.service.organisationId !== ref.organisationId || !target.service.active) {
    throw new Invalid('Choose an active service of your organisation.', 'unknown_service');
  }
  const now = deps.now();
  const seal = await deps.keyring.sealer(ref.organisationId);
  const created = await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ last_seq: number; waiting_since: Date | null }>(
      `UPDATE conversations SET service_id = $2, assigned_to = NULL, last_seq = last_seq + 1
       WHERE id = $1 AND service_id = $3 AND status = 'open' RETURNING last_seq, waiting_since`,
      [conversationId, input.serviceId, ref.serviceId],
    );
    if (!rows[0]) throw new Conflict('This conversation is closed or has already moved.', 'conversation_closed');
    if (rows[0].waiting_since) {
      const due = responseDueAt(target.calendar, now, target.service.responseTargetWorkingHours);
      await q.query('UPDATE conversations SET response_due_at = $2 WHERE id = $1', [conversationId, due]);
    }
    const ids = await insertMessages(q, conversationId, rows[0].last_seq, now, [
      {
        kind: 'event',
        authorKind: 'staff',
        authorStaffId: staff.staffId,
        body: seal(`Transferred from ${source.service.name} to ${target.service.name}. Reason: ${reason}`),
      },
    ]);
    await appendAudit(q, {
      chain: conversationChain(conversationId),
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'conversation.transfer_service',
      targetKind: 'conversation',
      targetId: conversationId,
      ip: staff.ip,
      reason: `from service ${ref.serviceId} to service ${input.serviceId}`,
    });
    return ids;
  });
  await forgetConversationTokens(deps, conversationId);
  // The receiving team hears of it with the event; the sending team's consoles drop it.
  publishMessages(deps, { ...ref, serviceId: input.serviceId }, created);
  publishConversationChanged(deps, ref);
  return (await loadSummary(deps, deps.db, staff.staffId, conversationId))!;
}
