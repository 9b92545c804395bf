import { decodeJwt, decodeProtectedHeader, errors, importJWK, jwtVerify } from 'jose';
import type { Deps } from '../../platform/deps.js';
import { cachedClientByApiKey, cachedPublicKey, type ApiClient } from '../clients/apiClients.js';

/** An OAuth 2.0 token error (RFC 6749 §5.2): the token endpoint answers it as JSON. */
export class TokenError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type',
    readonly description: string,
    /** Set once the signature has verified, so the refusal is audited in the client's organisation. */
    readonly client: ApiClient | null = null,
  ) {
    super(description);
  }
}

/** The NHS API platform's rule: an assertion may be valid for at most five minutes. */
export const MAX_ASSERTION_LIFETIME_S = 300;
/** Allowance for clocks that disagree a little; never for assertions a minute out. */
const CLOCK_SKEW_S = 10;

/**
 * Checks a signed-JWT client assertion (RFC 7523) in the NHS API platform style: RS512 only, `kid`
 * naming one of the client's registered keys, `iss` = `sub` = the client's API key, `aud` this
 * token endpoint, `exp` at most five minutes ahead, and a `jti` never seen before. The algorithm is
 * fixed before any key is touched, so `alg: none` and HS256 signed with the public key as a
 * secret are refused outright.
 */
export async function verifyClientAssertion(
  deps: Pick<Deps, 'db' | 'cache' | 'now'>,
  assertion: string,
  tokenUrl: string,
): Promise<ApiClient> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    throw new TokenError(400, 'invalid_request', 'Malformed client_assertion: not a signed JWT.');
  }
  if (header.alg !== 'RS512') {
    throw new TokenError(400, 'invalid_request', "Invalid 'alg' header in client_assertion JWT: it must be RS512.");
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 64) {
    throw new TokenError(400, 'invalid_request', "Missing 'kid' header in client_assertion JWT.");
  }
  if (typeof claims.iss !== 'string' || claims.iss.length > 100 || claims.sub !== claims.iss) {
    throw new TokenError(401, 'invalid_client', "Invalid 'iss' or 'sub' claim in client_assertion JWT.");
  }
  const client = await cachedClientByApiKey(deps, claims.iss);
  if (!client || client.disabled) {
    throw new TokenError(401, 'invalid_client', "Invalid 'iss' or 'sub' claim in client_assertion JWT.");
  }
  // Only refusals of a genuinely signed assertion are audited in the client's organisation: the
  // API key is not a secret, so anyone could otherwise write entries into that chain.
  const refuse = (status: 400 | 401, error: 'invalid_request' | 'invalid_client', text: string) =>
    new TokenError(status, error, text, client);
  const jwk = await cachedPublicKey(deps, client.id, header.kid);
  if (!jwk) {
    throw new TokenError(
      401,
      'invalid_client',
      "Invalid 'kid' header in client_assertion JWT: no matching public key.",
    );
  }

  const now = deps.now();
  try {
    await jwtVerify(assertion, await importJWK(jwk, 'RS512'), {
      algorithms: ['RS512'],
      issuer: client.apiKey,
      subject: client.apiKey,
      audience: tokenUrl,
      requiredClaims: ['exp', 'jti'],
      currentDate: now,
      clockTolerance: CLOCK_SKEW_S,
    });
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw refuse(401, 'invalid_client', 'The client_assertion JWT has expired.');
    if (err instanceof errors.JWTClaimValidationFailed) {
      throw refuse(401, 'invalid_client', `Invalid '${err.claim}' claim in client_assertion JWT.`);
    }
    throw new TokenError(401, 'invalid_client', 'The client_assertion JWT signature is invalid.');
  }
  const exp = claims.exp!;
  if (exp - now.getTime() / 1000 > MAX_ASSERTION_LIFETIME_S + CLOCK_SKEW_S) {
    throw refuse(
      400,
      'invalid_request',
      "Invalid 'exp' claim in client_assertion JWT: more than 5 minutes in the future.",
    );
  }
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 200) {
    throw refuse(400, 'invalid_request', "Invalid 'jti' claim in client_assertion JWT.");
  }
  // Kept until the assertion itself expires: after that, a replay fails on exp anyway.
  const { rows } = await deps.db.query(
    `INSERT INTO api_assertion_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (client_id, jti) DO NOTHING RETURNING 1`,
    [client.id, jti, new Date((exp + CLOCK_SKEW_S) * 1000)],
  );
  if (rows.length === 0) throw refuse(401, 'invalid_client', "Non-unique 'jti' claim in client_assertion JWT.");
  return client;
}
