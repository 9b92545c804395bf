import { randomBytes } from 'node:crypto';
import { createStaffAccount } from '../identity/staffAccounts.js';
import type { Role } from '../identity/staffContext.js';
import { createOrganisation, type Organisation } from '../organisations/organisations.js';
import { createService, type Service, type ServiceInput } from '../organisations/services.js';
import type { WeeklyPeriod } from '../platform/calendar/index.js';
import type { Deps } from '../platform/deps.js';

/** Unique values per call so tests never collide, on a shared database or a fresh one. */
export function unique(prefix = 'x'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** Open every day, all day: tests that are not about opening hours should not depend on the clock. */
export const ALWAYS_OPEN: WeeklyPeriod[] = ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({
  day,
  start: '00:00',
  end: '24:00',
}));

export async function makeOrganisation(
  deps: Pick<Deps, 'db'>,
  overrides: { requireMfa?: boolean } = {},
): Promise<Organisation> {
  return createOrganisation(deps, {
    name: `Test NHS Trust ${unique()}`,
    odsCode: unique('R').toUpperCase().slice(0, 8),
    ...overrides,
  });
}

export async function makeService(
  deps: Pick<Deps, 'db'>,
  organisationId: string,
  overrides: Partial<ServiceInput> = {},
): Promise<Service> {
  return createService(deps, organisationId, {
    slug: unique('svc-'),
    name: 'School nursing 11–19',
    weekly: ALWAYS_OPEN,
    ...overrides,
  });
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function makeStaff(
  deps: Pick<Deps, 'db' | 'keyring'>,
  organisationId: string,
  opts: { memberships?: { serviceId: string; role: Role }[]; isOrgAdmin?: boolean; name?: string } = {},
): Promise<{ id: string; email: string; password: string; name: string }> {
  const email = `${unique('nurse')}@example.nhs.uk`;
  const name = opts.name ?? `Nurse ${unique()}`;
  const { id } = await createStaffAccount(deps, {
    organisationId,
    email,
    name,
    password: TEST_PASSWORD,
    isOrgAdmin: opts.isOrgAdmin ?? false,
    memberships: opts.memberships ?? [],
  });
  return { id, email, password: TEST_PASSWORD, name };
}
