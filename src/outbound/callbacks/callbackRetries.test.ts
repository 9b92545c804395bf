import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enrolPatient } from '../../identity/patients.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { markRead } from '../inbox/patientInbox.js';
import { optInDevice } from '../push/testDevice.js';
import type { ReceiptTask } from '../receipts/taskResource.js';
import { accessTokenFor, inAppRequest, makeSender, testNhsNumber, type TestSender } from '../testSenders.js';
import { callbackBackoffMs, deliverDueCallbacks, MAX_CALLBACK_ATTEMPTS } from './deliverCallbacks.js';
import { verifyCallbackSignature } from './signature.js';
import { startReceiver, type ReceivedCallback, type TestReceiver } from './testReceiver.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The wait after each failed attempt but the last (which gives up instead), at full length and at its shortest. */
const waits = Array.from({ length: MAX_CALLBACK_ATTEMPTS - 1 }, (_, i) => callbackBackoffMs(i + 1, 0));
const shortest = Array.from({ length: MAX_CALLBACK_ATTEMPTS - 1 }, (_, i) => callbackBackoffMs(i + 1, 1));
const sum = (ms: number[]) => ms.reduce((a, b) => a + b, 0);

describe('callback retry schedule', () => {
  it('waits 30 s after the first failure and doubles each wait until it reaches the one-hour cap', () => {
    expect(waits[0]).toBe(30_000);
    for (let i = 1; i < waits.length; i++) {
      expect(waits[i], `wait after attempt ${i + 1}`).toBe(Math.min(2 * waits[i - 1]!, HOUR));
    }
    // The cap is reached within the attempts allowed, and never passed however long it goes on.
    expect(waits.at(-1)).toBe(HOUR);
    expect(callbackBackoffMs(50, 0)).toBe(HOUR);
  });

  it('shortens each wait at random by up to a quarter, so callbacks that failed together come back spread out', () => {
    for (let attempt = 1; attempt <= MAX_CALLBACK_ATTEMPTS; attempt++) {
      const full = callbackBackoffMs(attempt, 0);
      const drawn = Array.from({ length: 200 }, () => callbackBackoffMs(attempt));
      for (const wait of drawn) {
        expect(wait).toBeLessThanOrEqual(full);
        expect(wait).toBeGreaterThanOrEqual(callbackBackoffMs(attempt, 1));
      }
      expect(callbackBackoffMs(attempt, 1)).toBe(Math.round(full * 0.75));
      // 200 draws over 7.5 s or more at millisecond steps: all alike only if nothing is drawn.
      expect(new Set(drawn).size).toBeGreaterThan(100);
    }
  });

  it('keeps retrying for at least two hours between the first attempt and giving up, even at the shortest waits', () => {
    expect(sum(shortest)).toBeGreaterThanOrEqual(2 * HOUR);
  });
});

type Callback = {
  receipt_id: string;
  attempts: number;
  next_attempt_at: Date;
  delivered_at: Date | null;
  given_up_at: Date | null;
};

describe('receipt callbacks over hours of simulated time', () => {
  let t: TestApp;
  let clock = Date.now();
  let patientId: string;
  let p9: string;
  const receivers: TestReceiver[] = [];
  beforeAll(async () => {
    t = await buildTestApp({ config: { allowPrivateCallbacks: true }, now: () => new Date(clock) });
    p9 = testNhsNumber();
    await enrolPatient(t.deps, { nhsNumber: p9, identityLevel: 'P9' });
    // With a device, an in-app message starts with one receipt (Delivered), so one callback.
    patientId = await optInDevice(t.deps, p9);
  });
  // A client's assertion is signed against the real clock, so each test starts from it again;
  // the callbacks of earlier tests are all delivered or given up by then.
  beforeEach(() => {
    clock = Date.now();
  });
  afterAll(async () => {
    await t.close();
    for (const r of receivers) r.server.close();
  });

  const receiverAndSender = async (
    status: Parameters<typeof startReceiver>[0],
  ): Promise<{ receiver: TestReceiver; sender: TestSender }> => {
    const receiver = await startReceiver(status);
    receivers.push(receiver);
    return { receiver, sender: await makeSender(t.app, t.deps, { callbackUrl: receiver.url }) };
  };
  const send = async (sender: TestSender) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/communication/in-app/FHIR/R4/CommunicationRequest',
      headers: { authorization: `Bearer ${await accessTokenFor(t.app, sender)}` },
      payload: inAppRequest(p9, sender.odsCode),
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
  };
  const callbackOf = async (messageId: string, code = 'Delivered') =>
    (
      await t.deps.db.query<Callback>(
        `SELECT c.receipt_id, c.attempts, c.next_attempt_at, c.delivered_at, c.given_up_at FROM outbound_callbacks c
         JOIN outbound_receipts r ON r.id = c.receipt_id WHERE r.message_id = $1 AND r.code = $2`,
        [messageId, code],
      )
    ).rows[0]!;
  /**
   * Runs the deliverer as the runner would, at each moment the callback falls due, until it is
   * delivered or given up; a millisecond earlier, nothing is sent. Returns the time of each attempt.
   */
  const settle = async (messageId: string, receiver: TestReceiver) => {
    const attemptedAt: number[] = [];
    for (let i = 0; i <= MAX_CALLBACK_ATTEMPTS; i++) {
      const cb = await callbackOf(messageId);
      if (cb.delivered_at || cb.given_up_at) return { callback: cb, attemptedAt };
      const before = receiver.received.length;
      clock = new Date(cb.next_attempt_at).getTime() - 1;
      await deliverDueCallbacks(t.deps);
      expect(receiver.received.length, 'nothing is sent before the callback is due').toBe(before);
      clock += 1;
      await deliverDueCallbacks(t.deps);
      expect(receiver.received.length).toBe(before + 1);
      attemptedAt.push(clock);
    }
    throw new Error(`the callback was neither delivered nor given up after ${MAX_CALLBACK_ATTEMPTS} attempts`);
  };
  const codeOf = (c: Pick<ReceivedCallback, 'body'>) => (JSON.parse(c.body) as ReceiptTask).code.coding[0].code;

  it('delivers a receipt to a receiver that fails for 90 minutes and then recovers, with the same body and key each time', async () => {
    const recovers = clock + 90 * MINUTE;
    const { receiver, sender } = await receiverAndSender(() => (clock < recovers ? 503 : 202));
    const id = await send(sender);
    const { callback, attemptedAt } = await settle(id, receiver);

    expect(callback.delivered_at).not.toBeNull();
    expect(callback.given_up_at).toBeNull();
    expect(attemptedAt.at(-1)).toBeGreaterThanOrEqual(recovers);
    expect(attemptedAt.at(-2)).toBeLessThan(recovers);
    const got = receiver.received;
    expect(got.map((r) => r.status)).toEqual([...got.slice(1).map(() => 503), 202]);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    expect(new Set(got.map((r) => r.headers['idempotency-key']))).toEqual(new Set([callback.receipt_id]));
    const last = got.at(-1)!;
    const signature = last.headers['confide-signature'] as string;
    expect(verifyCallbackSignature(sender.callbackSecret!, last.body, signature, new Date(clock))).toBe(true);
  });

  it('tries a receiver that never recovers for at least two hours, then gives up', async () => {
    const { receiver, sender } = await receiverAndSender(() => 503);
    const id = await send(sender);
    const { callback, attemptedAt } = await settle(id, receiver);

    expect(callback.delivered_at).toBeNull();
    expect(callback.attempts).toBe(MAX_CALLBACK_ATTEMPTS);
    expect(receiver.received).toHaveLength(MAX_CALLBACK_ATTEMPTS);
    const span = new Date(callback.given_up_at!).getTime() - attemptedAt[0]!;
    expect(span).toBeGreaterThanOrEqual(2 * HOUR);
    expect(span).toBeGreaterThanOrEqual(sum(shortest));
    expect(span).toBeLessThanOrEqual(sum(waits));
  });

  it('delivers each receipt exactly once when Read overtakes a failed Delivered, and lastModified shows Read came later', async () => {
    let refusedDelivered = false;
    const { receiver, sender } = await receiverAndSender((request) => {
      if (codeOf(request) !== 'Delivered' || refusedDelivered) return 202;
      refusedDelivered = true;
      return 503;
    });
    const id = await send(sender);
    await deliverDueCallbacks(t.deps);
    expect(receiver.received.map((r) => [codeOf(r), r.status])).toEqual([['Delivered', 503]]);

    // The patient reads the message before Delivered is due again, so Read goes first.
    clock += 10_000;
    await markRead(t.deps, { patientId, identityLevel: 'P9' }, id, null);
    await deliverDueCallbacks(t.deps);
    clock += callbackBackoffMs(1, 0);
    await deliverDueCallbacks(t.deps);
    // Nothing more comes, however long the deliverer goes on.
    clock += 6 * HOUR;
    await deliverDueCallbacks(t.deps);

    const accepted = receiver.received.filter((r) => r.status >= 200 && r.status < 300);
    expect(accepted.map(codeOf)).toEqual(['Read', 'Delivered']);
    const keys = accepted.map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual([(await callbackOf(id, 'Read')).receipt_id, (await callbackOf(id, 'Delivered')).receipt_id]);
    expect(receiver.received.filter((r) => r.headers['idempotency-key'] === keys[1])).toHaveLength(2);

    // Each body names its message and says when its status happened: the time it was recorded,
    // not the time it was sent, which is what lets the receiver put them back in order.
    const { rows: recorded } = await t.deps.db.query<{ code: string; at: Date }>(
      'SELECT code, at FROM outbound_receipts WHERE message_id = $1',
      [id],
    );
    const tasks = accepted.map((r) => JSON.parse(r.body) as ReceiptTask);
    for (const task of tasks) {
      expect(task.identifier.at(-1)!.value).toBe(id);
      const at = recorded.find((r) => r.code === task.code.coding[0].code)!.at;
      expect(task.lastModified).toBe(new Date(at).toISOString());
    }
    // What docs/API.md asks of a receiver: the newest lastModified of a message is its status.
    const latest = tasks.reduce((a, b) => (Date.parse(b.lastModified) > Date.parse(a.lastModified) ? b : a));
    expect(latest.code.coding[0].code).toBe('Read');
  });
});
