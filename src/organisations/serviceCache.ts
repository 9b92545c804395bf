import type { ServiceCalendar } from '../platform/calendar/index.js';
import type { Deps } from '../platform/deps.js';
import { loadServiceCalendar } from './serviceCalendar.js';
import { findServiceById, type Service } from './services.js';

// Settings change rarely and every inbound message needs them; other nodes see a change within this.
const SERVICE_TTL_MS = 15_000;

const key = (serviceId: string) => `service:${serviceId}`;

/**
 * A service with its calendar, cached per node. The calendar holds every closure that had not
 * ended when it was loaded, which stays correct for any later instant within the TTL.
 */
export function cachedServiceWithCalendar(
  deps: Pick<Deps, 'db' | 'cache' | 'now'>,
  serviceId: string,
): Promise<{ service: Service; calendar: ServiceCalendar } | null> {
  return deps.cache.get(key(serviceId), SERVICE_TTL_MS, async () => {
    const service = await findServiceById(deps.db, serviceId);
    if (!service) return null;
    return { service, calendar: await loadServiceCalendar(deps.db, service, deps.now()) };
  });
}

/** Called after any change to a service's settings, hours or closures on this node. */
export function forgetCachedService(deps: Pick<Deps, 'cache'>, serviceId: string): void {
  deps.cache.delete(key(serviceId));
}
