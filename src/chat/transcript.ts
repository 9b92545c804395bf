import type { StaffContext } from '../identity/staffContext.js';
import { recordAudit, conversationChain } from '../platform/audit/auditLog.js';
import type { Deps } from '../platform/deps.js';
import { NotFound } from '../platform/http/errors.js';
import { authorizeConversation } from './authorize.js';
import { loadSummary, type ConversationSummary } from './summaries.js';
import { loadMessages, toStaffMessage, type StaffMessage } from './views.js';

export type ConversationDetail = ConversationSummary & {
  school: string | null;
  endedByUser: boolean;
  recordedInClinicalRecord: boolean | null;
  outcomes: string[];
  messages: StaffMessage[];
};

/** The whole transcript for an authorised member of the team; every view is audited. */
export async function getTranscript(
  deps: Deps,
  staff: StaffContext,
  conversationId: string,
): Promise<ConversationDetail> {
  await authorizeConversation(deps.db, staff, conversationId);
  const summary = await loadSummary(deps, deps.db, staff.staffId, conversationId);
  const { rows } = await deps.db.query<{
    school_enc: unknown;
    ended_by_user_at: Date | null;
    recorded_in_clinical_record: boolean | null;
    outcomes: string[];
  }>(
    `SELECT c.school_enc, c.ended_by_user_at, c.recorded_in_clinical_record, s.outcomes
     FROM conversations c JOIN services s ON s.id = c.service_id WHERE c.id = $1`,
    [conversationId],
  );
  const extra = rows[0];
  if (!summary || !extra) throw new NotFound('Conversation');
  const messages = await loadMessages(deps.db, conversationId);
  await recordAudit(deps.db, {
    chain: conversationChain(conversationId),
    actorKind: 'staff',
    actorId: staff.staffId,
    action: 'conversation.view_transcript',
    targetKind: 'conversation',
    targetId: conversationId,
    ip: staff.ip,
  });
  return {
    ...summary,
    school: await deps.keyring.decryptOptional(extra.school_enc),
    endedByUser: extra.ended_by_user_at !== null,
    recordedInClinicalRecord: extra.recorded_in_clinical_record,
    outcomes: extra.outcomes,
    messages: await Promise.all(messages.map((m) => toStaffMessage(deps, m))),
  };
}

/** Remembers how far this member has read, for unread counts; never moves backwards. */
export async function markRead(deps: Deps, staff: StaffContext, conversationId: string, seq: number): Promise<void> {
  await authorizeConversation(deps.db, staff, conversationId);
  await deps.db.query(
    `INSERT INTO conversation_reads (conversation_id, staff_id, last_read_seq)
     SELECT id, $2, least($3, last_seq) FROM conversations WHERE id = $1
     ON CONFLICT (conversation_id, staff_id)
     DO UPDATE SET last_read_seq = greatest(conversation_reads.last_read_seq, EXCLUDED.last_read_seq)`,
    [conversationId, staff.staffId, seq],
  );
}
