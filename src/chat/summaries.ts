import type { Queryable } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';

export type ConversationSummary = {
  id: string;
  serviceId: string;
  serviceName: string;
  status: 'open' | 'closed';
  displayName: string;
  ageRange: string | null;
  assignedTo: { id: string; name: string } | null;
  createdAt: string;
  lastMessageAt: string;
  waitingSince: string | null;
  responseDueAt: string | null;
  unreadCount: number;
  outcome: string | null;
  closedAt: string | null;
};

export type SummaryRow = {
  id: string;
  organisation_id: string;
  service_id: string;
  service_name: string;
  status: 'open' | 'closed';
  display_name_enc: unknown;
  age_range: string | null;
  assigned_to: string | null;
  assigned_name_enc: unknown;
  created_at: Date;
  last_message_at: Date;
  waiting_since: Date | null;
  response_due_at: Date | null;
  outcome: string | null;
  closed_at: Date | null;
  unread_count: number;
};

/**
 * A conversation's unread count for one member, as a SQL expression: messages from the service
 * user after the last one that member has read. `viewer` is the SQL naming the member.
 */
export const unreadCountSql = (viewer: string) => `(SELECT count(*)::int FROM messages m
    WHERE m.conversation_id = c.id AND m.author_kind = 'service_user'
      AND m.seq > coalesce((SELECT r.last_read_seq FROM conversation_reads r
                            WHERE r.conversation_id = c.id AND r.staff_id = ${viewer}), 0))`;

export const SUMMARY_COLUMNS = `c.id, c.organisation_id, c.service_id, s.name AS service_name, c.status,
  c.display_name_enc, c.age_range, c.assigned_to, a.name_enc AS assigned_name_enc, c.created_at,
  c.last_message_at, c.waiting_since, c.response_due_at, c.outcome, c.closed_at`;

/** $1 is always the viewing staff member: unread counts are per person. */
export const SUMMARY_SELECT = `SELECT ${SUMMARY_COLUMNS}, ${unreadCountSql('$1')} AS unread_count
  FROM conversations c
  JOIN services s ON s.id = c.service_id
  LEFT JOIN staff a ON a.id = c.assigned_to`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export async function toSummary(deps: Pick<Deps, 'keyring'>, r: SummaryRow): Promise<ConversationSummary> {
  return {
    id: r.id,
    serviceId: r.service_id,
    serviceName: r.service_name,
    status: r.status,
    displayName: (await deps.keyring.decryptOptional(r.display_name_enc)) || 'Anonymous',
    ageRange: r.age_range,
    assignedTo: r.assigned_to ? { id: r.assigned_to, name: await deps.keyring.decrypt(r.assigned_name_enc) } : null,
    createdAt: iso(r.created_at)!,
    lastMessageAt: iso(r.last_message_at)!,
    waitingSince: iso(r.waiting_since),
    responseDueAt: iso(r.response_due_at),
    unreadCount: Number(r.unread_count),
    outcome: r.outcome,
    closedAt: iso(r.closed_at),
  };
}

export async function loadSummary(
  deps: Pick<Deps, 'keyring'>,
  q: Queryable,
  viewerStaffId: string,
  conversationId: string,
): Promise<ConversationSummary | null> {
  const { rows } = await q.query<SummaryRow>(`${SUMMARY_SELECT} WHERE c.id = $2`, [viewerStaffId, conversationId]);
  return rows[0] ? toSummary(deps, rows[0]) : null;
}
