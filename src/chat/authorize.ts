import { requireServiceRole, type Role, type StaffContext } from '../identity/staffContext.js';
import type { Queryable } from '../platform/db/types.js';
import { NotFound } from '../platform/http/errors.js';

export type ConversationRef = { conversationId: string; organisationId: string; serviceId: string };

/**
 * The conversation if the caller holds at least `min` in its service; otherwise 404, the same
 * answer as a conversation that does not exist, so ids cannot be probed across teams.
 */
export async function authorizeConversation(
  q: Queryable,
  staff: StaffContext,
  conversationId: string,
  min: Role = 'clinician',
): Promise<ConversationRef> {
  const { rows } = await q.query<{ organisation_id: string; service_id: string }>(
    'SELECT organisation_id, service_id FROM conversations WHERE id = $1',
    [conversationId],
  );
  const c = rows[0];
  if (!c || c.organisation_id !== staff.organisationId) throw new NotFound('Conversation');
  requireServiceRole(staff, c.service_id, min);
  return { conversationId, organisationId: c.organisation_id, serviceId: c.service_id };
}
