import { randomUUID } from 'node:crypto';
import { PLATFORM_SCOPE } from '../platform/crypto/keyring.js';
import type { Deps } from '../platform/deps.js';

/** NHS login's identity levels: only P9 (high) receives messages addressed by NHS number. */
export type IdentityLevel = 'P0' | 'P5' | 'P9';

export type PatientDetails = {
  nhsNumber: string;
  identityLevel: IdentityLevel;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
};

/**
 * Creates the patient for an NHS number, or updates their level and contact details. Patients
 * belong to no organisation (every sender may write to them), so their fields are sealed with the
 * platform data key; the NHS number is found through its keyed HMAC.
 */
export async function enrolPatient(deps: Pick<Deps, 'db' | 'keyring' | 'now'>, p: PatientDetails): Promise<string> {
  const seal = await deps.keyring.sealer(PLATFORM_SCOPE);
  const hmac = await deps.keyring.lookupHmac(p.nhsNumber);
  const optional = (v: string | null | undefined) => (v ? seal(v) : null);
  const { rows } = await deps.db.query<{ id: string }>(
    `INSERT INTO patients (id, nhs_number_hmac, nhs_number_enc, identity_level, name_enc, email_enc, phone_enc, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (nhs_number_hmac) DO UPDATE SET identity_level = excluded.identity_level,
       name_enc = coalesce(excluded.name_enc, patients.name_enc),
       email_enc = coalesce(excluded.email_enc, patients.email_enc),
       phone_enc = coalesce(excluded.phone_enc, patients.phone_enc)
     RETURNING id`,
    [
      randomUUID(),
      hmac,
      seal(p.nhsNumber),
      p.identityLevel,
      optional(p.name),
      optional(p.email),
      optional(p.phone),
      deps.now(),
    ],
  );
  return rows[0]!.id;
}
