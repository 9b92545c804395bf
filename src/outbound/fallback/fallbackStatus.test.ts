import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordReceipt } from '../receipts/recordReceipt.js';
import { accessTokenFor, makeSender } from '../testSenders.js';
import { nextStatusCheck, STATUS_LEASE_MS, STATUS_WATCH_MS } from './fallbackStatus.js';
import { FALLBACK_STATUS_EXTENSION_URL } from './fallbackStatusExtension.js';
import { FALLBACK_LEASE_MS } from './runFallbacks.js';
import { HOUR, useFallbackParties } from './testFallback.js';

const MINUTE = 60_000;

describe('the next look at a fallback’s status', () => {
  const sent = new Date('2026-03-02T10:00:00Z');
  const at = (ms: number) => new Date(sent.getTime() + ms);
  it('is a minute after sending, then at half the age, at most hourly, and ends 73 hours on', () => {
    expect(nextStatusCheck(sent, sent, 'created')).toEqual(at(MINUTE));
    expect(nextStatusCheck(sent, at(MINUTE), 'sending')).toEqual(at(2 * MINUTE));
    expect(nextStatusCheck(sent, at(10 * MINUTE), 'sending')).toEqual(at(15 * MINUTE));
    expect(nextStatusCheck(sent, at(5 * HOUR), 'pending')).toEqual(at(6 * HOUR));
    expect(nextStatusCheck(sent, at(72.5 * HOUR), 'pending')).toEqual(at(STATUS_WATCH_MS));
    expect(nextStatusCheck(sent, at(STATUS_WATCH_MS), 'pending')).toBeNull();
  });
  it('is never once the status is final', () => {
    for (const status of ['delivered', 'sent', 'permanent-failure', 'temporary-failure', 'technical-failure']) {
      expect(nextStatusCheck(sent, at(MINUTE), status)).toBeNull();
    }
  });
});

describe('the channel status of a fallback, from GOV.UK Notify', () => {
  const p = useFallbackParties();
  beforeEach(async () => {
    // Each test starts with nothing due from the ones before it: sent, and watched to the end.
    await p().pollAt(50 * HOUR + STATUS_WATCH_MS, { limit: 10_000 });
    p().notify.lookups.length = 0;
    p().notify.failWith = null;
    p().notify.failLookupsWith = null;
    p().notify.delayMs = 0;
  });

  type Row = {
    state: string;
    channel: string | null;
    notify_id: string | null;
    notify_status: string | null;
    notify_status_at: Date | null;
    status_check_at: Date | null;
    sent_at: Date | null;
  };
  const rowOf = async (id: string) =>
    (
      await p().t.deps.db.query<Row>(
        `SELECT state, channel, notify_id, notify_status, notify_status_at, status_check_at, sent_at
         FROM outbound_fallbacks WHERE message_id = $1`,
        [id],
      )
    ).rows[0]!;
  const ms = (d: Date | null) => (d === null ? null : new Date(d).getTime());
  const statusExtension = async (id: string, channel?: 'in_app' | 'notification') => {
    const { status, body } = await p().read(id, { channel });
    expect(status).toBe(200);
    const ext = body.extension?.find((e) => e.url === FALLBACK_STATUS_EXTENSION_URL);
    const parts = ext?.extension.map((part): [string, string | undefined] => [
      part.url!,
      part.valueCode ?? part.valueDateTime,
    ]);
    return parts && Object.fromEntries(parts);
  };

  it('records created → sending → delivered as Notify moves the text message along, then stops asking', async () => {
    const id = await p().send(await p().patient({ phone: '07700900101' }));
    expect(await statusExtension(id)).toBeUndefined();
    expect(await p().runAt(2 * HOUR)).toMatchObject({ sent: 1 });
    const notification = p().notify.sent[0]!;
    let row = await rowOf(id);
    expect(row).toMatchObject({ state: 'sent', channel: 'sms', notify_id: notification.id, notify_status: 'created' });
    expect(ms(row.notify_status_at)).toBe(ms(row.sent_at));
    expect(ms(row.status_check_at)).toBe(ms(row.sent_at)! + MINUTE);

    // Not due yet: Notify is not asked.
    expect(await p().pollAt(2 * HOUR + 30_000)).toEqual({ checked: 0, changed: 0, failed: 0 });
    expect(p().notify.lookups).toEqual([]);

    p().notify.setStatus(notification.id, 'sending');
    expect(await p().pollAt(2 * HOUR + MINUTE + 1_000)).toEqual({ checked: 1, changed: 1, failed: 0 });
    row = await rowOf(id);
    expect(row.notify_status).toBe('sending');
    const sendingSeenAt = ms(row.notify_status_at)!;
    expect(sendingSeenAt).toBeGreaterThan(ms(row.sent_at)! + MINUTE);

    // Asked again with no change: the status keeps the time it was first seen.
    expect(await p().pollAt(2 * HOUR + 3 * MINUTE)).toEqual({ checked: 1, changed: 0, failed: 0 });
    expect(ms((await rowOf(id)).notify_status_at)).toBe(sendingSeenAt);

    p().notify.setStatus(notification.id, 'delivered');
    expect(await p().pollAt(2 * HOUR + 6 * MINUTE)).toEqual({ checked: 1, changed: 1, failed: 0 });
    row = await rowOf(id);
    expect(row.notify_status).toBe('delivered');
    expect(row.status_check_at).toBeNull();
    expect(p().notify.lookups).toEqual([notification.id, notification.id, notification.id]);

    // Final: never asked again.
    await p().pollAt(2 * HOUR + 10 * HOUR);
    expect(p().notify.lookups).toHaveLength(3);

    // The sender sees it on the message, without the number or the text.
    expect(await statusExtension(id)).toEqual({
      outcome: 'sent',
      reason: 'not-notified',
      channel: 'sms',
      sentAt: new Date(row.sent_at!).toISOString(),
      notifyStatus: 'delivered',
      notifyStatusAt: new Date(row.notify_status_at!).toISOString(),
    });
    const readBack = JSON.stringify((await p().read(id)).body);
    expect(readBack).not.toContain('07700900101');
    // Notify's answer held the number and the text; only the status word was kept.
    const stored = JSON.stringify(
      (await p().t.deps.db.query('SELECT * FROM outbound_fallbacks WHERE message_id = $1', [id])).rows,
    );
    expect(stored).not.toContain('07700900101');
    expect(stored).not.toContain('Template');
  });

  it('records a permanent failure of an email, and the sender sees it', async () => {
    const id = await p().send(await p().patient({ email: 'gone@example.com' }));
    expect(await p().runAt(25 * HOUR)).toMatchObject({ sent: 1 });
    p().notify.setStatus(p().notify.sent[0]!.id, 'permanent-failure');
    expect(await p().pollAt(25 * HOUR + 2 * MINUTE)).toEqual({ checked: 1, changed: 1, failed: 0 });
    expect(await rowOf(id)).toMatchObject({ notify_status: 'permanent-failure', status_check_at: null });
    expect(await statusExtension(id)).toMatchObject({
      outcome: 'sent',
      reason: 'unread',
      channel: 'email',
      notifyStatus: 'permanent-failure',
    });
    expect(JSON.stringify((await p().read(id)).body)).not.toContain('gone@example.com');
  });

  it('shows a fallback that found no channel, and none on a message that needed none', async () => {
    const unreachable = await p().send(await p().patient({}));
    const notified = await p().send(await p().patient({ phone: '07700900102' }));
    await recordReceipt(p().t.deps.db, { messageId: notified, code: 'Notified', at: new Date() });
    expect(await p().runAt(2 * HOUR)).toMatchObject({ sent: 0, noChannel: 1 });
    expect(await statusExtension(unreachable)).toEqual({ outcome: 'no-channel', reason: 'not-notified' });
    expect(await statusExtension(notified)).toBeUndefined();
    // Only the client that sent it can read it, fallback and all.
    const other = await makeSender(p().t.app, p().t.deps);
    expect((await p().read(unreachable, { token: await accessTokenFor(p().t.app, other) })).status).toBe(404);
  });

  it('keeps asking while Notify fails or the status is pending, and gives up 73 hours after sending', async () => {
    const id = await p().send(await p().patient({ phone: '07700900103' }));
    expect(await p().runAt(2 * HOUR)).toMatchObject({ sent: 1 });
    const sentAt = ms((await rowOf(id)).sent_at)!;
    /** The job's offset from the real clock to run at `at`. */
    const runningAt = (at: number) => at - Date.now();
    p().notify.failLookupsWith = 500;
    expect(await p().pollAt(runningAt(sentAt + 2 * MINUTE))).toEqual({ checked: 0, changed: 0, failed: 1 });
    expect(await rowOf(id)).toMatchObject({ notify_status: 'created' });
    expect(ms((await rowOf(id)).status_check_at)).toBeGreaterThan(sentAt + 2 * MINUTE);
    p().notify.failLookupsWith = null;
    p().notify.setStatus(p().notify.sent[0]!.id, 'pending');
    // Run the job whenever a look is due, until it stops asking.
    let lastLook = 0;
    for (let due = ms((await rowOf(id)).status_check_at); due !== null; due = ms((await rowOf(id)).status_check_at)) {
      expect(await p().pollAt(runningAt(due + 1_000))).toMatchObject({ checked: 1 });
      lastLook = due;
      if (p().notify.lookups.length > 200) break;
    }
    expect(lastLook).toBeGreaterThanOrEqual(sentAt + 72 * HOUR);
    expect(lastLook).toBeLessThanOrEqual(sentAt + STATUS_WATCH_MS);
    // A minute, then at half the age up to hourly: about eighty looks over three days.
    expect(p().notify.lookups.length).toBeLessThan(100);
    expect(await rowOf(id)).toMatchObject({ notify_status: 'pending', status_check_at: null });
    const looks = p().notify.lookups.length;
    await p().pollAt(runningAt(sentAt + 96 * HOUR));
    expect(p().notify.lookups).toHaveLength(looks);
  });

  it('asks once per due fallback when several workers poll at once', async () => {
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(await p().send(await p().patient({ phone: `0770091${1000 + i}` })));
    expect(await p().runAt(2 * HOUR)).toMatchObject({ sent: 20 });
    for (const n of p().notify.sent) p().notify.setStatus(n.id, 'delivered');
    p().notify.delayMs = 20;
    const results = await Promise.all([
      p().pollAt(2 * HOUR + 2 * MINUTE),
      p().pollAt(2 * HOUR + 2 * MINUTE),
      p().pollAt(2 * HOUR + 2 * MINUTE),
    ]);
    expect(results.reduce((n, r) => n + r.checked, 0)).toBe(20);
    expect(p().notify.lookups).toHaveLength(20);
    expect(new Set(p().notify.lookups)).toEqual(new Set(p().notify.sent.map((n) => n.id)));
    const statuses = await p().t.deps.db.query<{ notify_status: string }>(
      'SELECT notify_status FROM outbound_fallbacks WHERE message_id = ANY($1::uuid[])',
      [ids],
    );
    expect(statuses.rows.map((r) => r.notify_status)).toEqual(Array(20).fill('delivered'));
  });

  it('drops the answer of a worker whose claim was taken over, and asks again after a crash', async () => {
    const id = await p().send(await p().patient({ phone: '07700900104' }));
    expect(await p().runAt(2 * HOUR)).toMatchObject({ sent: 1 });
    const notifyId = p().notify.sent[0]!.id;
    p().notify.setStatus(notifyId, 'sending');
    p().notify.delayMs = 300;
    const slow = p().pollAt(2 * HOUR + 2 * MINUTE);
    await new Promise((r) => setTimeout(r, 100));
    // While the slow worker waits on Notify, its lease lapses and another worker claims the row.
    await p().t.deps.db.query('UPDATE outbound_fallbacks SET status_check_at = $2 WHERE message_id = $1', [
      id,
      new Date(Date.now() + 3 * HOUR),
    ]);
    expect(await slow).toEqual({ checked: 1, changed: 0, failed: 0 });
    expect(await rowOf(id)).toMatchObject({ notify_status: 'created' });
    p().notify.delayMs = 0;

    // A worker that claimed the row and died: the row comes back once the lease is over.
    const claimedAt = 2 * HOUR + 3 * HOUR;
    await p().t.deps.db.query('UPDATE outbound_fallbacks SET status_check_at = $2 WHERE message_id = $1', [
      id,
      new Date(Date.now() + claimedAt + STATUS_LEASE_MS),
    ]);
    expect(await p().pollAt(claimedAt + MINUTE)).toMatchObject({ checked: 0 });
    expect(await p().pollAt(claimedAt + STATUS_LEASE_MS + 1_000)).toMatchObject({ checked: 1, changed: 1 });
    expect(await rowOf(id)).toMatchObject({ notify_status: 'sending' });
  });

  it('after a crash, keeps the status Notify gives for the send that got through', async () => {
    const id = await p().send(await p().patient({ phone: '07700900105' }));
    await p().t.deps.db.query(
      "INSERT INTO outbound_fallbacks (message_id, state, reason, claimed_at) VALUES ($1, 'claimed', 'not_notified', $2)",
      [id, new Date(Date.now() + 2 * HOUR)],
    );
    p().notify.sent.push({
      id: randomUUID(),
      type: 'sms',
      templateId: p().smsTemplate,
      to: '07700900105',
      personalisation: {},
      reference: id,
      status: 'delivered',
    });
    expect(await p().runAt(2 * HOUR + FALLBACK_LEASE_MS + 2_000)).toMatchObject({ sent: 0, alreadySent: 1 });
    expect(await rowOf(id)).toMatchObject({ state: 'sent', notify_status: 'delivered', status_check_at: null });
    expect(p().notify.sent).toHaveLength(1);
  });
});
