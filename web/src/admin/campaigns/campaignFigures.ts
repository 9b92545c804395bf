import type { ApiClient, CampaignSummary } from '../adminApi.js';

/**
 * Campaign figures as the console shows them. The statuses are the NHS App's receipt codes, each
 * message counted once under its latest one. Delivered, read and the read rate come from the API
 * as they are (docs/API.md "Campaigns"): nothing here recounts them.
 */

/** The identifier system that marks a CommunicationRequest as part of a campaign. */
export const CAMPAIGN_ID_SYSTEM = 'https://fhir.nhs.uk/NHSApp/campaign-id';

/** The order a message moves through (src/outbound/receipts/recordReceipt.ts), then Rejected, which is final. */
const STATUSES: { status: string; label: string; meaning: string }[] = [
  { status: 'Pending', label: 'Pending', meaning: 'A notification waiting to be sent' },
  { status: 'Delivered', label: 'Delivered', meaning: 'In the patient’s inbox; the notification is not sent yet' },
  {
    status: 'Unnotified',
    label: 'Unnotified',
    meaning:
      'No notification could be sent (no device, or every attempt failed); an in-app message is still in the patient’s inbox',
  },
  {
    status: 'NotificationAttempted',
    label: 'Notification attempted',
    meaning: 'A notification was sent to the patient’s device; an in-app message is also in their inbox',
  },
  {
    status: 'Notified',
    label: 'Notified',
    meaning: 'The patient was notified; an in-app message is also in their inbox',
  },
  { status: 'Read', label: 'Read', meaning: 'Opened by the patient' },
  {
    status: 'Rejected',
    label: 'Rejected',
    meaning: 'Not delivered: no identity-verified patient has this NHS number',
  },
];

export type StatusRow = { status: string; label: string; meaning: string; count: number };

/** Every status the campaign has messages in, in the order a message moves through them; any status unknown here last. */
export function statusRows(byStatus: Record<string, number>): StatusRow[] {
  const known = STATUSES.filter((s) => (byStatus[s.status] ?? 0) > 0).map((s) => ({
    ...s,
    count: byStatus[s.status]!,
  }));
  const unknown = Object.keys(byStatus)
    .filter((status) => !STATUSES.some((s) => s.status === status) && byStatus[status]! > 0)
    .sort()
    .map((status) => ({ status, label: status, meaning: '', count: byStatus[status]! }));
  return [...known, ...unknown];
}

/**
 * A rate from 0 to 1 as a whole percentage: "33%". Never "0%" while something was read, nor
 * "100%" while something was not.
 */
export function formatRate(rate: number): string {
  const percent = Math.round(rate * 100);
  if (rate > 0 && percent === 0) return 'under 1%';
  if (rate < 1 && percent === 100) return 'over 99%';
  return `${percent}%`;
}

export type CampaignRow = CampaignSummary & { client: ApiClient };

/** The campaigns of every sending system in one list, most recently started first. */
export function campaignRows(
  clients: ApiClient[],
  campaignsByClient: (CampaignSummary[] | undefined)[],
): CampaignRow[] {
  return clients
    .flatMap((client, i) => (campaignsByClient[i] ?? []).map((c) => ({ ...c, client })))
    .sort(
      (a, b) =>
        b.firstSentAt.localeCompare(a.firstSentAt) ||
        a.campaignId.localeCompare(b.campaignId) ||
        a.client.name.localeCompare(b.client.name),
    );
}
