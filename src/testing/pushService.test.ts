import webpush from 'web-push';
import { afterEach, describe, expect, it } from 'vitest';
import { startPushService, type TestDevice, type TestPushService } from './pushService.js';

const VAPID = webpush.generateVAPIDKeys();

/** A push as a server sends one: encrypted to the device, with a VAPID token for the service. */
async function send(
  push: TestPushService,
  device: TestDevice,
  payload: string,
  tamper: { body?: boolean; encoding?: string } = {},
): Promise<number> {
  const body = Buffer.from(
    webpush.encrypt(device.subscription.keys.p256dh, device.subscription.keys.auth, payload, 'aes128gcm').cipherText,
  );
  if (tamper.body) body[body.length - 1]! ^= 1;
  const { Authorization } = webpush.getVapidHeaders(
    push.origin,
    'mailto:test@confide.invalid',
    VAPID.publicKey,
    VAPID.privateKey,
    'aes128gcm',
  );
  const res = await fetch(device.subscription.endpoint, {
    method: 'POST',
    headers: { TTL: '60', 'Content-Encoding': tamper.encoding ?? 'aes128gcm', Authorization },
    body,
  });
  return res.status;
}

describe('the test push service with checkOneIn', () => {
  let push: TestPushService | null = null;
  afterEach(async () => {
    await push?.close();
    push = null;
  });

  it('checks everything by default, refusing a payload that does not decrypt', async () => {
    push = await startPushService();
    const device = push.newDevice();
    expect(await send(push, device, 'one')).toBe(201);
    expect(await send(push, device, 'two', { body: true })).toBe(400);
    expect(push.received.map((r) => r.payload)).toEqual(['one']);
    expect(push.refused).toHaveLength(1);
    expect([push.accepted(), push.checked()]).toEqual([1, 2]);
  });

  it('fully checks the first push and every Nth after it, keeps only those, and counts them all', async () => {
    push = await startPushService({ checkOneIn: 3 });
    const device = push.newDevice();
    for (let i = 0; i < 7; i++) expect(await send(push, device, `push ${i}`)).toBe(201);
    expect(push.received.map((r) => r.payload)).toEqual(['push 0', 'push 3', 'push 6']);
    expect([push.accepted(), push.checked(), push.refused.length]).toEqual([7, 3, 0]);

    // The 8th and 9th are not decrypted, so a bad payload passes; the 10th is, and it is refused.
    expect(await send(push, device, 'push 7', { body: true })).toBe(201);
    expect(await send(push, device, 'push 8')).toBe(201);
    expect(await send(push, device, 'push 9', { body: true })).toBe(400);
    expect(push.refused).toHaveLength(1);
    expect([push.accepted(), push.checked()]).toEqual([9, 4]);

    // Headers are checked on every push, and an unknown device is not counted at all.
    expect(await send(push, device, 'push 10', { encoding: 'aesgcm' })).toBe(400);
    expect(push.refused.at(-1)!.problem).toMatch(/content-encoding/);
    const gone = push.newDevice().subscription;
    const stranger: TestDevice = { subscription: { ...gone, endpoint: `${push.origin}/push/unknown` }, answer: 201 };
    expect(await send(push, stranger, 'push 11')).toBe(404);
    expect([push.accepted(), push.checked(), push.refused.length]).toEqual([9, 4, 2]);
  });
});
