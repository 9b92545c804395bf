import type { CommunicationInput } from './fhir/readCommunicationRequest.js';
import type { Channel } from './fhir/systems.js';
import { UNNOTIFIED_REASON } from './push/pushPayload.js';

export const NOT_FOUND_REASON = 'NHS number not found';

/**
 * Outbound audit chains are sharded per client by the last hex digit of an id (a message's, or a
 * batch's): a busy sender's writes then contend on sixteen chain heads instead of one, and each
 * chain still verifies on its own. The last digit is random in every id; the first is the time in
 * a time-ordered one (UUID version 7), the same for years.
 */
export function outboundChain(clientId: string, id: string): string {
  return `outbound:${clientId}:${id[id.length - 1]}`;
}

/**
 * The keyed hash that tells a retry (same request-id, same request) from a reused request-id,
 * given the keyring's lookup hasher (`KeyRing.lookupHasher`).
 */
export function requestHmac(hash: (value: string) => Buffer, input: CommunicationInput): Buffer {
  return hash(`outbound-request:${JSON.stringify(input)}`);
}

/**
 * What an accepted message becomes, as SQL over two boolean expressions: whether a P9 patient has
 * the NHS number, and whether that patient has a device opted in to notifications. With no device
 * there is nothing to push to, so the message is Unnotified at once rather than queuing a push the
 * dispatcher would only find nowhere to send; the fallback clock starts all the same.
 */
export function acceptedStatusSql(channel: Channel, found: string, hasDevice: string): string {
  // An in-app message is in the inbox as soon as it is written; a notification waits for its push.
  const waiting = channel === 'in_app' ? 'Delivered' : 'Pending';
  return `CASE WHEN NOT (${found}) THEN 'Rejected' WHEN ${hasDevice} THEN '${waiting}' ELSE 'Unnotified' END`;
}

/** Whether the patient (an SQL expression for their id) has any push subscription. */
export function hasDeviceSql(patientId: string): string {
  return `EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.patient_id = ${patientId})`;
}

/** The statuses that queue a push. */
export const PUSH_WAITING_SQL = `('Delivered', 'Pending')`;

/**
 * The receipts an accepted message starts with, as a VALUES table (status, code, reason, later) to
 * join on the message's status: Rejected; Delivered; or, for a patient with no device, Delivered
 * (in-app only) and then Unnotified, a millisecond `later` so that every reader (the receipt
 * report in (at, id) order, a callback consumer keeping the latest) sees them in that order. A
 * notification waiting for its push has none yet.
 */
export function acceptedReceiptsSql(channel: Channel, param: (value: unknown) => string): string {
  const notFound = param(NOT_FOUND_REASON);
  const noDevice = param(UNNOTIFIED_REASON.noDevice);
  const rows = [`('Rejected', 'Rejected', ${notFound}::text, 0)`, `('Unnotified', 'Unnotified', ${noDevice}::text, 1)`];
  if (channel === 'in_app') rows.push(`('Delivered', 'Delivered', NULL, 0)`, `('Unnotified', 'Delivered', NULL, 0)`);
  return `(VALUES ${rows.join(', ')})`;
}
