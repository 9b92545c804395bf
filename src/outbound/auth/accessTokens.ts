import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer tokens for API clients: `<payload>.<mac>`, both base64url, where the payload names the
 * client and the expiry and the MAC is HMAC-SHA-256 under a key derived from the platform key.
 * Any node checks one without a database read; disabling the client still stops it, because
 * every request also loads the (cached) client.
 */

/** As on the NHS API platform: a token lasts ten minutes less a second. */
export const ACCESS_TOKEN_SECONDS = 599;

const VERSION = 1;

function mac(key: Buffer, payload: Buffer): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

export function issueAccessToken(key: Buffer, clientId: string, now: Date): { token: string; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + ACCESS_TOKEN_SECONDS * 1000);
  const payload = Buffer.alloc(1 + 16 + 6 + 8);
  payload.writeUInt8(VERSION, 0);
  Buffer.from(clientId.replaceAll('-', ''), 'hex').copy(payload, 1);
  payload.writeUIntBE(Math.floor(expiresAt.getTime() / 1000), 17, 6);
  // Unique per issue, so two tokens for one client in one second still differ.
  randomBytes(8).copy(payload, 23);
  return { token: `${payload.toString('base64url')}.${mac(key, payload).toString('base64url')}`, expiresAt };
}

export type TokenCheck = { valid: true; clientId: string; issuedAt: Date } | { valid: false; expired: boolean };
const FORGED: TokenCheck = { valid: false, expired: false };
/** A SHA-256 MAC in base64url without padding: 43 characters of its alphabet. */
const MAC_SPELLING = /^[A-Za-z0-9_-]{43}$/;

/** The client of a genuine, unexpired token; for anything else, whether it was merely expired. */
export function verifyAccessToken(key: Buffer, token: string, now: Date): TokenCheck {
  if (token.length > 200) return FORGED;
  const dot = token.indexOf('.');
  if (dot < 0) return FORGED;
  const encodedPayload = token.slice(0, dot);
  const payload = Buffer.from(encodedPayload, 'base64url');
  if (payload.length !== 31 || payload.readUInt8(0) !== VERSION) return FORGED;
  // The decoder skips characters outside the alphabet and ignores a last character's spare bits,
  // so many strings decode alike: a token is genuine only in the one form it was issued in.
  if (payload.toString('base64url') !== encodedPayload) return FORGED;
  const encodedMac = token.slice(dot + 1);
  // Only the alphabet, checked before the bytes are compared (a wider character would be cut to
  // its low byte and match the character it was made from).
  if (!MAC_SPELLING.test(encodedMac)) return FORGED;
  const expected = Buffer.from(mac(key, payload).toString('base64url'), 'ascii');
  if (!timingSafeEqual(Buffer.from(encodedMac, 'ascii'), expected)) return FORGED;
  const expiresAt = payload.readUIntBE(17, 6) * 1000;
  if (expiresAt <= now.getTime()) return { valid: false, expired: true };
  const h = payload.subarray(1, 17).toString('hex');
  return {
    valid: true,
    issuedAt: new Date(expiresAt - ACCESS_TOKEN_SECONDS * 1000),
    clientId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
  };
}

/** Tokens a node keeps as already verified: a sending system uses one token for many requests. */
export const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * `verifyAccessToken` under one key, remembering the genuine tokens it has seen until they expire,
 * so a token's MAC is computed once rather than on each of its requests. Only the exact string
 * verified is remembered, and its expiry is checked on every use; whether its client is disabled
 * or its key revoked is the caller's check on every request, as before.
 */
export class AccessTokenChecker {
  private readonly genuine = new Map<string, { clientId: string; issuedAt: Date; expiresAt: number }>();
  constructor(
    private readonly key: Buffer,
    private readonly verify: typeof verifyAccessToken = verifyAccessToken,
    private readonly kept = VERIFIED_TOKENS_KEPT,
  ) {}

  check(token: string, now: Date): TokenCheck {
    const known = this.genuine.get(token);
    if (known) {
      if (known.expiresAt > now.getTime()) return { valid: true, clientId: known.clientId, issuedAt: known.issuedAt };
      this.genuine.delete(token);
      return { valid: false, expired: true };
    }
    const check = this.verify(this.key, token, now);
    if (check.valid) {
      // The oldest first: tokens are issued for ten minutes, so the oldest is the nearest its end.
      if (this.genuine.size >= this.kept) this.genuine.delete(this.genuine.keys().next().value!);
      const expiresAt = check.issuedAt.getTime() + ACCESS_TOKEN_SECONDS * 1000;
      this.genuine.set(token, { clientId: check.clientId, issuedAt: check.issuedAt, expiresAt });
    }
    return check;
  }

  /** How many genuine tokens are remembered. */
  get size(): number {
    return this.genuine.size;
  }
}
