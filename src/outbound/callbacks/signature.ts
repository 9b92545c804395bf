import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature of a receipt callback. */
export const SIGNATURE_HEADER = 'confide-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">` under the client's callback secret.
 * Signing the time with the body lets a receiver refuse a replayed callback by its age.
 */
export function signCallback(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

/** What a receiver does (documented in docs/API.md); also used by the tests. */
export function verifyCallbackSignature(
  secret: string,
  body: string,
  header: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || typeof parts.v1 !== 'string' || !/^[0-9a-f]{64}$/.test(parts.v1)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'));
}
