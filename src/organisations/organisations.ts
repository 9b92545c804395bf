import { randomUUID } from 'node:crypto';
import { appendAudit } from '../platform/audit/auditLog.js';
import type { Deps } from '../platform/deps.js';
import { Conflict } from '../platform/http/errors.js';

export type Organisation = { id: string; name: string; odsCode: string; requireMfa: boolean };

const ODS_CODE = /^[A-Z0-9]{3,10}$/;

export async function createOrganisation(
  deps: Pick<Deps, 'db'>,
  input: { name: string; odsCode: string; requireMfa?: boolean },
  actor: { kind: 'system' | 'staff'; id: string | null } = { kind: 'system', id: null },
): Promise<Organisation> {
  const odsCode = input.odsCode.toUpperCase();
  if (!ODS_CODE.test(odsCode)) throw new Conflict('ODS code must be 3 to 10 letters and digits.', 'invalid_ods_code');
  const org: Organisation = { id: randomUUID(), name: input.name, odsCode, requireMfa: input.requireMfa ?? false };
  await deps.db.tx(async (q) => {
    const inserted = await q.query(
      `INSERT INTO organisations (id, name, ods_code, require_mfa) VALUES ($1, $2, $3, $4)
       ON CONFLICT (ods_code) DO NOTHING`,
      [org.id, org.name, org.odsCode, org.requireMfa],
    );
    if (inserted.rowCount === 0) throw new Conflict('An organisation with that ODS code already exists.');
    await appendAudit(q, {
      chain: org.id,
      actorKind: actor.kind,
      actorId: actor.id,
      action: 'organisation.create',
      targetKind: 'organisation',
      targetId: org.id,
    });
  });
  return org;
}

export async function getOrganisation(deps: Pick<Deps, 'db'>, id: string): Promise<Organisation | null> {
  const { rows } = await deps.db.query<{ id: string; name: string; ods_code: string; require_mfa: boolean }>(
    'SELECT id, name, ods_code, require_mfa FROM organisations WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r ? { id: r.id, name: r.name, odsCode: r.ods_code, requireMfa: r.require_mfa } : null;
}
