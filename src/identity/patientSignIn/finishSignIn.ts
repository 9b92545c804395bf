import type { FastifyBaseLogger } from 'fastify';
import * as oidc from 'openid-client';
import type { Deps } from '../../platform/deps.js';
import { Invalid } from '../../platform/http/errors.js';
import { readSignInClaims } from './claims.js';
import type { PatientOidcClient } from './oidcClient.js';
import { discoveryFailure, providerFailure } from './providerErrors.js';
import { recordSignIn, type SignedIn } from './recordSignIn.js';
import { consumeSignInAttempt, type SignInAttempt } from './signInAttempts.js';

export type CallbackInput = {
  /** The callback's query string as received, e.g. "?code=…&state=…". */
  search: string;
  /** The sign-in cookie's value. */
  handle: string | undefined;
  /** A patient session cookie the browser already held: a new sign-in never reuses it. */
  previousToken: string | null;
  ip: string | null;
};

/**
 * The protocol half of the callback. openid-client checks the state, exchanges the code with
 * private_key_jwt and the PKCE verifier, and validates the ID token, nonce included; UserInfo,
 * where NHS login puts most claims, must name the same subject.
 */
async function exchangeCode(
  client: PatientOidcClient,
  configuration: oidc.Configuration,
  attempt: SignInAttempt,
  search: string,
): Promise<{ idToken: oidc.IDToken; userinfo: oidc.UserInfoResponse | null }> {
  // The redirect URI is rebuilt from PUBLIC_URL, never from the Host header a proxy passed on.
  const callbackUrl = new URL(client.redirectUri);
  callbackUrl.search = search;
  const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
    pkceCodeVerifier: attempt.codeVerifier,
    expectedState: attempt.state,
    expectedNonce: attempt.nonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims()!;
  const userinfo = configuration.serverMetadata().userinfo_endpoint
    ? await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)
    : null;
  return { idToken, userinfo };
}

/** Completes a sign-in from the provider's redirect; any failure writes nothing but the spent attempt. */
export async function finishSignIn(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  client: PatientOidcClient,
  input: CallbackInput,
  log: FastifyBaseLogger,
): Promise<SignedIn> {
  const attempt = await consumeSignInAttempt(deps, input.handle);
  if (!attempt) {
    throw new Invalid('This sign-in has expired or was already used. Start again.', 'sign_in_expired');
  }
  const configuration = await client.configuration().catch((err: unknown) => {
    throw discoveryFailure(err, log);
  });
  const answer = await exchangeCode(client, configuration, attempt, input.search).catch((err: unknown) => {
    throw providerFailure(err, log);
  });
  const claims = readSignInClaims(answer.idToken, answer.userinfo);
  return recordSignIn(deps, claims, { ip: input.ip, previousToken: input.previousToken });
}
