import webpush from 'web-push';
import type { VapidKeyPair } from '../../config.js';

/** A VAPID token is good for up to 24 hours (RFC 8292); ours for 12, reused for the first 11. */
const TOKEN_SECONDS = 12 * 3600;
const REUSE_MS = 11 * 3600_000;

const cache = new Map<string, { header: string; until: number }>();

/**
 * The Authorization header for one push service (the audience is its origin). Signing an ES256
 * token costs far more than encrypting a payload, so each token is reused for all of a push
 * service's messages until an hour before it expires, as RFC 8292 allows. Real time rather than
 * the app's clock: the push service checks `exp` against its own.
 */
export function vapidAuthorization(keys: VapidKeyPair, subject: string, audience: string): string {
  const key = `${keys.publicKey} ${subject} ${audience}`;
  const now = Date.now();
  const cached = cache.get(key);
  if (cached && cached.until > now) return cached.header;
  const exp = Math.floor(now / 1000) + TOKEN_SECONDS;
  const { Authorization } = webpush.getVapidHeaders(
    audience,
    subject,
    keys.publicKey,
    keys.privateKey,
    'aes128gcm',
    exp,
  );
  // Bounded by the push services in use (a handful), plus keys and subjects used in tests.
  if (cache.size > 1000) cache.clear();
  cache.set(key, { header: Authorization, until: now + REUSE_MS });
  return Authorization;
}
