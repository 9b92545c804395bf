import type { Deps } from '../platform/deps.js';
import { NotFound } from '../platform/http/errors.js';
import type { Role } from './staffContext.js';

export type Me = {
  id: string;
  name: string;
  email: string;
  organisation: { id: string; name: string };
  isOrgAdmin: boolean;
  mfaEnabled: boolean;
  services: { id: string; name: string; slug: string; role: Role; outcomes: string[] }[];
};

/** The signed-in person's own profile and services; decrypted outside any transaction. */
export async function getMe(deps: Pick<Deps, 'db' | 'keyring'>, staffId: string): Promise<Me> {
  const [staff, services] = await Promise.all([
    deps.db.query<{
      id: string;
      email_enc: unknown;
      name_enc: unknown;
      is_org_admin: boolean;
      totp_enabled: boolean;
      organisation_id: string;
      organisation_name: string;
    }>(
      `SELECT st.id, st.email_enc, st.name_enc, st.is_org_admin, st.totp_enabled,
              o.id AS organisation_id, o.name AS organisation_name
       FROM staff st JOIN organisations o ON o.id = st.organisation_id WHERE st.id = $1`,
      [staffId],
    ),
    deps.db.query<{ id: string; name: string; slug: string; role: Role; outcomes: string[] }>(
      `SELECT v.id, v.name, v.slug, m.role, v.outcomes
       FROM memberships m JOIN services v ON v.id = m.service_id
       WHERE m.staff_id = $1 ORDER BY v.name, v.id`,
      [staffId],
    ),
  ]);
  const row = staff.rows[0];
  if (!row) throw new NotFound('Staff member');
  const [name, email] = await Promise.all([deps.keyring.decrypt(row.name_enc), deps.keyring.decrypt(row.email_enc)]);
  return {
    id: row.id,
    name,
    email,
    organisation: { id: row.organisation_id, name: row.organisation_name },
    isOrgAdmin: row.is_org_admin,
    mfaEnabled: row.totp_enabled,
    services: services.rows.map((s) => ({ id: s.id, name: s.name, slug: s.slug, role: s.role, outcomes: s.outcomes })),
  };
}
