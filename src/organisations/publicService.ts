import { isOpen, nextOpening } from '../platform/calendar/index.js';
import type { Deps } from '../platform/deps.js';
import { NotFound } from '../platform/http/errors.js';
import { CRISIS_SIGNPOSTING } from './defaults.js';
import { loadServiceCalendar } from './serviceCalendar.js';
import { findServiceBySlug } from './services.js';

export type PublicService = {
  slug: string;
  name: string;
  organisationName: string;
  audience: string;
  description: string;
  contactPromise: string;
  asks: { firstName: boolean; ageRange: boolean; school: boolean };
  ageRanges: string[];
  openNow: boolean;
  nextOpening: string | null;
  openingHours: { day: number; start: string; end: string }[];
  crisisMessage: string;
};

/** What anyone may see about a service before writing to it. */
export async function getPublicService(deps: Deps, slug: string): Promise<PublicService> {
  const service = await findServiceBySlug(deps.db, slug);
  if (!service) throw new NotFound('Service');
  const { rows } = await deps.db.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [
    service.organisationId,
  ]);
  const now = deps.now();
  const calendar = await loadServiceCalendar(deps.db, service, now);
  const next = nextOpening(calendar, now);
  return {
    slug: service.slug,
    name: service.name,
    organisationName: rows[0]!.name,
    audience: service.audience,
    description: service.description,
    contactPromise: service.contactPromise,
    asks: { firstName: service.asksFirstName, ageRange: service.asksAgeRange, school: service.asksSchool },
    ageRanges: service.ageRanges,
    openNow: isOpen(calendar, now),
    nextOpening: next ? next.toISOString() : null,
    openingHours: [...service.weekly].sort((a, b) => a.day - b.day || a.start.localeCompare(b.start)),
    crisisMessage: CRISIS_SIGNPOSTING,
  };
}
