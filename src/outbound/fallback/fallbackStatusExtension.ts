/**
 * Beyond the NHS App: how a message's SMS or email fallback went, shown to the client that sent
 * it on `GET …/CommunicationRequest/:id` once a fallback was due:
 *
 *   { "url": "urn:confide:fhir:extension:fallback-status", "extension": [
 *       { "url": "outcome", "valueCode": "sent" },
 *       { "url": "reason", "valueCode": "not-notified" },
 *       { "url": "channel", "valueCode": "sms" },
 *       { "url": "sentAt", "valueDateTime": "2026-03-02T10:00:00.000Z" },
 *       { "url": "notifyStatus", "valueCode": "delivered" },
 *       { "url": "notifyStatusAt", "valueDateTime": "2026-03-02T10:01:00.000Z" } ] }
 *
 * outcome: `in-progress` (being sent), `sent`, `no-channel` (no phone number or email address to
 * use, or no template for it) or `failed` (Notify refused it three times); reason: `not-notified`
 * or `unread`; the rest only once sent. notifyStatus is GOV.UK Notify's own word for the text
 * message or email (`created`, `sending`, `pending`, `sent` for an international number,
 * `delivered`, `permanent-failure`, `temporary-failure`, `technical-failure`), and notifyStatusAt
 * when Confide first saw it. Never the phone number, the email address or the text.
 */
export const FALLBACK_STATUS_EXTENSION_URL = 'urn:confide:fhir:extension:fallback-status';

export type FallbackStatusRow = {
  state: 'claimed' | 'sent' | 'no_channel' | 'failed';
  reason: 'not_notified' | 'unread';
  channel: 'sms' | 'email' | null;
  sent_at: Date | string | null;
  notify_status: string | null;
  notify_status_at: Date | string | null;
};

type Part = { url: string; valueCode: string } | { url: string; valueDateTime: string };
export type FallbackStatusExtension = { url: string; extension: Part[] };

const OUTCOME: Record<FallbackStatusRow['state'], string> = {
  claimed: 'in-progress',
  sent: 'sent',
  no_channel: 'no-channel',
  failed: 'failed',
};

/** The SQL columns FallbackStatusRow reads, from outbound_fallbacks aliased `f`. */
export const FALLBACK_STATUS_COLUMNS =
  'f.state AS fallback_state, f.reason AS fallback_reason, f.channel AS fallback_channel, ' +
  'f.sent_at AS fallback_sent_at, f.notify_status AS fallback_notify_status, f.notify_status_at AS fallback_notify_status_at';

/** Reads the columns selected with FALLBACK_STATUS_COLUMNS; null when no fallback was due. */
export function fallbackStatusFromColumns(row: Record<string, unknown>): FallbackStatusRow | null {
  if (row.fallback_state === null || row.fallback_state === undefined) return null;
  return {
    state: row.fallback_state as FallbackStatusRow['state'],
    reason: row.fallback_reason as FallbackStatusRow['reason'],
    channel: (row.fallback_channel ?? null) as FallbackStatusRow['channel'],
    sent_at: (row.fallback_sent_at ?? null) as FallbackStatusRow['sent_at'],
    notify_status: (row.fallback_notify_status ?? null) as string | null,
    notify_status_at: (row.fallback_notify_status_at ?? null) as FallbackStatusRow['notify_status_at'],
  };
}

export function fallbackStatusExtension(f: FallbackStatusRow): FallbackStatusExtension {
  const parts: Part[] = [
    { url: 'outcome', valueCode: OUTCOME[f.state] },
    { url: 'reason', valueCode: f.reason === 'unread' ? 'unread' : 'not-notified' },
  ];
  if (f.state === 'sent') {
    if (f.channel) parts.push({ url: 'channel', valueCode: f.channel });
    if (f.sent_at) parts.push({ url: 'sentAt', valueDateTime: new Date(f.sent_at).toISOString() });
    if (f.notify_status) parts.push({ url: 'notifyStatus', valueCode: f.notify_status });
    if (f.notify_status_at)
      parts.push({ url: 'notifyStatusAt', valueDateTime: new Date(f.notify_status_at).toISOString() });
  }
  return { url: FALLBACK_STATUS_EXTENSION_URL, extension: parts };
}
