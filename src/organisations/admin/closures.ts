import { forgetCachedService } from '../serviceCache.js';
import { randomUUID } from 'node:crypto';
import type { StaffContext } from '../../identity/staffContext.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import { validateClosures } from '../../platform/calendar/index.js';
import type { Deps } from '../../platform/deps.js';
import { Invalid, NotFound } from '../../platform/http/errors.js';
import { requireAdministeredService } from './access.js';

export type AdminClosure = { id: string; startsAt: string; endsAt: string; reason: string; current: boolean };

/** A closure longer than a year is almost certainly a typo in the year; a service closing for good is made inactive. */
export const MAX_CLOSURE_DAYS = 366;

type ClosureRow = { id: string; starts_at: Date; ends_at: Date; reason: string };

function closureFromRow(r: ClosureRow, now: Date): AdminClosure {
  const startsAt = new Date(r.starts_at);
  const endsAt = new Date(r.ends_at);
  return {
    id: r.id,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    reason: r.reason,
    current: startsAt <= now && now < endsAt,
  };
}

/** Closures in force now or still to come: the ones that change what service users are told. */
export async function listClosures(
  deps: Pick<Deps, 'db' | 'now'>,
  staff: StaffContext,
  serviceId: string,
): Promise<AdminClosure[]> {
  await requireAdministeredService(deps.db, staff, serviceId);
  const now = deps.now();
  const { rows } = await deps.db.query<ClosureRow>(
    `SELECT id, starts_at, ends_at, reason FROM service_closures
     WHERE service_id = $1 AND ends_at > $2 ORDER BY starts_at, ends_at LIMIT 1000`,
    [serviceId, now],
  );
  return rows.map((r) => closureFromRow(r, now));
}

export async function addClosure(
  deps: Pick<Deps, 'db' | 'now' | 'cache'>,
  staff: StaffContext,
  serviceId: string,
  input: { startsAt: string; endsAt: string; reason?: string },
): Promise<AdminClosure> {
  const start = new Date(input.startsAt);
  const end = new Date(input.endsAt);
  const reason = (input.reason ?? '').trim();
  const problems = validateClosures([{ start, end }]);
  if (problems.length === 0 && end.getTime() - start.getTime() > MAX_CLOSURE_DAYS * 86_400_000)
    problems.push(`A closure can last at most ${MAX_CLOSURE_DAYS} days.`);
  const now = deps.now();
  // A closure already over would change nothing and never be listed: almost always a wrong date.
  if (problems.length === 0 && end <= now) problems.push('That closure has already ended.');
  if (problems.length > 0) throw new Invalid(problems.join(' '), 'invalid_closure');
  const id = randomUUID();
  const result = await deps.db.tx(async (q) => {
    await requireAdministeredService(q, staff, serviceId);
    const { rows } = await q.query<ClosureRow>(
      `INSERT INTO service_closures (id, service_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, starts_at, ends_at, reason`,
      [id, serviceId, start, end, reason],
    );
    await appendAudit(q, {
      chain: staff.organisationId,
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'service.closure_add',
      targetKind: 'service',
      targetId: serviceId,
      ip: staff.ip,
      // The free-text reason may name a colleague ("Sam's leave"), so only ids and instants.
      reason: `closure ${id} ${start.toISOString()}/${end.toISOString()}`,
    });
    return closureFromRow(rows[0]!, now);
  });
  forgetCachedService(deps, serviceId);
  return result;
}

export async function removeClosure(
  deps: Pick<Deps, 'db' | 'cache'>,
  staff: StaffContext,
  serviceId: string,
  closureId: string,
): Promise<void> {
  await deps.db.tx(async (q) => {
    await requireAdministeredService(q, staff, serviceId);
    const { rowCount } = await q.query('DELETE FROM service_closures WHERE id = $1 AND service_id = $2', [
      closureId,
      serviceId,
    ]);
    if (rowCount === 0) throw new NotFound('Closure');
    await appendAudit(q, {
      chain: staff.organisationId,
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'service.closure_remove',
      targetKind: 'service',
      targetId: serviceId,
      ip: staff.ip,
      reason: `closure ${closureId}`,
    });
  });
  forgetCachedService(deps, serviceId);
}
