import { bankHolidaysFor, type ServiceCalendar } from '../platform/calendar/index.js';
import type { Queryable } from '../platform/db/types.js';
import type { Service } from './services.js';

/**
 * A service's calendar as the working-time module wants it. Only closures that have not ended by
 * `from` matter for "open now", "next opening" and response targets, so older ones are not loaded.
 */
export async function loadServiceCalendar(q: Queryable, service: Service, from: Date): Promise<ServiceCalendar> {
  const { rows } = await q.query<{ starts_at: Date; ends_at: Date; reason: string }>(
    'SELECT starts_at, ends_at, reason FROM service_closures WHERE service_id = $1 AND ends_at > $2 ORDER BY starts_at',
    [service.id, from],
  );
  return {
    timeZone: 'Europe/London',
    nation: service.nation,
    weekly: service.weekly,
    closures: rows.map((r) => ({ start: new Date(r.starts_at), end: new Date(r.ends_at), reason: r.reason })),
    bankHolidays: bankHolidaysFor(service.nation),
  };
}
