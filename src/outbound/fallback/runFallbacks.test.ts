import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enrolPatient } from '../../identity/patients.js';
import { startNotifyService, type TestNotify } from '../../testing/notifyService.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { FALLBACK_EXTENSION_URL } from '../fhir/fallbackExtension.js';
import { recordReceipt } from '../receipts/recordReceipt.js';
import { accessTokenFor, inAppRequest, makeSender, testNhsNumber, type TestSender } from '../testSenders.js';
import { FALLBACK_LEASE_MS, runFallbacks } from './runFallbacks.js';

const HOUR = 3_600_000;
const SMS_TEMPLATE = randomUUID();
const EMAIL_TEMPLATE = randomUUID();

describe('SMS and email fallback through GOV.UK Notify', () => {
  let notify: TestNotify;
  let t: TestApp;
  let sender: TestSender;
  let token: string;
  beforeAll(async () => {
    notify = await startNotifyService();
    t = await buildTestApp({
      config: { notify: { apiKey: notify.apiKey, baseUrl: notify.baseUrl, timeoutMs: 10_000 } },
    });
    sender = await makeSender(t.app, t.deps, { notifyTemplates: { sms: SMS_TEMPLATE, email: EMAIL_TEMPLATE } });
    token = await accessTokenFor(t.app, sender);
  });
  afterAll(async () => {
    await t.close();
    await notify.close();
  });
  /** The job as it would run `later` ms from now: messages are sent on the real clock. */
  const runAt = (later: number, opts: { limit?: number } = {}) =>
    runFallbacks({ ...t.deps, now: () => new Date(Date.now() + later) }, opts);
  beforeEach(async () => {
    // Each test starts with nothing due from the ones before it.
    await runAt(48 * HOUR, { limit: 10_000 });
    notify.sent.length = 0;
    notify.failWith = null;
  });

  const patient = async (contact: { phone?: string; email?: string }) => {
    const nhsNumber = testNhsNumber();
    await enrolPatient(t.deps, { nhsNumber, identityLevel: 'P9', ...contact });
    return nhsNumber;
  };
  const send = async (nhsNumber: string, fallback?: unknown[]) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/communication/in-app/FHIR/R4/CommunicationRequest',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        ...inAppRequest(nhsNumber, sender.odsCode, { content: 'Private content that must never leave by SMS.' }),
        ...(fallback ? { extension: [{ url: FALLBACK_EXTENSION_URL, extension: fallback }] } : {}),
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
  };
  const stateOf = async (id: string) =>
    (
      await t.deps.db.query<{ state: string; reason: string; channel: string | null }>(
        'SELECT state, reason, channel FROM outbound_fallbacks WHERE message_id = $1',
        [id],
      )
    ).rows[0];

  it('gives up on a Notify that does not answer in time, and never sends twice when the send got through', async () => {
    const id = await send(await patient({ phone: '07700900077' }));
    // Notify takes the send but answers only after 2 seconds; this job waits 200 ms.
    notify.delayMs = 2_000;
    const impatient = { ...t.deps.config, notify: { ...t.deps.config.notify!, timeoutMs: 200 } };
    try {
      expect(
        await runFallbacks({ ...t.deps, config: impatient, now: () => new Date(Date.now() + 61 * 60_000) }),
      ).toMatchObject({ sent: 0, failed: 1 });
      for (let waited = 0; notify.sent.length === 0 && waited < 10_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      notify.delayMs = 0;
    }
    expect(notify.sent.map((n) => n.reference)).toEqual([id]);
    // Tried again once the claim has lapsed: Notify is asked by reference first, and has it.
    expect(await runAt(61 * 60_000 + FALLBACK_LEASE_MS + 60_000)).toMatchObject({ sent: 0, alreadySent: 1 });
    expect(notify.sent).toHaveLength(1);
    expect(await stateOf(id)).toMatchObject({ state: 'sent', channel: 'sms' });
  });

  it('sends once, by SMS or else email, when a message is not notified within an hour', async () => {
    const byPhone = await send(await patient({ phone: '07700900001', email: 'a@example.com' }));
    const byEmail = await send(await patient({ email: 'b@example.com' }));
    const unreachable = await send(await patient({}));
    expect(await runAt(30 * 60_000)).toMatchObject({ sent: 0 });
    expect(await runAt(61 * 60_000)).toMatchObject({ sent: 2, noChannel: 1 });
    expect(await runAt(62 * 60_000)).toMatchObject({ sent: 0, noChannel: 0 });
    expect(notify.sent.map((n) => [n.type, n.to, n.templateId, n.reference])).toEqual([
      ['sms', '07700900001', SMS_TEMPLATE, byPhone],
      ['email', 'b@example.com', EMAIL_TEMPLATE, byEmail],
    ]);
    const org = await t.deps.db.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [
      sender.organisationId,
    ]);
    expect(notify.sent[0]!.personalisation).toEqual({ sender: org.rows[0]!.name });
    expect(JSON.stringify(notify.sent)).not.toContain('Private content');
    expect(await stateOf(byPhone)).toEqual({ state: 'sent', reason: 'not_notified', channel: 'sms' });
    expect(await stateOf(unreachable)).toMatchObject({ state: 'no_channel' });
  });

  it('waits for the unread window when the message was notified, and never falls back once read', async () => {
    const notified = await send(await patient({ phone: '07700900002' }));
    const read = await send(await patient({ phone: '07700900003' }));
    await recordReceipt(t.deps.db, { messageId: notified, code: 'Notified', at: new Date() });
    await t.deps.db.query('UPDATE outbound_messages SET read_at = $2 WHERE id = $1', [read, new Date()]);
    expect(await runAt(2 * HOUR)).toMatchObject({ sent: 0 });
    expect(await runAt(25 * HOUR)).toMatchObject({ sent: 1 });
    expect(notify.sent.map((n) => n.reference)).toEqual([notified]);
    expect(await stateOf(notified)).toMatchObject({ reason: 'unread' });
    expect(await stateOf(read)).toBeUndefined();
  });

  it('never sends twice when several workers run at once', async () => {
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(await send(await patient({ phone: `0770090${1000 + i}` })));
    notify.delayMs = 20;
    const results = await Promise.all([runAt(2 * HOUR), runAt(2 * HOUR), runAt(2 * HOUR)]);
    notify.delayMs = 0;
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(20);
    expect(notify.sent).toHaveLength(20);
    expect(new Set(notify.sent.map((n) => n.reference))).toEqual(new Set(ids));
  });

  it('after a crash, finds a send that got through instead of repeating it, and retries one that did not', async () => {
    const gotThrough = await send(await patient({ phone: '07700900004' }));
    const neverSent = await send(await patient({ phone: '07700900005' }));
    // A worker claimed both two hours on, reached Notify for the first only, and died.
    for (const id of [gotThrough, neverSent]) {
      await t.deps.db.query(
        "INSERT INTO outbound_fallbacks (message_id, state, reason, claimed_at) VALUES ($1, 'claimed', 'not_notified', $2)",
        [id, new Date(Date.now() + 2 * HOUR)],
      );
    }
    notify.sent.push({
      id: randomUUID(),
      type: 'sms',
      templateId: SMS_TEMPLATE,
      to: '07700900004',
      personalisation: {},
      reference: gotThrough,
    });
    expect(await runAt(2 * HOUR + 1_000)).toMatchObject({ sent: 0, alreadySent: 0 });
    expect(await runAt(2 * HOUR + FALLBACK_LEASE_MS + 2_000)).toMatchObject({ sent: 1, alreadySent: 1 });
    expect(notify.sent.filter((n) => n.reference === gotThrough)).toHaveLength(1);
    expect(notify.sent.filter((n) => n.reference === neverSent)).toHaveLength(1);
    expect(await stateOf(gotThrough)).toMatchObject({ state: 'sent' });
  });

  it("follows the sender's own windows, and no fallback when the sender turned it off", async () => {
    const soon = await send(await patient({ phone: '07700900007' }), [
      { url: 'notNotifiedAfter', valueDuration: { value: 10, unit: 'min' } },
    ]);
    const urgent = await send(await patient({ phone: '07700900008' }), [{ url: 'timeSensitive', valueBoolean: true }]);
    await recordReceipt(t.deps.db, { messageId: urgent, code: 'Notified', at: new Date() });
    const never = await send(await patient({ phone: '07700900009' }), [{ url: 'enabled', valueBoolean: false }]);
    expect(await runAt(11 * 60_000)).toMatchObject({ sent: 1 });
    expect(await runAt(4 * HOUR + 60_000)).toMatchObject({ sent: 1 });
    expect(notify.sent.map((n) => n.reference)).toEqual([soon, urgent]);
    expect(await runAt(30 * HOUR)).toMatchObject({ sent: 0 });
    expect(await stateOf(never)).toBeUndefined();
    const bad = await t.app.inject({
      method: 'POST',
      url: '/communication/in-app/FHIR/R4/CommunicationRequest',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        ...inAppRequest(testNhsNumber(), sender.odsCode),
        extension: [
          {
            url: FALLBACK_EXTENSION_URL,
            extension: [{ url: 'unreadAfter', valueDuration: { value: 1, unit: 'min' } }],
          },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ issue: { expression: string[] }[] }>().issue[0]!.expression).toEqual([
      'extension[0].extension[0]',
    ]);
  });

  it('retries after Notify fails, and sends once when it recovers', async () => {
    const id = await send(await patient({ phone: '07700900006' }));
    notify.failWith = 500;
    expect(await runAt(2 * HOUR)).toMatchObject({ failed: 1 });
    notify.failWith = null;
    expect(await runAt(2 * HOUR + FALLBACK_LEASE_MS + 2_000)).toMatchObject({ sent: 1 });
    expect(notify.sent.filter((n) => n.reference === id)).toHaveLength(1);
  });
});
