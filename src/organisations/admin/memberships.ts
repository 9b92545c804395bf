import { addMembership } from '../../identity/staffAccounts.js';
import type { Role, StaffContext } from '../../identity/staffContext.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, NotFound } from '../../platform/http/errors.js';
import { checkRequestedMemberships, loadStaffViews, type AdminStaff } from './staff.js';

/**
 * Replaces someone's memberships within the services the caller administers. For an
 * organisation admin that is every service, so the set is replaced outright; a service admin's
 * request leaves memberships in other teams' services exactly as they were, which is also why
 * they can never grant anything (service_admin included) in a service they do not administer.
 */
export async function replaceMemberships(
  deps: Pick<Deps, 'db' | 'keyring' | 'bus'>,
  staff: StaffContext,
  staffId: string,
  memberships: { serviceId: string; role: Role }[],
): Promise<AdminStaff> {
  const { scope, changedRights } = await deps.db.tx(async (q) => {
    const scope = await checkRequestedMemberships(q, staff, memberships);
    if (scope.size === 0) throw new AppError(404, 'not_found', 'Not found.');
    // Row lock: two administrators editing one person at once apply one after the other.
    const target = await q.query('SELECT id FROM staff WHERE id = $1 AND organisation_id = $2 FOR UPDATE', [
      staffId,
      staff.organisationId,
    ]);
    // rows, not rowCount: on PGlite a SELECT reports rowCount 0 (affectedRows), on pg the row count.
    if (target.rows.length === 0) throw new NotFound('Staff member');
    const { rows: current } = await q.query<{ service_id: string; role: Role }>(
      'SELECT service_id, role FROM memberships WHERE staff_id = $1 AND service_id = ANY($2::uuid[])',
      [staffId, [...scope]],
    );
    // A service admin may only touch people in their services, or add someone to one: otherwise
    // the answer (a name and email) would reach beyond their teams.
    if (!staff.isOrgAdmin && current.length === 0 && memberships.length === 0) throw new NotFound('Staff member');
    const wanted = new Map(memberships.map((m) => [m.serviceId, m.role]));
    const had = new Map(current.map((m) => [m.service_id, m.role]));
    const removed = [...had.keys()].filter((id) => !wanted.has(id));
    const changed = memberships.filter((m) => had.get(m.serviceId) !== m.role);
    if (removed.length > 0)
      await q.query('DELETE FROM memberships WHERE staff_id = $1 AND service_id = ANY($2::uuid[])', [staffId, removed]);
    for (const m of changed) await addMembership(q, staff.organisationId, staffId, m.serviceId, m.role);
    await appendAudit(q, {
      chain: staff.organisationId,
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'staff.memberships_update',
      targetKind: 'staff',
      targetId: staffId,
      ip: staff.ip,
      // Internal ids and role names only: what changed, so the history shows who granted what.
      reason:
        [...changed.map((m) => `${m.serviceId}=${m.role}`), ...removed.map((id) => `${id}=none`)].join(' ') ||
        'no change',
    });
    return { scope, changedRights: removed.length > 0 || changed.length > 0 };
  });
  // After commit: the member's open consoles reconnect with their new services.
  if (changedRights) deps.bus.publish({ type: 'staff.rights_changed', staffId });
  return (await loadStaffViews(deps, staff, scope, [staffId]))[0]!;
}
