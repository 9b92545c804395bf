import { randomUUID } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import { appendAudit } from '../platform/audit/auditLog.js';
import type { Queryable } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';
import { Conflict, Invalid } from '../platform/http/errors.js';
import type { Role } from './staffContext.js';

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). */
export const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export type NewStaff = {
  organisationId: string;
  email: string;
  name: string;
  password: string;
  isOrgAdmin?: boolean;
  memberships?: { serviceId: string; role: Role }[];
};

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new Invalid(`Password must be at least ${MIN_PASSWORD_LENGTH} characters.`, 'weak_password');
  }
  return argon2Hash(password, ARGON2_OPTIONS);
}

export async function createStaffAccount(
  deps: Pick<Deps, 'db' | 'keyring'>,
  input: NewStaff,
  actor: { kind: 'system' | 'staff'; id: string | null } = { kind: 'system', id: null },
): Promise<{ id: string }> {
  const email = normaliseEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Invalid('Enter a valid email address.');
  const id = randomUUID();
  // Everything that needs the key ring or CPU happens before the transaction opens.
  const seal = await deps.keyring.sealer(input.organisationId);
  const emailHmac = await deps.keyring.lookupHmac(email);
  const passwordHash = await hashPassword(input.password);
  await deps.db.tx(async (q) => {
    const inserted = await q.query(
      `INSERT INTO staff (id, organisation_id, email_hmac, email_enc, name_enc, password_hash, is_org_admin)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (email_hmac) DO NOTHING`,
      [id, input.organisationId, emailHmac, seal(email), seal(input.name), passwordHash, input.isOrgAdmin ?? false],
    );
    if (inserted.rowCount === 0) throw new Conflict('A staff account with that email already exists.');
    for (const m of input.memberships ?? []) await addMembership(q, input.organisationId, id, m.serviceId, m.role);
    await appendAudit(q, {
      chain: input.organisationId,
      actorKind: actor.kind,
      actorId: actor.id,
      action: 'staff.create',
      targetKind: 'staff',
      targetId: id,
    });
  });
  return { id };
}

/** Adds or changes a role; the service must belong to the same organisation as the member. */
export async function addMembership(
  q: Queryable,
  organisationId: string,
  staffId: string,
  serviceId: string,
  role: Role,
): Promise<void> {
  const { rowCount } = await q.query(
    `INSERT INTO memberships (staff_id, service_id, role)
     SELECT s.id, v.id, $3 FROM staff s JOIN services v ON v.organisation_id = s.organisation_id
     WHERE s.id = $1 AND v.id = $2 AND s.organisation_id = $4
     ON CONFLICT (staff_id, service_id) DO UPDATE SET role = EXCLUDED.role`,
    [staffId, serviceId, role, organisationId],
  );
  if (rowCount === 0) throw new Invalid('Service and staff member must belong to the same organisation.');
}
