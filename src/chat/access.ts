import { createHash, randomBytes, randomInt } from 'node:crypto';
import { asBuffer } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';
import { Unauthenticated } from '../platform/http/errors.js';

/**
 * A service user has no account. They hold a random 256-bit token (in the resume link) and a
 * short code they can write down. The server keeps only a SHA-256 of tokens and a keyed HMAC of
 * codes, so a copy of the database gives no way back into anyone's conversation.
 */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

// No 0/O, 1/I/L: codes are read off paper and typed on phones.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;

/** 10 characters from 31 ≈ 49 bits; resume attempts are throttled per address. Shown as XXXXX-XXXXX. */
export function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Accepts the code however it was typed: lower case, spaces, missing or extra hyphens. */
export function normaliseCode(input: string): string | null {
  const c = input.toUpperCase().replace(/[\s-]/g, '');
  if (c.length !== CODE_LENGTH || [...c].some((ch) => !CODE_ALPHABET.includes(ch))) return null;
  return c;
}

export async function codeHmac(deps: Pick<Deps, 'keyring'>, normalisedCode: string): Promise<Buffer> {
  return deps.keyring.lookupHmac(`conversation-code:${normalisedCode}`);
}

export type ServiceUserContext = { conversationId: string; organisationId: string; serviceId: string };

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

// Every message a service user sends is authenticated; a valid token's conversation is kept for
// this long on the node. Only successes are kept, and tokens are never revoked. The service is
// re-read with each load, so a transfer is seen within this time.
const TOKEN_TTL_MS = 5_000;
const tokenCacheKey = (hash: Buffer) => `conversation-token:${hash.toString('base64url')}`;

/** After a conversation moves service, this node forgets its cached tokens at once. */
export async function forgetConversationTokens(
  deps: Pick<Deps, 'db' | 'cache'>,
  conversationId: string,
): Promise<void> {
  const { rows } = await deps.db.query<{ token_hash: unknown }>(
    'SELECT token_hash FROM conversation_tokens WHERE conversation_id = $1',
    [conversationId],
  );
  for (const r of rows) deps.cache.delete(tokenCacheKey(asBuffer(r.token_hash)));
}

export async function authenticateConversationToken(
  deps: Pick<Deps, 'db' | 'cache'>,
  token: string | undefined,
): Promise<ServiceUserContext> {
  if (!token || !TOKEN_SHAPE.test(token)) {
    throw new Unauthenticated('Your conversation link is not valid.', 'invalid_token');
  }
  const hash = tokenHash(token);
  return deps.cache.get(tokenCacheKey(hash), TOKEN_TTL_MS, async () => {
    const { rows } = await deps.db.query<{ id: string; organisation_id: string; service_id: string }>(
      `SELECT c.id, c.organisation_id, c.service_id FROM conversation_tokens t
       JOIN conversations c ON c.id = t.conversation_id WHERE t.token_hash = $1`,
      [hash],
    );
    const r = rows[0];
    if (!r) throw new Unauthenticated('Your conversation link is not valid.', 'invalid_token');
    return { conversationId: r.id, organisationId: r.organisation_id, serviceId: r.service_id };
  });
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  return m?.[1];
}
