import { createStaffAccount } from '../../identity/staffAccounts.js';
import type { Role, StaffContext } from '../../identity/staffContext.js';
import { recordAudit } from '../../platform/audit/auditLog.js';
import type { Queryable } from '../../platform/db/types.js';
import type { Deps } from '../../platform/deps.js';
import { Invalid, NotFound } from '../../platform/http/errors.js';
import { administeredServiceIds, requireAdministrator, requireOrgAdmin } from './access.js';
import type { StaffCreateBody } from './schemas.js';

export type AdminStaff = {
  id: string;
  name: string;
  email: string;
  isOrgAdmin: boolean;
  disabled: boolean;
  memberships: { serviceId: string; role: Role }[];
};

type StaffRow = { id: string; name_enc: unknown; email_enc: unknown; is_org_admin: boolean; disabled: boolean };

/**
 * Accounts as an administrator sees them. `scope` is the set of services the caller administers:
 * memberships elsewhere are left out, so a service admin learns nothing about other teams.
 * With `onlyIds` unset, a service admin sees only members of their services; an organisation
 * admin (whose scope is every service) also sees accounts with no membership at all.
 */
export async function loadStaffViews(
  deps: Pick<Deps, 'db' | 'keyring'>,
  staff: StaffContext,
  scope: Set<string>,
  onlyIds?: string[],
): Promise<AdminStaff[]> {
  const serviceIds = [...scope];
  const { rows } = await deps.db.query<StaffRow>(
    `SELECT s.id, s.name_enc, s.email_enc, s.is_org_admin, s.disabled FROM staff s
     WHERE s.organisation_id = $1
       AND ($2::uuid[] IS NULL OR s.id = ANY($2::uuid[]))
       AND ($3::boolean OR EXISTS (SELECT 1 FROM memberships m WHERE m.staff_id = s.id AND m.service_id = ANY($4::uuid[])))`,
    [staff.organisationId, onlyIds ?? null, onlyIds !== undefined || staff.isOrgAdmin, serviceIds],
  );
  const memberships = await deps.db.query<{ staff_id: string; service_id: string; role: Role }>(
    `SELECT m.staff_id, m.service_id, m.role FROM memberships m JOIN staff s ON s.id = m.staff_id
     WHERE s.organisation_id = $1 AND m.service_id = ANY($2::uuid[]) AND m.staff_id = ANY($3::uuid[])
     ORDER BY m.service_id`,
    [staff.organisationId, serviceIds, rows.map((r) => r.id)],
  );
  const byStaff = new Map<string, { serviceId: string; role: Role }[]>();
  for (const m of memberships.rows) {
    const list = byStaff.get(m.staff_id) ?? [];
    list.push({ serviceId: m.service_id, role: m.role });
    byStaff.set(m.staff_id, list);
  }
  // Decrypted outside any transaction: the key ring may need the database itself.
  const views = await Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      name: await deps.keyring.decrypt(r.name_enc),
      email: await deps.keyring.decrypt(r.email_enc),
      isOrgAdmin: r.is_org_admin,
      disabled: r.disabled,
      memberships: byStaff.get(r.id) ?? [],
    })),
  );
  return views.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Names and emails are personal data, so reading the list is audited like any other read. */
export async function listStaff(deps: Pick<Deps, 'db' | 'keyring'>, staff: StaffContext): Promise<AdminStaff[]> {
  requireAdministrator(staff);
  const scope = await administeredServiceIds(deps.db, staff);
  const views = await loadStaffViews(deps, staff, scope);
  await recordAudit(deps.db, {
    chain: staff.organisationId,
    actorKind: 'staff',
    actorId: staff.staffId,
    action: 'staff.list',
    targetKind: 'organisation',
    targetId: staff.organisationId,
    ip: staff.ip,
    reason: `${views.length} account(s)`,
  });
  return views;
}

/**
 * Memberships a caller asks for: one per service, each in a service the caller administers.
 * Anything else is 404 like a missing service, so the answer never confirms another team's id.
 */
export async function checkRequestedMemberships(
  q: Queryable,
  staff: StaffContext,
  memberships: { serviceId: string; role: Role }[],
): Promise<Set<string>> {
  const scope = await administeredServiceIds(q, staff);
  const serviceIds = memberships.map((m) => m.serviceId);
  if (new Set(serviceIds).size !== serviceIds.length)
    throw new Invalid('Give each service at most once.', 'duplicate_membership');
  if (serviceIds.some((id) => !scope.has(id))) throw new NotFound('Service');
  return scope;
}

/** Organisation admins create accounts with an initial password the person changes later. */
export async function createStaff(
  deps: Pick<Deps, 'db' | 'keyring'>,
  staff: StaffContext,
  input: StaffCreateBody,
): Promise<AdminStaff> {
  requireOrgAdmin(staff);
  const memberships = input.memberships ?? [];
  const scope = await checkRequestedMemberships(deps.db, staff, memberships);
  const name = input.name.trim();
  if (name === '') throw new Invalid('Name must not be blank.');
  const { id } = await createStaffAccount(
    deps,
    {
      organisationId: staff.organisationId,
      email: input.email,
      name,
      password: input.password,
      isOrgAdmin: input.isOrgAdmin ?? false,
      memberships,
    },
    { kind: 'staff', id: staff.staffId },
  );
  return (await loadStaffViews(deps, staff, scope, [id]))[0]!;
}
