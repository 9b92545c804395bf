import type { Deps } from '../../platform/deps.js';
import { NotFound } from '../../platform/http/errors.js';
import type { PatientContext } from './patientSessionHook.js';

export type PatientMe = {
  identityLevel: PatientContext['identityLevel'];
  name: string | null;
  receivesMessages: boolean;
};

/** The signed-in patient as the app shows them; the level is the one this sign-in proved. */
export async function getPatientMe(deps: Pick<Deps, 'db' | 'keyring'>, patient: PatientContext): Promise<PatientMe> {
  const { rows } = await deps.db.query<{ name_enc: unknown }>('SELECT name_enc FROM patients WHERE id = $1', [
    patient.patientId,
  ]);
  if (!rows[0]) throw new NotFound('Patient');
  return {
    identityLevel: patient.identityLevel,
    name: await deps.keyring.decryptOptional(rows[0].name_enc),
    receivesMessages: patient.identityLevel === 'P9',
  };
}
