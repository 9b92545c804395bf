import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccessTokenChecker, ACCESS_TOKEN_SECONDS, issueAccessToken, verifyAccessToken } from './accessTokens.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The character whose 6 bits are the given character's with its lowest `spare` bits flipped. */
const flipSpareBits = (c: string, spare: number) => ALPHABET[ALPHABET.indexOf(c) ^ ((1 << spare) - 1)]!;

describe('access tokens', () => {
  const key = randomBytes(32);
  const clientId = randomUUID();
  const now = new Date('2026-11-21T12:00:00Z');

  it('names the client of a genuine token until it expires', () => {
    const { token, expiresAt } = issueAccessToken(key, clientId, now);
    expect(expiresAt.getTime() - now.getTime()).toBe(ACCESS_TOKEN_SECONDS * 1000);
    expect(verifyAccessToken(key, token, now)).toEqual({ valid: true, clientId, issuedAt: now });
    expect(verifyAccessToken(key, token, expiresAt)).toEqual({ valid: false, expired: true });
    expect(verifyAccessToken(randomBytes(32), token, now)).toEqual({ valid: false, expired: false });
  });

  it('refuses any other spelling of a genuine token: spare bits set, stray characters, padding', () => {
    const { token } = issueAccessToken(key, clientId, now);
    const [payload, mac] = token.split('.') as [string, string];
    // 31 payload bytes leave 4 spare bits in the last character, a 32-byte MAC 2.
    const respelt = [
      `${payload.slice(0, -1)}${flipSpareBits(payload.at(-1)!, 4)}.${mac}`,
      `${payload}.${mac.slice(0, -1)}${flipSpareBits(mac.at(-1)!, 2)}`,
      `${payload}.${mac.slice(0, 10)}!${mac.slice(10)}`,
      `${payload.slice(0, 5)}*${payload.slice(5)}.${mac}`,
      `${payload}=.${mac}`,
      `${payload}.${mac}=`,
      // A character above 0xFF whose low byte is the genuine one, in the MAC and in the payload.
      `${payload}.${String.fromCharCode(mac.charCodeAt(0) + 0x100)}${mac.slice(1)}`,
      `${String.fromCharCode(payload.charCodeAt(0) + 0x4100)}${payload.slice(1)}.${mac}`,
    ];
    for (const variant of respelt) {
      expect(variant).not.toBe(token);
      // Each decodes to the genuine bytes: the check must be on the spelling, not only the bytes.
      const [p, m] = variant.split('.') as [string, string];
      expect(Buffer.from(p, 'base64url').equals(Buffer.from(payload, 'base64url'))).toBe(true);
      expect(Buffer.from(m, 'base64url').equals(Buffer.from(mac, 'base64url'))).toBe(true);
      expect(verifyAccessToken(key, variant, now), variant).toEqual({ valid: false, expired: false });
    }
  });

  it('refuses a token with its MAC changed, cut short or missing', () => {
    const { token } = issueAccessToken(key, clientId, now);
    const dot = token.indexOf('.');
    const first = token[dot + 1]!;
    for (const bad of [
      `${token.slice(0, dot + 1)}${first === 'A' ? 'B' : 'A'}${token.slice(dot + 2)}`,
      token.slice(0, -1),
      token.slice(0, dot),
      `${token.slice(0, dot)}.`,
      '',
    ]) {
      expect(verifyAccessToken(key, bad, now)).toEqual({ valid: false, expired: false });
    }
  });

  describe('a checker that remembers genuine tokens', () => {
    const counted = () => {
      const calls: string[] = [];
      const verify: typeof verifyAccessToken = (k, token, at) => {
        calls.push(token);
        return verifyAccessToken(k, token, at);
      };
      return { calls, verify };
    };

    it('verifies a token once, then answers from memory until it expires, and then says expired', () => {
      const { calls, verify } = counted();
      const checker = new AccessTokenChecker(key, verify);
      const { token, expiresAt } = issueAccessToken(key, clientId, now);
      for (const at of [now, new Date(now.getTime() + 60_000), new Date(expiresAt.getTime() - 1)]) {
        expect(checker.check(token, at)).toEqual({ valid: true, clientId, issuedAt: now });
      }
      expect(calls).toEqual([token]);
      expect(checker.check(token, expiresAt)).toEqual({ valid: false, expired: true });
      expect(checker.size).toBe(0);
      // Forgotten once expired: asked again, it is verified again and is still expired.
      expect(checker.check(token, expiresAt)).toEqual({ valid: false, expired: true });
      expect(calls).toEqual([token, token]);
    });

    it('remembers nothing that is not genuine, and no other spelling of a genuine token', () => {
      const { calls, verify } = counted();
      const checker = new AccessTokenChecker(key, verify);
      const { token } = issueAccessToken(key, clientId, now);
      expect(checker.check(token, now).valid).toBe(true);
      const otherKey = issueAccessToken(randomBytes(32), clientId, now).token;
      for (const bad of [`${token}=`, otherKey, otherKey]) {
        expect(checker.check(bad, now)).toEqual({ valid: false, expired: false });
      }
      expect(calls).toEqual([token, `${token}=`, otherKey, otherKey]);
      expect(checker.size).toBe(1);
    });

    it('keeps at most its limit, letting the oldest go', () => {
      const { calls, verify } = counted();
      const checker = new AccessTokenChecker(key, verify, 3);
      const tokens = Array.from({ length: 4 }, () => issueAccessToken(key, clientId, now).token);
      for (const token of tokens) expect(checker.check(token, now).valid).toBe(true);
      expect(checker.size).toBe(3);
      // The first was let go and is verified again; the last three are still remembered.
      for (const token of [...tokens.slice(1), tokens[0]!]) expect(checker.check(token, now).valid).toBe(true);
      expect(calls).toEqual([...tokens, tokens[0]]);
    });
  });
});
