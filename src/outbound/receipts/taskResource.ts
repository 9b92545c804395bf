import { SYSTEM, type ReceiptCode } from '../fhir/systems.js';

/** One receipt as stored, with the identifiers of the message it is about. */
export type ReceiptFacts = {
  id: string;
  messageId: string;
  campaignId: string | null;
  requestId: string | null;
  code: ReceiptCode;
  reason: string | null;
  /** When the message was accepted. */
  authoredOn: Date;
  /** When this status was reached. */
  at: Date;
};

type Identifier = { system: string; value: string };

export type ReceiptTask = {
  resourceType: 'Task';
  id: string;
  intent: 'order';
  identifier: Identifier[];
  status: 'rejected' | 'completed';
  statusReason?: { text: string };
  code: { coding: [{ system: string; code: ReceiptCode }] };
  authoredOn: string;
  lastModified: string;
};

/**
 * A receipt as the NHS App writes it, for the daily report and the realtime callback alike. The
 * Task's id is the receipt's, not the message's: the message is named only through its
 * nhs-app-communication-id identifier, after the supplier's own identifiers, in the NHS App's
 * order. statusReason is a CodeableConcept, as in every NHS App example (its schema says string).
 */
export function receiptTask(r: ReceiptFacts): ReceiptTask {
  const identifier: Identifier[] = [];
  if (r.campaignId !== null) identifier.push({ system: SYSTEM.campaignId, value: r.campaignId });
  if (r.requestId !== null) identifier.push({ system: SYSTEM.requestId, value: r.requestId });
  identifier.push({ system: SYSTEM.communicationId, value: r.messageId });
  const rejected = r.code === 'Rejected';
  return {
    resourceType: 'Task',
    id: r.id,
    intent: 'order',
    identifier,
    status: rejected ? 'rejected' : 'completed',
    ...(rejected && r.reason !== null ? { statusReason: { text: r.reason } } : {}),
    code: { coding: [{ system: SYSTEM.communicationStatus, code: r.code }] },
    authoredOn: r.authoredOn.toISOString(),
    lastModified: r.at.toISOString(),
  };
}
