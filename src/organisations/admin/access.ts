import { requireServiceRole, type StaffContext } from '../../identity/staffContext.js';
import type { Queryable } from '../../platform/db/types.js';
import { AppError, NotFound } from '../../platform/http/errors.js';
import { findServiceById, type Service } from '../services.js';

/**
 * Who may administer what. Everything outside the caller's rights answers 404 exactly like a
 * missing record, so an administration screen never confirms that another team's service or
 * another organisation's member of staff exists.
 */

/** The caller administers at least one service (or the whole organisation). */
export function isAdministrator(staff: StaffContext): boolean {
  return staff.isOrgAdmin || [...staff.roles.values()].includes('service_admin');
}

/**
 * Clinicians and supervisors get the same answer as for a route that does not exist (the
 * not-found handler's body), so the admin area is invisible to them, not merely forbidden.
 */
export function requireAdministrator(staff: StaffContext): void {
  if (!isAdministrator(staff)) throw new AppError(404, 'not_found', 'Not found.');
}

/** Organisation-wide operations (new services, new accounts, disabling). */
export function requireOrgAdmin(staff: StaffContext): void {
  if (!staff.isOrgAdmin) throw new AppError(404, 'not_found', 'Not found.');
}

/** The service, if the caller administers it: organisation admins all of theirs, service admins their own. */
export async function requireAdministeredService(
  q: Queryable,
  staff: StaffContext,
  serviceId: string,
): Promise<Service> {
  const service = await findServiceById(q, serviceId);
  if (staff.isOrgAdmin && service?.organisationId === staff.organisationId) return service;
  requireServiceRole(staff, serviceId, 'service_admin', 'Service');
  // Memberships are created within one organisation, but the scope is checked here too.
  if (!service || service.organisationId !== staff.organisationId) throw new NotFound('Service');
  return service;
}

/** Ids of every service the caller administers, read inside the caller's transaction. */
export async function administeredServiceIds(q: Queryable, staff: StaffContext): Promise<Set<string>> {
  if (staff.isOrgAdmin) {
    const { rows } = await q.query<{ id: string }>('SELECT id FROM services WHERE organisation_id = $1', [
      staff.organisationId,
    ]);
    return new Set(rows.map((r) => r.id));
  }
  const candidates = [...staff.roles].filter(([, role]) => role === 'service_admin').map(([id]) => id);
  if (candidates.length === 0) return new Set();
  const { rows } = await q.query<{ id: string }>(
    'SELECT id FROM services WHERE organisation_id = $1 AND id = ANY($2::uuid[])',
    [staff.organisationId, candidates],
  );
  return new Set(rows.map((r) => r.id));
}
