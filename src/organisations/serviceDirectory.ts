import type { StaffContext } from '../identity/staffContext.js';
import type { Deps } from '../platform/deps.js';

/** The organisation's active services, by name: where a conversation may be transferred. */
export async function listOrganisationServices(
  deps: Pick<Deps, 'db'>,
  staff: StaffContext,
): Promise<{ id: string; name: string }[]> {
  const { rows } = await deps.db.query<{ id: string; name: string }>(
    'SELECT id, name FROM services WHERE organisation_id = $1 AND active ORDER BY name',
    [staff.organisationId],
  );
  return rows;
}
