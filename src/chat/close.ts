import type { StaffContext } from '../identity/staffContext.js';
import { appendAudit, conversationChain } from '../platform/audit/auditLog.js';
import type { Deps } from '../platform/deps.js';
import { Conflict, Invalid } from '../platform/http/errors.js';
import { authorizeConversation } from './authorize.js';
import { insertMessages } from './insertMessages.js';
import { publishMessages } from './publish.js';
import { loadSummary, type ConversationSummary } from './summaries.js';

/**
 * Closing needs an outcome from the service's list and a statement of whether the conversation
 * was written into the clinical record: both are what a clinical audit asks of every contact.
 */
export async function closeConversation(
  deps: Deps,
  staff: StaffContext,
  conversationId: string,
  input: { outcome: string; recordedInClinicalRecord: boolean },
): Promise<ConversationSummary> {
  const ref = await authorizeConversation(deps.db, staff, conversationId);
  const outcome = input.outcome.trim();
  if (!outcome) throw new Invalid('Choose an outcome before closing.', 'outcome_required');
  const { rows: svc } = await deps.db.query<{ outcomes: string[] }>('SELECT outcomes FROM services WHERE id = $1', [
    ref.serviceId,
  ]);
  if (!svc[0]!.outcomes.includes(outcome))
    throw new Invalid('Choose one of the service’s outcomes.', 'unknown_outcome');
  const seal = await deps.keyring.sealer(ref.organisationId);
  const now = deps.now();
  const created = await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ last_seq: number }>(
      `UPDATE conversations SET status = 'closed', closed_at = $2, closed_by = $3, outcome = $4,
         recorded_in_clinical_record = $5, waiting_since = NULL, response_due_at = NULL, last_seq = last_seq + 1
       WHERE id = $1 AND status = 'open' AND service_id = $6 RETURNING last_seq`,
      [conversationId, now, staff.staffId, outcome, input.recordedInClinicalRecord, ref.serviceId],
    );
    // Closed already, or transferred to another service since it was authorised.
    if (!rows[0]) throw new Conflict('This conversation is already closed or has moved.', 'conversation_closed');
    const record = input.recordedInClinicalRecord
      ? 'Written into the clinical record.'
      : 'Not written into the clinical record.';
    const ids = await insertMessages(q, conversationId, rows[0].last_seq, now, [
      {
        kind: 'event',
        authorKind: 'staff',
        authorStaffId: staff.staffId,
        body: seal(`Closed with outcome: ${outcome}. ${record}`),
      },
    ]);
    await appendAudit(q, {
      chain: conversationChain(conversationId),
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'conversation.close',
      targetKind: 'conversation',
      targetId: conversationId,
      ip: staff.ip,
      reason: outcome,
    });
    return ids;
  });
  publishMessages(deps, ref, created, 'closed');
  return (await loadSummary(deps, deps.db, staff.staffId, conversationId))!;
}
