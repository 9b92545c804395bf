import { ECDH } from 'node:crypto';
import { isIP } from 'node:net';
import { Invalid } from '../../platform/http/errors.js';
import { isPublicAddress } from '../callbacks/addressGuard.js';

/** A browser's PushSubscription as its toJSON() gives it (expirationTime, if sent, is not kept). */
export type PushSubscriptionInput = { endpoint: string; keys: { p256dh: string; auth: string } };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
export const MAX_ENDPOINT_LENGTH = 2048;

function refuse(message: string): never {
  throw new Invalid(message, 'invalid_subscription');
}

/**
 * The endpoint is where Confide will POST, and any signed-in patient chooses it: https only (plain
 * http and private addresses only where a test deployment allows them), no credentials, and an
 * address literal must be public. Host names are checked again, after DNS, at every send.
 */
export function checkEndpoint(endpoint: string, allowLocal: boolean): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    refuse('endpoint must be the push service URL the browser gave');
  }
  if (url.protocol !== 'https:' && !(allowLocal && url.protocol === 'http:')) {
    refuse('endpoint must be an https URL');
  }
  if (url.username !== '' || url.password !== '') refuse('endpoint must not contain credentials');
  if (url.hash !== '') refuse('endpoint must not contain a fragment');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowLocal && (host === 'localhost' || (isIP(host) !== 0 && !isPublicAddress(host)))) {
    refuse('endpoint must be on a public push service');
  }
  return url;
}

function base64urlBytes(value: string, bytes: number, name: string): Buffer {
  // Unpadded base64url of n bytes has exactly ceil(4n/3) characters; Buffer.from alone is lenient.
  if (!BASE64URL.test(value) || value.length !== Math.ceil((bytes * 4) / 3)) {
    refuse(`${name} must be ${bytes} bytes in unpadded base64url (${Math.ceil((bytes * 4) / 3)} characters)`);
  }
  return Buffer.from(value, 'base64url');
}

/** Checks a subscription beyond its JSON shape (which the route's schema has already checked). */
export function checkSubscription(input: PushSubscriptionInput, allowLocal: boolean): PushSubscriptionInput {
  if (input.endpoint.length > MAX_ENDPOINT_LENGTH) refuse(`endpoint must be at most ${MAX_ENDPOINT_LENGTH} characters`);
  checkEndpoint(input.endpoint, allowLocal);
  const p256dh = base64urlBytes(input.keys.p256dh, 65, 'keys.p256dh');
  try {
    // Throws unless it is an uncompressed point on P-256: the key every payload is encrypted to.
    ECDH.convertKey(p256dh, 'prime256v1');
  } catch {
    refuse('keys.p256dh must be a P-256 public key (uncompressed point)');
  }
  if (p256dh[0] !== 0x04) refuse('keys.p256dh must be a P-256 public key (uncompressed point)');
  base64urlBytes(input.keys.auth, 16, 'keys.auth');
  return { endpoint: input.endpoint, keys: { p256dh: input.keys.p256dh, auth: input.keys.auth } };
}
