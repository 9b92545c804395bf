import { requireServiceRole, type Role, type StaffContext } from '../identity/staffContext.js';
import type { Deps } from '../platform/deps.js';

export type ServiceMember = { staffId: string; name: string; role: Role };

/** Colleagues in a service, for assignment. Only members of the service may list them. */
export async function listServiceMembers(deps: Deps, staff: StaffContext, serviceId: string): Promise<ServiceMember[]> {
  requireServiceRole(staff, serviceId, 'clinician', 'Service');
  const { rows } = await deps.db.query<{ staff_id: string; name_enc: unknown; role: Role }>(
    `SELECT m.staff_id, s.name_enc, m.role FROM memberships m JOIN staff s ON s.id = m.staff_id
     WHERE m.service_id = $1 AND s.organisation_id = $2 AND NOT s.disabled`,
    [serviceId, staff.organisationId],
  );
  const members = await Promise.all(
    rows.map(async (r) => ({ staffId: r.staff_id, name: await deps.keyring.decrypt(r.name_enc), role: r.role })),
  );
  return members.sort((a, b) => a.name.localeCompare(b.name));
}
