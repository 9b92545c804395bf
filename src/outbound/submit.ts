import { randomUUID } from 'node:crypto';
import { auditCtes, recordAudit } from '../platform/audit/auditLog.js';
import { SqlParams } from '../platform/db/sqlParams.js';
import type { Deps } from '../platform/deps.js';
import { FhirError, issue } from '../platform/fhir/operationOutcome.js';
import type { ApiClient } from './clients/apiClients.js';
import { communicationResource, type CommunicationRequestResource } from './fhir/communicationResource.js';
import { readCommunicationRequest, type CommunicationInput } from './fhir/readCommunicationRequest.js';
import type { Channel } from './fhir/systems.js';
import { pushDueAt } from './push/quietHours.js';

export const NOT_FOUND_REASON = 'NHS number not found';

/**
 * Outbound audit chains are sharded per client by the first hex digit of the message id: a busy
 * sender's requests then contend on sixteen chain heads instead of one, and each chain still
 * verifies on its own.
 */
export function outboundChain(clientId: string, messageId: string): string {
  return `outbound:${clientId}:${messageId[0]}`;
}

export type Accepted = { id: string; resource: CommunicationRequestResource; repeated: boolean };

/** The keyed hash that tells a retry (same request-id, same request) from a reused request-id. */
export async function requestHmac(deps: Pick<Deps, 'keyring'>, input: CommunicationInput): Promise<Buffer> {
  return deps.keyring.lookupHmac(`outbound-request:${JSON.stringify(input)}`);
}

/**
 * One CommunicationRequest from an API client. Accepted in one statement: the message (delivered
 * to the patient's inbox when a P9 patient has the NHS number, otherwise rejected), its receipt
 * and the audit entry. A repeat of a request-id returns the first result; the same request-id
 * with a different request is refused (409).
 */
export async function submitCommunicationRequest(
  deps: Pick<Deps, 'db' | 'keyring' | 'now'>,
  client: ApiClient,
  channel: Channel,
  body: unknown,
  ip: string | null = null,
): Promise<Accepted> {
  const read = readCommunicationRequest(body, channel, client);
  if (!read.ok) throw new FhirError(read.status, read.issues);
  const input = read.input;
  const id = randomUUID();
  const resource = communicationResource(id, input);
  const seal = await deps.keyring.sealer(client.organisationId);
  const nhsHmac = await deps.keyring.lookupHmac(input.nhsNumber);
  const reqHmac = input.requestId !== null ? await requestHmac(deps, input) : null;
  const now = deps.now();

  const p = new SqlParams();
  const [msgId, clientId, at] = [id, client.id, now].map((v) => p.add(v));
  // An in-app message is in the inbox as soon as it is written; a notification waits for its push.
  const accepted = channel === 'in_app' ? 'Delivered' : 'Pending';
  const sql = `WITH p AS (SELECT id FROM patients WHERE nhs_number_hmac = ${p.add(nhsHmac)} AND identity_level = 'P9'),
     m AS (
       INSERT INTO outbound_messages (id, client_id, channel, patient_id, request_id, request_hmac, campaign_id,
         resource_enc, status, created_at, fallback_not_notified_s, fallback_unread_s, fallback_off)
       SELECT ${msgId}, ${clientId}, ${p.add(channel)}, (SELECT id FROM p), ${p.add(input.requestId)}, ${p.add(reqHmac)},
         ${p.add(input.campaignId)}, ${p.add(seal(JSON.stringify(resource)))},
         CASE WHEN EXISTS (SELECT 1 FROM p) THEN ${p.add(accepted)} ELSE 'Rejected' END, ${at},
         ${p.add(input.fallback?.notNotifiedS ?? null)}::int, ${p.add(input.fallback?.unreadS ?? null)}::int,
         ${p.add(input.fallback?.off ?? false)}::boolean
       ON CONFLICT (client_id, request_id) DO NOTHING
       RETURNING id, status, patient_id),
     -- Every accepted message gets its push, due now or, in the night, at 06:00 London time.
     pu AS (
       INSERT INTO outbound_pushes (id, message_id, patient_id, due_at, created_at)
       SELECT ${p.add(randomUUID())}, m.id, m.patient_id, ${p.add(pushDueAt(now))}, ${at}
       FROM m WHERE m.status <> 'Rejected'),
     r AS (
       INSERT INTO outbound_receipts (id, message_id, client_id, code, reason, at)
       SELECT ${p.add(randomUUID())}, m.id, ${clientId}, m.status,
         CASE WHEN m.status = 'Rejected' THEN ${p.add(NOT_FOUND_REASON)} END, ${at}
       FROM m WHERE m.status <> 'Pending'
       RETURNING id),
     ${
       client.callbackUrl
         ? `cb AS (
       INSERT INTO outbound_callbacks (receipt_id, client_id, next_attempt_at, created_at)
       SELECT r.id, ${clientId}, ${at}, ${at} FROM r),`
         : ''
     }
     ${auditCtes(
       deps.db,
       {
         chain: outboundChain(client.id, id),
         actorKind: 'api_client',
         actorId: client.id,
         action: `outbound.${channel}`,
         targetKind: 'outbound_message',
         targetId: id,
         ip,
       },
       p,
       'm',
     )}
     SELECT status FROM m`;
  const { rows } = await deps.db.write<{ status: string }>(sql, p.values);
  if (rows[0]) return { id, resource, repeated: false };
  const first = await firstResult(deps, client, input, reqHmac!);
  // The first answer holds the NHS number and the content: reading it back is a read.
  await recordAudit(deps.db, {
    chain: outboundChain(client.id, first.id),
    actorKind: 'api_client',
    actorId: client.id,
    action: 'outbound.read',
    targetKind: 'outbound_message',
    targetId: first.id,
    ip,
    reason: 'repeated request-id',
  });
  return first;
}

/** A request-id seen before: its first answer, if this is the same request. */
async function firstResult(
  deps: Pick<Deps, 'db' | 'keyring'>,
  client: ApiClient,
  input: CommunicationInput,
  reqHmac: Buffer,
): Promise<Accepted> {
  const { rows } = await deps.db.query<{ id: string; request_hmac: Buffer | Uint8Array; resource_enc: unknown }>(
    'SELECT id, request_hmac, resource_enc FROM outbound_messages WHERE client_id = $1 AND request_id = $2',
    [client.id, input.requestId],
  );
  const prior = rows[0];
  if (!prior || !Buffer.from(prior.request_hmac).equals(reqHmac)) {
    throw new FhirError(409, [
      issue('duplicate', 'This request-id was already used for a different request.', 'identifier'),
    ]);
  }
  const resource = JSON.parse(await deps.keyring.decrypt(prior.resource_enc)) as CommunicationRequestResource;
  return { id: prior.id, resource, repeated: true };
}
