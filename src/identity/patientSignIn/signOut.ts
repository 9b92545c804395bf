import { appendAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { patientChain } from './patientChain.js';
import { revokePatientSession } from './patientSessions.js';

/** Ends the cookie's session if it is still live; signing out twice is not an error. */
export async function signOutPatient(deps: Pick<Deps, 'db' | 'now'>, token: string, ip: string | null): Promise<void> {
  await deps.db.tx(async (q) => {
    const revoked = await revokePatientSession(q, deps, token);
    if (!revoked) return;
    await appendAudit(q, {
      chain: patientChain(revoked.patientId),
      actorKind: 'service_user',
      actorId: revoked.patientId,
      action: 'patient.sign_out',
      targetKind: 'patient_session',
      targetId: revoked.id,
      ip,
    });
  });
}
