import { randomUUID } from 'node:crypto';
import type { PatientContext } from '../../identity/patientSignIn/patientSessionHook.js';
import { patientChain } from '../../identity/patientSignIn/patientChain.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import { PLATFORM_SCOPE } from '../../platform/crypto/keyring.js';
import type { Queryable } from '../../platform/db/types.js';
import type { Deps } from '../../platform/deps.js';
import { Forbidden } from '../../platform/http/errors.js';
import { checkSubscription, type PushSubscriptionInput } from './subscriptionInput.js';

/**
 * Devices per patient: enough for a phone, a tablet and a few browsers. Every push fans out to all
 * of them, so a cap also keeps one account from turning Confide into a request amplifier.
 */
export const MAX_DEVICES_PER_PATIENT = 10;

/** The endpoint's keyed HMAC; the prefix keeps it apart from the other lookup HMACs. */
export function endpointHmac(deps: Pick<Deps, 'keyring'>, endpoint: string): Promise<Buffer> {
  return deps.keyring.lookupHmac(`push-endpoint:${endpoint}`);
}

/**
 * A subscription as stored: sealed whole (endpoint and keys) with the platform data key, and found
 * by its endpoint's keyed HMAC. Exported for seeding benchmarks in bulk.
 */
export async function sealSubscription(
  deps: Pick<Deps, 'keyring'>,
  subscription: PushSubscriptionInput,
): Promise<{ endpointHmac: Buffer; sealed: Buffer }> {
  return {
    endpointHmac: await endpointHmac(deps, subscription.endpoint),
    sealed: await deps.keyring.encrypt(PLATFORM_SCOPE, JSON.stringify(subscription)),
  };
}

type Subscribed = { id: string; previous_patient_id: string | null };

/**
 * Opts this browser in for the signed-in patient. Subscribing the same endpoint again replaces its
 * keys under a new id (so a stale "gone" answer for the old keys cannot delete it); an endpoint a
 * different patient had subscribed moves to this one, since the browser is now theirs.
 */
export async function subscribePush(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  patient: PatientContext,
  input: PushSubscriptionInput,
  ip: string | null,
): Promise<void> {
  // Only P9 sign-ins receive messages (as the inbox): a push could only ever point at nothing.
  if (patient.identityLevel !== 'P9') {
    throw new Forbidden(
      'Notifications are available once your identity is fully verified (NHS login P9).',
      'identity_level',
    );
  }
  const subscription = checkSubscription(input, deps.config.pushAllowLocalEndpoints);
  const { endpointHmac: hmac, sealed } = await sealSubscription(deps, subscription);
  const now = deps.now();
  await deps.db.tx(async (q) => {
    const { rows } = await q.query<Subscribed>(
      `WITH prev AS (SELECT patient_id FROM push_subscriptions WHERE endpoint_hmac = $3)
       INSERT INTO push_subscriptions AS s (id, patient_id, endpoint_hmac, subscription_enc, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (endpoint_hmac) DO UPDATE SET id = excluded.id, patient_id = excluded.patient_id,
         subscription_enc = excluded.subscription_enc, updated_at = excluded.updated_at
       RETURNING s.id, (SELECT patient_id FROM prev) AS previous_patient_id`,
      [randomUUID(), patient.patientId, hmac, sealed, now],
    );
    const { id, previous_patient_id: previous } = rows[0]!;
    if (previous !== null && previous !== patient.patientId) {
      await appendAudit(q, {
        chain: patientChain(previous),
        actorKind: 'system',
        actorId: null,
        action: 'patient.push_unsubscribe',
        targetKind: 'push_subscription',
        reason: 'the device was subscribed again under another sign-in',
      });
    }
    const evicted = await evictOldest(q, patient.patientId);
    await appendAudit(q, {
      chain: patientChain(patient.patientId),
      actorKind: 'service_user',
      actorId: patient.patientId,
      action: 'patient.push_subscribe',
      targetKind: 'push_subscription',
      targetId: id,
      ip,
      reason: evicted > 0 ? `${evicted} least recently subscribed device(s) removed` : null,
    });
  });
}

/** Keeps the patient's newest MAX_DEVICES_PER_PATIENT subscriptions. */
async function evictOldest(q: Queryable, patientId: string): Promise<number> {
  const { rowCount } = await q.query(
    `DELETE FROM push_subscriptions WHERE patient_id = $1 AND id NOT IN (
       SELECT id FROM push_subscriptions WHERE patient_id = $1 ORDER BY updated_at DESC, id LIMIT $2)`,
    [patientId, MAX_DEVICES_PER_PATIENT],
  );
  return rowCount;
}

/**
 * Opts a browser out. Only the patient's own subscription is removed; any other endpoint is
 * answered the same way, so nobody learns whether someone else subscribed it. Never fails for a
 * signed-in patient, whatever their identity level: opting out must always work.
 */
export async function unsubscribePush(
  deps: Pick<Deps, 'db' | 'keyring'>,
  patient: PatientContext,
  endpoint: string,
  ip: string | null,
): Promise<void> {
  const hmac = await endpointHmac(deps, endpoint);
  await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ id: string }>(
      'DELETE FROM push_subscriptions WHERE endpoint_hmac = $1 AND patient_id = $2 RETURNING id',
      [hmac, patient.patientId],
    );
    if (!rows[0]) return;
    await appendAudit(q, {
      chain: patientChain(patient.patientId),
      actorKind: 'service_user',
      actorId: patient.patientId,
      action: 'patient.push_unsubscribe',
      targetKind: 'push_subscription',
      targetId: rows[0].id,
      ip,
    });
  });
}
