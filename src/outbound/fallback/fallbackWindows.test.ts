import { describe, expect, it } from 'vitest';
import { recordReceipt } from '../receipts/recordReceipt.js';
import { HOUR, useFallbackParties } from './testFallback.js';

const SECOND = 1_000;
const MINUTE = 60_000;

describe('fallback windows, to the second', () => {
  // Each test starts with nothing due from the ones before it.
  const p = useFallbackParties();

  /** Nothing is sent a second before the message is `window` old; one send a second after. */
  const expectFallbackAt = async (id: string, window: number, reason: 'not_notified' | 'unread') => {
    expect(await p().runAtAge(id, window - SECOND)).toMatchObject({ sent: 0 });
    expect(p().notify.sent).toEqual([]);
    expect(await p().runAtAge(id, window + SECOND)).toMatchObject({ sent: 1 });
    expect(p().notify.sent.map((n) => n.reference)).toEqual([id]);
    const { rows } = await p().t.deps.db.query('SELECT state, reason FROM outbound_fallbacks WHERE message_id = $1', [
      id,
    ]);
    expect(rows).toEqual([{ state: 'sent', reason }]);
    p().notify.sent.length = 0;
  };
  const notified = async (id: string) => {
    await recordReceipt(p().t.deps.db, { messageId: id, code: 'Notified', at: new Date() });
    return id;
  };

  it('falls back just after an hour without Notified, on either channel, and not just before', async () => {
    for (const [i, channel] of (['in_app', 'notification'] as const).entries()) {
      const id = await p().send(await p().patient({ phone: `0770090030${i}` }), { channel });
      await expectFallbackAt(id, HOUR, 'not_notified');
    }
  });

  it('falls back just after 24 hours when a Notified message is unread, and not just before', async () => {
    const id = await notified(await p().send(await p().patient({ phone: '07700900310' })));
    await expectFallbackAt(id, 24 * HOUR, 'unread');
  });

  it('falls back just after 4 hours when a time-sensitive Notified message is unread, and not just before', async () => {
    const id = await notified(
      await p().send(await p().patient({ phone: '07700900320' }), {
        fallback: [{ url: 'timeSensitive', valueBoolean: true }],
      }),
    );
    await expectFallbackAt(id, 4 * HOUR, 'unread');
  });

  it("follows the sender's not-notified window to the second, shorter or longer than the hour", async () => {
    for (const [i, minutes] of [10, 90].entries()) {
      const id = await p().send(await p().patient({ phone: `0770090033${i}` }), {
        fallback: [{ url: 'notNotifiedAfter', valueDuration: { value: minutes, unit: 'min' } }],
      });
      await expectFallbackAt(id, minutes * MINUTE, 'not_notified');
    }
  });

  it("follows the sender's unread window to the second, shorter or longer than a day, and over timeSensitive", async () => {
    const cases = [
      { hours: 12, fallback: [] },
      { hours: 30, fallback: [] },
      { hours: 6, fallback: [{ url: 'timeSensitive', valueBoolean: true }] },
    ];
    for (const [i, { hours, fallback }] of cases.entries()) {
      const id = await notified(
        await p().send(await p().patient({ phone: `0770090034${i}` }), {
          fallback: [...fallback, { url: 'unreadAfter', valueDuration: { value: hours, unit: 'h' } }],
        }),
      );
      await expectFallbackAt(id, hours * HOUR, 'unread');
    }
  });
});
