import { appendAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { enrolPatient } from '../patients.js';
import type { SignInClaims } from './claims.js';
import { patientChain } from './patientChain.js';
import { createPatientSession, revokePatientSession } from './patientSessions.js';

export type SignedIn = { patientId: string; token: string; expiresAt: Date };

/** The provider account as a lookup HMAC; the prefix keeps it apart from NHS number HMACs. */
function subjectLookupValue(claims: SignInClaims): string {
  return `oidc-subject:${JSON.stringify([claims.issuer, claims.subject])}`;
}

/**
 * Records a verified sign-in: the patient is found (or enrolled) by NHS number with the details
 * and identity level the provider gave this time, linked to the provider account, and given a new
 * session. The provider's level is the truth at each sign-in, so it may go down as well as up; the
 * session keeps the level this sign-in proved.
 */
export async function recordSignIn(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  claims: SignInClaims,
  opts: { ip: string | null; previousToken: string | null },
): Promise<SignedIn> {
  // enrolPatient is one idempotent upsert; if what follows fails, signing in again completes it.
  const patientId = await enrolPatient(deps, {
    nhsNumber: claims.nhsNumber,
    identityLevel: claims.identityLevel,
    name: claims.name,
    email: claims.email,
    phone: claims.phone,
  });
  const subjectHmac = await deps.keyring.lookupHmac(subjectLookupValue(claims));
  return deps.db.tx(async (q) => {
    // One provider account, one patient: when the account now shares another NHS number (the
    // provider corrected whose it is), the link moves and the former patient's chain says so.
    const unlinked = await q.query<{ id: string }>(
      'UPDATE patients SET oidc_subject_hmac = NULL WHERE oidc_subject_hmac = $1 AND id <> $2 RETURNING id',
      [subjectHmac, patientId],
    );
    for (const { id } of unlinked.rows) {
      await appendAudit(q, {
        chain: patientChain(id),
        actorKind: 'system',
        actorId: null,
        action: 'patient.sign_in_account.unlink',
        targetKind: 'patient',
        targetId: id,
        ip: opts.ip,
        reason: 'the sign-in account now shares another NHS number',
      });
    }
    const before = await q.query<{ changed: boolean }>(
      `SELECT oidc_subject_hmac IS DISTINCT FROM $2 AS changed FROM patients WHERE id = $1 FOR UPDATE`,
      [patientId, subjectHmac],
    );
    if (before.rows[0]?.changed) {
      await q.query('UPDATE patients SET oidc_subject_hmac = $2 WHERE id = $1', [patientId, subjectHmac]);
    }
    if (opts.previousToken) await revokePatientSession(q, deps, opts.previousToken);
    const session = await createPatientSession(q, deps, patientId, claims.identityLevel);
    await appendAudit(q, {
      chain: patientChain(patientId),
      actorKind: 'service_user',
      actorId: patientId,
      action: 'patient.sign_in',
      targetKind: 'patient_session',
      targetId: session.id,
      ip: opts.ip,
      reason: `identity level ${claims.identityLevel}${before.rows[0]?.changed ? '; sign-in account linked' : ''}`,
    });
    return { patientId, token: session.token, expiresAt: session.expiresAt };
  });
}
