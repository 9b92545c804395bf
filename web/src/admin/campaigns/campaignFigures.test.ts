import { describe, expect, it } from 'vitest';
import type { ApiClient, CampaignSummary } from '../adminApi.js';
import { campaignRows, formatRate, statusRows } from './campaignFigures.js';

const client = (name: string): ApiClient => ({
  id: `id-${name}`,
  name,
  odsCode: 'A12345',
  disabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const campaign = (
  campaignId: string,
  firstSentAt: string,
  byStatus: Record<string, number>,
  delivered: number,
): CampaignSummary => ({
  campaignId,
  messages: Object.values(byStatus).reduce((a, b) => a + b, 0),
  byStatus,
  delivered,
  read: byStatus.Read ?? 0,
  readRate: 0,
  notificationOnly: 0,
  firstSentAt,
});

describe('statusRows', () => {
  it('lists every status present, in the order a message moves through them, Rejected last', () => {
    const rows = statusRows({ Rejected: 1, Read: 2, Unnotified: 3, Delivered: 4, NotificationAttempted: 5 });
    expect(rows.map((r) => [r.label, r.count])).toEqual([
      ['Delivered', 4],
      ['Unnotified', 3],
      ['Notification attempted', 5],
      ['Read', 2],
      ['Rejected', 1],
    ]);
    expect(rows.every((r) => r.meaning.length > 0)).toBe(true);
  });

  it('leaves out empty statuses and keeps a status it does not know, as the API names it', () => {
    expect(statusRows({ Delivered: 0, Pending: 2, Expired: 1 })).toEqual([
      { status: 'Pending', label: 'Pending', meaning: 'A notification waiting to be sent', count: 2 },
      { status: 'Expired', label: 'Expired', meaning: '', count: 1 },
    ]);
    expect(statusRows({})).toEqual([]);
  });
});

describe('formatRate', () => {
  it('rounds to a whole percentage without claiming none or all when that is not so', () => {
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(0.3333)).toBe('33%');
    expect(formatRate(0.5)).toBe('50%');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0.004)).toBe('under 1%');
    expect(formatRate(0.9962)).toBe('over 99%');
  });
});

describe('campaignRows', () => {
  it('merges every client’s campaigns, newest first, with the API’s delivered count as it is', () => {
    const a = client('Alpha');
    const b = client('Beta');
    const rows = campaignRows(
      [a, b],
      [
        [campaign('flu', '2026-03-01T09:00:00.000Z', { Read: 1, Rejected: 1 }, 1)],
        [
          // Unnotified here are notification-only messages: the API does not count them as delivered.
          campaign('covid', '2026-03-02T09:00:00.000Z', { Delivered: 2, Unnotified: 3 }, 2),
          campaign('asthma', '2026-02-01T09:00:00.000Z', { Pending: 1 }, 0),
        ],
      ],
    );
    expect(rows.map((r) => [r.campaignId, r.client.name, r.delivered])).toEqual([
      ['covid', 'Beta', 2],
      ['flu', 'Alpha', 1],
      ['asthma', 'Beta', 0],
    ]);
  });

  it('has nothing to show for clients without campaigns or not loaded yet', () => {
    expect(campaignRows([client('Alpha'), client('Beta')], [[], undefined])).toEqual([]);
    expect(campaignRows([], [])).toEqual([]);
  });
});
