import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  randomUUID,
  verify,
  type ECDH,
} from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Web Push service on 127.0.0.1 for tests and benchmarks, playing both the push service and the
 * browser behind it. Each device is made as a browser makes one: its own P-256 key pair and 16-byte
 * auth secret. Every POST must carry a VAPID token (RFC 8292) that verifies with the key it names
 * and is addressed to this service's origin, and a payload that decrypts (RFC 8291 key derivation,
 * RFC 8188 aes128gcm records) with the device's private key; anything else is refused with 400 and
 * recorded in `refused`. Accepted pushes are answered with the device's `answer` (201 by default).
 *
 * A benchmark sending tens of thousands of pushes cannot afford an ECDH and a signature check per
 * push in its own process (it would take CPU from the server it measures), so `checkOneIn: N`
 * fully checks one push in N (the first, then every Nth) and, for the others, checks only that the
 * device exists, the headers (content encoding, TTL, the form of the VAPID authorization) and the
 * aes128gcm header of the body. Only the fully checked pushes are kept in `received`; `accepted()`
 * counts them all.
 */

export type PushSubscriptionJson = { endpoint: string; keys: { p256dh: string; auth: string } };

export type TestDevice = {
  /** What the browser's PushSubscription.toJSON() gives the web app. */
  subscription: PushSubscriptionJson;
  /** The status the push service answers for this device: 201, 410, 500… */
  answer: number;
};

export type ReceivedPush = {
  endpoint: string;
  /** The decrypted payload, exactly as sent. */
  payload: string;
  headers: IncomingHttpHeaders;
  /** The VAPID public key the token was signed with, and the token's claims. */
  vapid: { publicKey: string; claims: { aud: string; exp: number; sub: string } };
  answered: number;
};

export type PushServiceOptions = {
  /** Fully check (VAPID signature, decryption) one push in this many; 1 (the default) checks every one. */
  checkOneIn?: number;
};

export type TestPushService = {
  origin: string;
  newDevice(): TestDevice;
  /** The pushes fully checked and accepted (all accepted pushes when every one is checked). */
  received: ReceivedPush[];
  refused: { endpoint: string; problem: string }[];
  /** Pushes accepted, fully checked or not, whatever the device answered. */
  accepted(): number;
  /** Pushes to a known device that were fully checked, accepted or refused. */
  checked(): number;
  /** TCP connections ever opened to the service, whatever came of them. */
  connections(): number;
  /**
   * When set, called with each fully checked push before the push service answers it: what a
   * browser does on receiving one (show it, report the display) at once, while the sender waits.
   */
  onPush: ((push: ReceivedPush) => Promise<void>) | null;
  close(): Promise<void>;
};

type Held = TestDevice & { ecdh: ECDH; auth: Buffer };

export async function startPushService(opts: PushServiceOptions = {}): Promise<TestPushService> {
  const checkOneIn = opts.checkOneIn ?? 1;
  if (!Number.isInteger(checkOneIn) || checkOneIn < 1) throw new Error('checkOneIn must be a whole number from 1');
  const devices = new Map<string, Held>();
  const received: ReceivedPush[] = [];
  const refused: { endpoint: string; problem: string }[] = [];
  // Pushes to a known device so far (which one is checked), those fully checked, and those accepted.
  let arrived = 0;
  let checked = 0;
  let accepted = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const endpoint = `${origin}${req.url ?? ''}`;
      const device = devices.get(endpoint);
      if (req.method !== 'POST' || !device) {
        res.statusCode = 404;
        res.end();
        return;
      }
      const check = arrived++ % checkOneIn === 0;
      try {
        if (check) {
          checked++;
          const vapid = checkVapid(req.headers.authorization, origin);
          checkHeaders(req.headers);
          const payload = decrypt(Buffer.concat(chunks), device.ecdh, device.auth);
          const push = { endpoint, payload, headers: req.headers, vapid, answered: device.answer };
          received.push(push);
          const onPush = service.onPush;
          if (onPush) {
            accepted++;
            res.statusCode = device.answer;
            // The answer waits for the browser's side, however that ends.
            void onPush(push)
              .catch(() => undefined)
              .finally(() => res.end());
            return;
          }
        } else {
          vapidToken(req.headers.authorization);
          checkHeaders(req.headers);
          checkBodyHeader(Buffer.concat(chunks));
        }
        accepted++;
        res.statusCode = device.answer;
      } catch (err) {
        refused.push({ endpoint, problem: err instanceof Error ? err.message : String(err) });
        res.statusCode = 400;
      }
      res.end();
    });
  });
  let connections = 0;
  server.on('connection', () => connections++);
  // Longer than any test: a kept-alive connection is never closed under a push in flight.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const service: TestPushService = {
    origin,
    received,
    refused,
    onPush: null,
    accepted: () => accepted,
    checked: () => checked,
    connections: () => connections,
    newDevice() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const device: Held = {
        subscription: {
          endpoint: `${origin}/push/${randomUUID()}`,
          keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
        },
        answer: 201,
        ecdh,
        auth,
      };
      devices.set(device.subscription.endpoint, device);
      return device;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return service;
}

function checkHeaders(h: IncomingHttpHeaders): void {
  if (h['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding is ${h['content-encoding']}`);
  if (!/^\d+$/.test(String(h.ttl))) throw new Error('no TTL header');
}

/** The token and key of `Authorization: vapid t=<JWT>, k=<public key>`, by form only. */
function vapidToken(authorization: string | undefined): { token: string; publicKey: string } {
  const m = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), ?k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!m) throw new Error('no VAPID authorization');
  return { token: m[1]!, publicKey: m[2]! };
}

/** `Authorization: vapid t=<JWT>, k=<public key>` with an ES256 token for this origin (RFC 8292). */
function checkVapid(authorization: string | undefined, origin: string): ReceivedPush['vapid'] {
  const { token, publicKey } = vapidToken(authorization);
  const [header, claims, signature] = token.split('.') as [string, string, string];
  const point = Buffer.from(publicKey, 'base64url');
  if (point.length !== 65 || point[0] !== 0x04) throw new Error('VAPID key is not a P-256 point');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
  if (parsedHeader.alg !== 'ES256') throw new Error('VAPID token is not ES256');
  const signed = verify(
    'sha256',
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) throw new Error('VAPID signature does not verify');
  const c = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { aud: string; exp: number; sub: string };
  if (c.aud !== origin) throw new Error(`VAPID aud is ${c.aud}, not ${origin}`);
  const now = Date.now() / 1000;
  if (!(c.exp > now && c.exp <= now + 24 * 3600)) throw new Error('VAPID token expired or lives over 24 hours');
  if (!/^(mailto:|https:)/.test(c.sub)) throw new Error('VAPID sub is not mailto: or https:');
  return { publicKey, claims: c };
}

const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer | string, length: number) =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/** The RFC 8188 header a Web Push body starts with, and room for at least one record after it. */
function checkBodyHeader(body: Buffer): void {
  if (body.length < 21) throw new Error('payload shorter than its header');
  const rs = body.readUInt32BE(16);
  if (body[20] !== 65 || rs < 18) throw new Error('header is not an aes128gcm Web Push header');
  // A record is at least its 16-byte tag and the delimiter.
  if (body.length < 21 + 65 + 17) throw new Error('no records');
}

/**
 * RFC 8291 over RFC 8188: the header gives the salt, the record size and the sender's one-time
 * public key; ECDH with the device's private key and the auth secret give the content key and
 * nonce; each record is AES-128-GCM, ending in a delimiter (2 on the last record) and zero padding.
 */
export function decrypt(body: Buffer, ecdh: ECDH, auth: Buffer): string {
  if (body.length < 21) throw new Error('payload shorter than its header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  if (idlen !== 65 || rs < 18) throw new Error('header is not an aes128gcm Web Push header');
  const senderKey = body.subarray(21, 21 + idlen);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderKey]);
  const ikm = hkdf(ecdh.computeSecret(senderKey), auth, keyInfo, 32);
  const cek = hkdf(ikm, salt, 'Content-Encoding: aes128gcm\0', 16);
  const nonce = hkdf(ikm, salt, 'Content-Encoding: nonce\0', 12);
  const records = body.subarray(21 + idlen);
  if (records.length === 0) throw new Error('no records');
  const plain: Buffer[] = [];
  for (let at = 0, seq = 0; at < records.length; at += rs, seq++) {
    const record = records.subarray(at, at + rs);
    const last = at + rs >= records.length;
    const iv = Buffer.from(nonce);
    // The record's sequence number, XORed into the nonce's low bytes (32 bits are plenty here).
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, iv);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    if (end < 0 || padded[end] !== (last ? 2 : 1)) throw new Error('bad padding delimiter');
    plain.push(padded.subarray(0, end));
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(plain));
}
