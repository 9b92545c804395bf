import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolPatient } from '../../identity/patients.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { optInDevice } from '../push/testDevice.js';
import { accessTokenFor, inAppRequest, makeSender, testNhsNumber, type TestSender } from '../testSenders.js';
import { CALLBACK_LEASE_MS, deliverDueCallbacks, MAX_CALLBACK_ATTEMPTS } from './deliverCallbacks.js';
import { verifyCallbackSignature } from './signature.js';
import { startReceiver, type TestReceiver } from './testReceiver.js';

describe('receipt callbacks', () => {
  let t: TestApp;
  let clock = Date.now();
  let answer = 202;
  let receiver: TestReceiver;
  let sender: TestSender;
  let token: string;
  let p9: string;
  beforeAll(async () => {
    receiver = await startReceiver(() => answer);
    t = await buildTestApp({ config: { allowPrivateCallbacks: true }, now: () => new Date(clock) });
    sender = await makeSender(t.app, t.deps, { callbackUrl: receiver.url });
    token = await accessTokenFor(t.app, sender);
    p9 = testNhsNumber();
    await enrolPatient(t.deps, { nhsNumber: p9, identityLevel: 'P9' });
    // With a device, an in-app message starts with one receipt (Delivered), so one callback each.
    await optInDevice(t.deps, p9);
  });
  afterAll(async () => {
    await t.close();
    receiver.server.close();
  });

  const send = async (nhsNumber = p9) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/communication/in-app/FHIR/R4/CommunicationRequest',
      headers: { authorization: `Bearer ${token}` },
      payload: inAppRequest(nhsNumber, sender.odsCode),
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
  };
  const callbackOf = async (messageId: string) =>
    (
      await t.deps.db.query<{
        receipt_id: string;
        attempts: number;
        delivered_at: Date | null;
        given_up_at: Date | null;
      }>(
        `SELECT c.receipt_id, c.attempts, c.delivered_at, c.given_up_at FROM outbound_callbacks c
         JOIN outbound_receipts r ON r.id = c.receipt_id WHERE r.message_id = $1`,
        [messageId],
      )
    ).rows[0]!;

  it('posts each receipt as a signed Task once, with its receipt id as the idempotency key', async () => {
    answer = 202;
    const id = await send();
    const before = receiver.received.length;
    expect(await deliverDueCallbacks(t.deps)).toEqual({ delivered: 1, failed: 0 });
    expect(await deliverDueCallbacks(t.deps)).toEqual({ delivered: 0, failed: 0 });
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(1);
    const task = JSON.parse(got[0]!.body) as { resourceType: string; identifier: { value: string }[]; code: unknown };
    expect(task).toMatchObject({ resourceType: 'Task', status: 'completed' });
    expect(task.identifier.at(-1)!.value).toBe(id);
    expect(JSON.stringify(task.code)).toContain('Delivered');
    const cb = await callbackOf(id);
    expect(got[0]!.headers['idempotency-key']).toBe(cb.receipt_id);
    expect(got[0]!.headers['content-type']).toBe('application/fhir+json');
    const signature = got[0]!.headers['confide-signature'] as string;
    expect(verifyCallbackSignature(sender.callbackSecret!, got[0]!.body, signature, new Date(clock))).toBe(true);
    expect(cb.delivered_at).not.toBeNull();
  });

  it('retries a failed delivery after its backoff, and gives up after the last attempt', async () => {
    answer = 500;
    const id = await send(testNhsNumber());
    expect(await deliverDueCallbacks(t.deps)).toEqual({ delivered: 0, failed: 1 });
    // Not due again until the backoff has passed.
    expect(await deliverDueCallbacks(t.deps)).toEqual({ delivered: 0, failed: 0 });
    answer = 200;
    clock += 31_000;
    expect(await deliverDueCallbacks(t.deps)).toEqual({ delivered: 1, failed: 0 });
    expect((await callbackOf(id)).attempts).toBe(2);

    answer = 503;
    const doomed = await send();
    const { receipt_id } = await callbackOf(doomed);
    await t.deps.db.query('UPDATE outbound_callbacks SET attempts = $2 WHERE receipt_id = $1', [
      receipt_id,
      MAX_CALLBACK_ATTEMPTS - 1,
    ]);
    expect(await deliverDueCallbacks(t.deps)).toEqual({ delivered: 0, failed: 1 });
    expect((await callbackOf(doomed)).given_up_at).not.toBeNull();
    // Even once it is long overdue, a callback given up on is never tried again.
    await t.deps.db.query('UPDATE outbound_callbacks SET next_attempt_at = $2 WHERE receipt_id = $1', [
      receipt_id,
      new Date(clock - 3_600_000),
    ]);
    expect(await deliverDueCallbacks(t.deps)).toEqual({ delivered: 0, failed: 0 });
  });

  it('shares work between concurrent workers without sending anything twice, and survives a lost worker', async () => {
    answer = 202;
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(await send());
    // A worker that claimed one and died: its lease keeps it from the others until it runs out.
    const lost = await callbackOf(ids[0]!);
    await t.deps.db.query('UPDATE outbound_callbacks SET attempts = 1, next_attempt_at = $2 WHERE receipt_id = $1', [
      lost.receipt_id,
      new Date(clock + CALLBACK_LEASE_MS),
    ]);
    const before = receiver.received.length;
    const results = await Promise.all([
      deliverDueCallbacks(t.deps, { limit: 5 }),
      deliverDueCallbacks(t.deps, { limit: 5 }),
      deliverDueCallbacks(t.deps),
    ]);
    expect(results.reduce((n, r) => n + r.delivered, 0)).toBe(11);
    clock += CALLBACK_LEASE_MS + 1;
    expect(await deliverDueCallbacks(t.deps)).toEqual({ delivered: 1, failed: 0 });
    const keys = receiver.received.slice(before).map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
  });

  it('refuses to post to a private address unless the deployment allows it', async () => {
    const strict = await buildTestApp();
    try {
      // Plain http is refused at registration where private callbacks are not allowed.
      await expect(makeSender(strict.app, strict.deps, { callbackUrl: receiver.url })).rejects.toThrow(/400/);
      // An https URL whose host is loopback passes registration and is refused at delivery.
      const port = new URL(receiver.url).port;
      const local = await makeSender(strict.app, strict.deps, {
        callbackUrl: `https://localhost:${port}/FHIR/R4/Task`,
      });
      const localToken = await accessTokenFor(strict.app, local);
      const patient = testNhsNumber();
      await enrolPatient(strict.deps, { nhsNumber: patient, identityLevel: 'P9' });
      await optInDevice(strict.deps, patient);
      await strict.app.inject({
        method: 'POST',
        url: '/communication/in-app/FHIR/R4/CommunicationRequest',
        headers: { authorization: `Bearer ${localToken}` },
        payload: inAppRequest(patient, local.odsCode),
      });
      const before = receiver.received.length;
      expect(await deliverDueCallbacks(strict.deps)).toEqual({ delivered: 0, failed: 1 });
      expect(receiver.received.length).toBe(before);
    } finally {
      await strict.close();
    }
  });
});
