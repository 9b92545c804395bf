import * as oidc from 'openid-client';
import type { Deps } from '../../platform/deps.js';
import { hashSessionToken, isSessionTokenShape, newSessionToken } from '../sessions.js';

export const SIGN_IN_COOKIE = 'confide_patient_sign_in';
export const SIGN_IN_ATTEMPT_MINUTES = 10;

/** The secrets of one round trip to the provider; they never appear in a URL we build. */
export type SignInAttempt = { state: string; nonce: string; codeVerifier: string };

/**
 * Starts a round trip: the secrets are stored under the SHA-256 of a random handle that only the
 * browser's cookie holds. Expired attempts are swept in the same statement, so abandoned sign-ins
 * leave nothing behind for longer than the expiry.
 */
export async function createSignInAttempt(
  deps: Pick<Deps, 'db' | 'now'>,
): Promise<{ handle: string; attempt: SignInAttempt; expiresAt: Date }> {
  const { token: handle, tokenHash } = newSessionToken();
  const attempt = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + SIGN_IN_ATTEMPT_MINUTES * 60_000);
  await deps.db.write(
    `WITH swept AS (DELETE FROM patient_sign_in_attempts WHERE expires_at <= $6)
     INSERT INTO patient_sign_in_attempts (handle_hash, state, nonce, code_verifier, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [tokenHash, attempt.state, attempt.nonce, attempt.codeVerifier, expiresAt, now],
  );
  return { handle, attempt, expiresAt };
}

/**
 * Takes the attempt for a cookie value, deleting it whatever happens next: a callback is
 * answered once, so a replayed or tampered one finds nothing to try again with.
 */
export async function consumeSignInAttempt(
  deps: Pick<Deps, 'db' | 'now'>,
  handle: string | undefined,
): Promise<SignInAttempt | null> {
  if (handle === undefined || !isSessionTokenShape(handle)) return null;
  const { rows } = await deps.db.write<{ state: string; nonce: string; code_verifier: string; expires_at: Date }>(
    'DELETE FROM patient_sign_in_attempts WHERE handle_hash = $1 RETURNING state, nonce, code_verifier, expires_at',
    [hashSessionToken(handle)],
  );
  const row = rows[0];
  if (!row || new Date(row.expires_at).getTime() <= deps.now().getTime()) return null;
  return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier };
}
