import { randomUUID } from 'node:crypto';
import type { Nation, WeeklyPeriod } from '../platform/calendar/index.js';
import { appendAudit } from '../platform/audit/auditLog.js';
import type { Queryable } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';
import { Conflict, Invalid } from '../platform/http/errors.js';
import { DEFAULT_OUT_OF_HOURS_MESSAGE, DEFAULT_WELCOME_MESSAGE } from './defaults.js';

export type Service = {
  id: string;
  organisationId: string;
  slug: string;
  name: string;
  audience: string;
  description: string;
  contactPromise: string;
  nation: Nation;
  asksFirstName: boolean;
  asksAgeRange: boolean;
  asksSchool: boolean;
  ageRanges: string[];
  outcomes: string[];
  welcomeMessage: string;
  outOfHoursMessage: string;
  responseTargetWorkingHours: number;
  weekly: WeeklyPeriod[];
  active: boolean;
};

export type ServiceInput = Partial<Omit<Service, 'id' | 'organisationId' | 'slug' | 'name'>> & {
  slug: string;
  name: string;
};

type ServiceRow = {
  id: string;
  organisation_id: string;
  slug: string;
  name: string;
  audience: string;
  description: string;
  contact_promise: string;
  nation: Nation;
  asks_first_name: boolean;
  asks_age_range: boolean;
  asks_school: boolean;
  age_ranges: string[];
  outcomes: string[];
  welcome_message: string;
  out_of_hours_message: string;
  response_target_working_hours: string | number;
  weekly_hours: WeeklyPeriod[];
  active: boolean;
};

export const SERVICE_COLUMNS = `id, organisation_id, slug, name, audience, description, contact_promise, nation,
  asks_first_name, asks_age_range, asks_school, age_ranges, outcomes, welcome_message, out_of_hours_message,
  response_target_working_hours, weekly_hours, active`;

export function serviceFromRow(r: ServiceRow): Service {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    slug: r.slug,
    name: r.name,
    audience: r.audience,
    description: r.description,
    contactPromise: r.contact_promise,
    nation: r.nation,
    asksFirstName: r.asks_first_name,
    asksAgeRange: r.asks_age_range,
    asksSchool: r.asks_school,
    ageRanges: r.age_ranges,
    outcomes: r.outcomes,
    welcomeMessage: r.welcome_message,
    outOfHoursMessage: r.out_of_hours_message,
    responseTargetWorkingHours: Number(r.response_target_working_hours),
    weekly: r.weekly_hours,
    active: r.active,
  };
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export async function createService(
  deps: Pick<Deps, 'db'>,
  organisationId: string,
  input: ServiceInput,
  actor: { kind: 'system' | 'staff'; id: string | null } = { kind: 'system', id: null },
): Promise<Service> {
  if (!SLUG.test(input.slug)) throw new Invalid('Web address name must be lower-case letters, digits and hyphens.');
  const id = randomUUID();
  return deps.db.tx(async (q) => {
    const { rows, rowCount } = await q.query<ServiceRow>(
      `INSERT INTO services (id, organisation_id, slug, name, audience, description, contact_promise, nation,
         asks_first_name, asks_age_range, asks_school, age_ranges, outcomes, welcome_message, out_of_hours_message,
         response_target_working_hours, weekly_hours)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT (slug) DO NOTHING
       RETURNING ${SERVICE_COLUMNS}`,
      [
        id,
        organisationId,
        input.slug,
        input.name,
        input.audience ?? '',
        input.description ?? '',
        input.contactPromise ?? 'We reply within one working day.',
        input.nation ?? 'england-and-wales',
        input.asksFirstName ?? true,
        input.asksAgeRange ?? false,
        input.asksSchool ?? false,
        input.ageRanges ?? ['11-13', '14-16', '17-19'],
        input.outcomes ?? ['Advice given', 'Signposted', 'Referred', 'Safeguarding referral', 'No response needed'],
        input.welcomeMessage ?? DEFAULT_WELCOME_MESSAGE,
        input.outOfHoursMessage ?? DEFAULT_OUT_OF_HOURS_MESSAGE,
        input.responseTargetWorkingHours ?? 8,
        JSON.stringify(input.weekly ?? []),
      ],
    );
    if (rowCount === 0) throw new Conflict('That web address name is already in use.');
    await appendAudit(q, {
      chain: organisationId,
      actorKind: actor.kind,
      actorId: actor.id,
      action: 'service.create',
      targetKind: 'service',
      targetId: id,
    });
    return serviceFromRow(rows[0]!);
  });
}

export async function findServiceBySlug(q: Queryable, slug: string): Promise<Service | null> {
  const { rows } = await q.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE slug = $1 AND active`, [
    slug,
  ]);
  return rows[0] ? serviceFromRow(rows[0]) : null;
}

export async function findServiceById(q: Queryable, id: string): Promise<Service | null> {
  const { rows } = await q.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE id = $1`, [id]);
  return rows[0] ? serviceFromRow(rows[0]) : null;
}
