import { hasServiceRole, type StaffContext } from '../identity/staffContext.js';
import { recordAudit } from '../platform/audit/auditLog.js';
import type { Deps } from '../platform/deps.js';
import { NotFound } from '../platform/http/errors.js';
import { SUMMARY_SELECT, toSummary, type ConversationSummary, type SummaryRow } from './summaries.js';

export type InboxView = 'unassigned' | 'mine' | 'open' | 'closed';

const VIEW_FILTER: Record<InboxView, string> = {
  unassigned: "c.status = 'open' AND c.assigned_to IS NULL",
  mine: "c.status = 'open' AND c.assigned_to = $1",
  open: "c.status = 'open'",
  closed: "c.status = 'closed'",
};

// Waiting longest first: the team works the queue from the person who has waited most.
const VIEW_ORDER: Record<InboxView, string> = {
  unassigned: 'c.waiting_since ASC NULLS LAST, c.created_at ASC',
  mine: 'c.waiting_since ASC NULLS LAST, c.last_message_at DESC',
  open: 'c.waiting_since ASC NULLS LAST, c.last_message_at DESC',
  closed: 'c.closed_at DESC',
};

export const INBOX_PAGE_SIZE = 200;

export async function listInbox(
  deps: Deps,
  staff: StaffContext,
  view: InboxView,
  serviceId?: string,
): Promise<ConversationSummary[]> {
  const services = [...staff.roles.keys()].filter((id) => hasServiceRole(staff, id, 'clinician'));
  if (serviceId !== undefined && !services.includes(serviceId)) throw new NotFound('Service');
  const scope = serviceId ? [serviceId] : services;
  if (scope.length === 0) return [];
  const { rows } = await deps.db.query<SummaryRow>(
    `${SUMMARY_SELECT} WHERE c.service_id = ANY($2::uuid[]) AND c.organisation_id = $3 AND ${VIEW_FILTER[view]}
     ORDER BY ${VIEW_ORDER[view]} LIMIT ${INBOX_PAGE_SIZE}`,
    [staff.staffId, scope, staff.organisationId],
  );
  // The list shows service users' names: a read of personal data, so it is audited too.
  await recordAudit(deps.db, {
    chain: staff.organisationId,
    actorKind: 'staff',
    actorId: staff.staffId,
    action: `inbox.view_${view}`,
    targetKind: serviceId ? 'service' : null,
    targetId: serviceId ?? null,
    ip: staff.ip,
  });
  return Promise.all(rows.map((r) => toSummary(deps, r)));
}
