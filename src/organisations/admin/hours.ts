import { forgetCachedService } from '../serviceCache.js';
import type { StaffContext } from '../../identity/staffContext.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { NotFound } from '../../platform/http/errors.js';
import { SERVICE_COLUMNS, serviceFromRow, type Service } from '../services.js';
import { requireAdministeredService } from './access.js';
import { checkWeekly } from './settings.js';

type ServiceRow = Parameters<typeof serviceFromRow>[0];

/** Replaces the weekly opening hours; bank holidays and closures still apply on top. */
export async function replaceWeeklyHours(
  deps: Pick<Deps, 'db' | 'cache'>,
  staff: StaffContext,
  serviceId: string,
  weekly: unknown,
): Promise<Service> {
  const periods = checkWeekly(weekly);
  const result = await deps.db.tx(async (q) => {
    await requireAdministeredService(q, staff, serviceId);
    const { rows } = await q.query<ServiceRow>(
      `UPDATE services SET weekly_hours = $3 WHERE id = $1 AND organisation_id = $2 RETURNING ${SERVICE_COLUMNS}`,
      [serviceId, staff.organisationId, JSON.stringify(periods)],
    );
    if (!rows[0]) throw new NotFound('Service');
    await appendAudit(q, {
      chain: staff.organisationId,
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'service.hours_update',
      targetKind: 'service',
      targetId: serviceId,
      ip: staff.ip,
      reason: `${periods.length} weekly period(s)`,
    });
    return serviceFromRow(rows[0]);
  });
  forgetCachedService(deps, serviceId);
  return result;
}
