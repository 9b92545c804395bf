import type { Deps } from '../../platform/deps.js';
import { encryptPool, type EncryptJob } from './encryptPool.js';
import { postPush } from './postPush.js';
import { pushPayload } from './pushPayload.js';
import type { PushSubscriptionInput } from './subscriptionInput.js';
import { vapidAuthorization } from './vapidAuthorization.js';
import { vapidKeys } from './vapidKeys.js';

/** Push services keep an undelivered notification this long: a day-old "new message" still helps. */
export const PUSH_TTL_SECONDS = 86_400;
/** Sends in flight at once, across all the messages of a batch. */
export const PUSH_IN_FLIGHT = 64;
/** Payloads per message to an encryption worker: enough to make the hand-over cost nothing. */
const ENCRYPT_CHUNK = 32;

export type Device = { id: string; sealed: unknown };
/** accepted: the push service took it (2xx); gone: the subscription has expired (404/410). */
export type SendOutcome = 'accepted' | 'gone' | 'failed';
export type SendJob = { tag: string; device: Device };

/**
 * Sends each job's notification to its device, PUSH_IN_FLIGHT at a time, and answers the outcomes
 * in the jobs' order. Each payload is encrypted to the device's keys (RFC 8291, aes128gcm) on
 * the encryption workers, chunk by chunk, so the first sends start while later payloads are still
 * being encrypted; its VAPID token (one per push service, reused) signs each request, which goes
 * through postPush's guarded, kept-alive connections.
 */
export async function sendToDevices(
  deps: Pick<Deps, 'db' | 'keyring' | 'config' | 'now'>,
  jobs: SendJob[],
  /** Real time (ms) after which no send starts: those left are 'failed', to be tried again later. */
  deadline = Infinity,
): Promise<SendOutcome[]> {
  const keys = await vapidKeys(deps);
  const { vapidSubject, pushAllowLocalEndpoints } = deps.config;
  // Each device opened once, however many of the batch's messages go to it.
  const devices = [...new Map(jobs.map((job) => [job.device.id, job.device.sealed])).entries()];
  const plain = await deps.keyring.decryptEach(devices.map(([, sealed]) => sealed));
  const byDevice = new Map(devices.map(([id], k) => [id, readSubscription(plain[k]!)]));
  const subscriptions = jobs.map((job) => byDevice.get(job.device.id)!);
  const chunks: Promise<(Uint8Array | null)[]>[] = [];
  for (let at = 0; at < jobs.length; at += ENCRYPT_CHUNK) {
    const work: EncryptJob[] = jobs.slice(at, at + ENCRYPT_CHUNK).map((job, i) => {
      const sub = subscriptions[at + i];
      // A subscription that cannot be read still takes its place; its payload comes back null.
      return { p256dh: sub?.keys.p256dh ?? '', auth: sub?.keys.auth ?? '', payload: pushPayload(job.tag) };
    });
    const chunk = encryptPool().encrypt(work);
    // Each send awaits its own chunk; a failure here is seen there.
    chunk.catch(() => undefined);
    chunks.push(chunk);
  }
  // A batch's pushes mostly go to a handful of push services: each one's token looked up once.
  const tokens = new Map<string, string>();
  const authorizationFor = (origin: string) => {
    let token = tokens.get(origin);
    if (token === undefined) {
      token = vapidAuthorization(keys, vapidSubject, origin);
      tokens.set(origin, token);
    }
    return token;
  };
  const sendOne = async (i: number): Promise<SendOutcome> => {
    if (Date.now() > deadline) return 'failed';
    try {
      const sub = subscriptions[i];
      const body = (await chunks[Math.floor(i / ENCRYPT_CHUNK)]!)[i % ENCRYPT_CHUNK];
      if (!sub || !body) return 'failed';
      const target = new URL(sub.endpoint);
      const headers = {
        TTL: String(PUSH_TTL_SECONDS),
        Urgency: 'normal',
        'Content-Type': 'application/octet-stream',
        'Content-Encoding': 'aes128gcm',
        Authorization: authorizationFor(target.origin),
      };
      const status = await postPush(target, headers, body, pushAllowLocalEndpoints);
      if (status !== null && status >= 200 && status < 300) return 'accepted';
      return status === 404 || status === 410 ? 'gone' : 'failed';
    } catch {
      return 'failed';
    }
  };
  const outcomes = new Array<SendOutcome>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      outcomes[i] = await sendOne(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUSH_IN_FLIGHT, jobs.length) }, worker));
  return outcomes;
}

function readSubscription(json: string | null): PushSubscriptionInput | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as PushSubscriptionInput;
  } catch {
    return null;
  }
}
