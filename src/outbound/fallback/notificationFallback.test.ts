import { describe, expect, it } from 'vitest';
import { recordReceipt } from '../receipts/recordReceipt.js';
import { STATUS_CLAIM_SQL } from './fallbackStatus.js';
import { FALLBACK_STATUS_EXTENSION_URL } from './fallbackStatusExtension.js';
import { QUEUE_PLAN_SQL } from '../../platform/db/queueClaim.js';
import { FALLBACK_SCAN_SQL, NOT_NOTIFIED_S, UNREAD_S } from './runFallbacks.js';
import { HOUR, useFallbackParties } from './testFallback.js';

describe('fallback for notification-only messages', () => {
  const p = useFallbackParties();
  const stateOf = async (id: string) =>
    (
      await p().t.deps.db.query<{ state: string; reason: string; channel: string | null }>(
        'SELECT state, reason, channel FROM outbound_fallbacks WHERE message_id = $1',
        [id],
      )
    ).rows[0];
  const notification = { channel: 'notification' as const };

  it('sends an SMS once when a notification is not Notified within the hour', async () => {
    const id = await p().send(await p().patient({ phone: '07700900201', email: 'n@example.com' }), notification);
    expect(await p().runAt(30 * 60_000)).toMatchObject({ sent: 0 });
    expect(await p().runAt(61 * 60_000)).toMatchObject({ sent: 1 });
    expect(await p().runAt(25 * HOUR)).toMatchObject({ sent: 0 });
    expect(p().notify.sent.map((n) => [n.type, n.to, n.templateId, n.reference])).toEqual([
      ['sms', '07700900201', p().smsTemplate, id],
    ]);
    expect(JSON.stringify(p().notify.sent)).not.toContain('Private notification text');
    expect(await stateOf(id)).toEqual({ state: 'sent', reason: 'not_notified', channel: 'sms' });
    // The sender sees it on the notification's own read-back.
    const { body } = await p().read(id, notification);
    expect(body.extension?.[0]).toMatchObject({ url: FALLBACK_STATUS_EXTENSION_URL });
    expect(body.extension?.[0]?.extension).toEqual(
      expect.arrayContaining([
        { url: 'outcome', valueCode: 'sent' },
        { url: 'channel', valueCode: 'sms' },
        { url: 'notifyStatus', valueCode: 'created' },
      ]),
    );
  });

  it('sends nothing for a notification that was Notified, and never applies the unread window', async () => {
    const notified = await p().send(await p().patient({ phone: '07700900202' }), notification);
    const urgent = await p().send(await p().patient({ phone: '07700900203' }), {
      ...notification,
      fallback: [{ url: 'timeSensitive', valueBoolean: true }],
    });
    const shortUnread = await p().send(await p().patient({ phone: '07700900204' }), {
      ...notification,
      fallback: [{ url: 'unreadAfter', valueDuration: { value: 10, unit: 'min' } }],
    });
    for (const id of [notified, urgent, shortUnread]) {
      await recordReceipt(p().t.deps.db, { messageId: id, code: 'Notified', at: new Date() });
    }
    for (const later of [2 * HOUR, 5 * HOUR, 25 * HOUR, 6 * 24 * HOUR]) {
      expect(await p().runAt(later)).toMatchObject({ sent: 0, noChannel: 0 });
    }
    expect(p().notify.sent).toEqual([]);
    for (const id of [notified, urgent, shortUnread]) expect(await stateOf(id)).toBeUndefined();
    expect((await p().read(notified, notification)).body.extension).toBeUndefined();
  });

  it("follows the sender's not-notified window, and none when the sender turned it off", async () => {
    const soon = await p().send(await p().patient({ phone: '07700900205' }), {
      ...notification,
      fallback: [{ url: 'notNotifiedAfter', valueDuration: { value: 10, unit: 'min' } }],
    });
    const never = await p().send(await p().patient({ phone: '07700900206' }), {
      ...notification,
      fallback: [{ url: 'enabled', valueBoolean: false }],
    });
    expect(await p().runAt(11 * 60_000)).toMatchObject({ sent: 1 });
    expect(await p().runAt(30 * HOUR)).toMatchObject({ sent: 0 });
    expect(p().notify.sent.map((n) => n.reference)).toEqual([soon]);
    expect(await stateOf(never)).toBeUndefined();
  });

  it('finds due messages of both channels through partial indexes, in their order', async () => {
    // Under the queue claims' settings (claimInQueueOrder), the planner shows which index answers.
    const plan = async (sql: string, params: unknown[]) =>
      p().t.deps.db.tx(async (q) => {
        await q.exec(QUEUE_PLAN_SQL);
        const { rows } = await q.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    const now = new Date();
    const scan = await plan(FALLBACK_SCAN_SQL, [now, NOT_NOTIFIED_S, UNREAD_S, 500]);
    expect(scan).toContain('outbound_messages_fallback_due');
    // Walked in created_at order and stopped at the limit: nothing read whole and sorted.
    expect(scan).not.toMatch(/Sort|Seq Scan|Bitmap/);
    expect(await plan(STATUS_CLAIM_SQL, [now, now, 300])).toContain('outbound_fallbacks_status_check');
  });
});
