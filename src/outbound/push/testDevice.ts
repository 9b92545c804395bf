import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from '../../platform/deps.js';
import { subscribePush } from './subscriptions.js';

/**
 * Opts the P9 patient with this NHS number in to notifications on one device, as the web app
 * would, for tests that need a patient whose messages wait for a push (Delivered, or Pending for a
 * notification) rather than being Unnotified at once. The endpoint is on a reserved name that
 * never resolves: nothing is sent to it unless a test dispatches, and then nothing leaves the host.
 * Returns the patient's id.
 */
export async function optInDevice(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  nhsNumber: string,
): Promise<string> {
  const { rows } = await deps.db.query<{ id: string }>(
    "SELECT id FROM patients WHERE nhs_number_hmac = $1 AND identity_level = 'P9'",
    [await deps.keyring.lookupHmac(nhsNumber)],
  );
  const patientId = rows[0]?.id;
  if (!patientId) throw new Error('optInDevice: no P9 patient has this NHS number');
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  await subscribePush(
    deps,
    { patientId, identityLevel: 'P9' },
    {
      endpoint: `https://push.confide.invalid/${randomUUID()}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    },
    null,
  );
  return patientId;
}
