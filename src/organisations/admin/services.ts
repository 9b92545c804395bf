import { forgetCachedService } from '../serviceCache.js';
import type { StaffContext } from '../../identity/staffContext.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { NotFound } from '../../platform/http/errors.js';
import { createService, SERVICE_COLUMNS, serviceFromRow, type Service } from '../services.js';
import { requireAdministeredService, requireOrgAdmin } from './access.js';
import type { ServiceCreate, ServicePatch } from './schemas.js';
import { checkServiceSettings, checkWeekly } from './settings.js';

type ServiceRow = Parameters<typeof serviceFromRow>[0];

/** Every service the caller administers, inactive ones included so they can be switched back on. */
export async function listAdministeredServices(deps: Pick<Deps, 'db'>, staff: StaffContext): Promise<Service[]> {
  const { rows } = staff.isOrgAdmin
    ? await deps.db.query<ServiceRow>(
        `SELECT ${SERVICE_COLUMNS} FROM services WHERE organisation_id = $1 ORDER BY name, slug`,
        [staff.organisationId],
      )
    : await deps.db.query<ServiceRow>(
        `SELECT ${SERVICE_COLUMNS} FROM services
         WHERE organisation_id = $1 AND id IN (
           SELECT service_id FROM memberships WHERE staff_id = $2 AND role = 'service_admin')
         ORDER BY name, slug`,
        [staff.organisationId, staff.staffId],
      );
  return rows.map(serviceFromRow);
}

/** Organisation admins only; the new service starts with the default auto-replies unless given. */
export async function createAdministeredService(
  deps: Pick<Deps, 'db'>,
  staff: StaffContext,
  input: ServiceCreate,
): Promise<Service> {
  requireOrgAdmin(staff);
  const { weekly, ...settings } = checkServiceSettings(input);
  return createService(
    deps,
    staff.organisationId,
    { ...settings, ...(weekly ? { weekly: checkWeekly(weekly) } : {}) },
    { kind: 'staff', id: staff.staffId },
  );
}

/** Request field → column. Only these can be written, whatever else a caller sends. */
const COLUMNS: Record<keyof ServicePatch, string> = {
  name: 'name',
  audience: 'audience',
  description: 'description',
  contactPromise: 'contact_promise',
  asksFirstName: 'asks_first_name',
  asksAgeRange: 'asks_age_range',
  asksSchool: 'asks_school',
  ageRanges: 'age_ranges',
  outcomes: 'outcomes',
  welcomeMessage: 'welcome_message',
  outOfHoursMessage: 'out_of_hours_message',
  responseTargetWorkingHours: 'response_target_working_hours',
  nation: 'nation',
  active: 'active',
};

export async function updateService(
  deps: Pick<Deps, 'db' | 'cache'>,
  staff: StaffContext,
  serviceId: string,
  patch: ServicePatch,
): Promise<Service> {
  const checked = checkServiceSettings(patch);
  const fields = (Object.keys(COLUMNS) as (keyof ServicePatch)[]).filter((k) => checked[k] !== undefined);
  const result = await deps.db.tx(async (q) => {
    await requireAdministeredService(q, staff, serviceId);
    const sets = fields.map((f, i) => `${COLUMNS[f]} = $${i + 3}`);
    const { rows } = await q.query<ServiceRow>(
      `UPDATE services SET ${sets.join(', ')} WHERE id = $1 AND organisation_id = $2 RETURNING ${SERVICE_COLUMNS}`,
      [serviceId, staff.organisationId, ...fields.map((f) => checked[f])],
    );
    if (!rows[0]) throw new NotFound('Service');
    await appendAudit(q, {
      chain: staff.organisationId,
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'service.update',
      targetKind: 'service',
      targetId: serviceId,
      ip: staff.ip,
      // Which settings changed, never their text: enough to find the change in the history.
      reason: `fields: ${fields.join(', ')}`,
    });
    return serviceFromRow(rows[0]);
  });
  forgetCachedService(deps, serviceId);
  return result;
}
