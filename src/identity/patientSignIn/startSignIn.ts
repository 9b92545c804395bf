import type { FastifyBaseLogger } from 'fastify';
import * as oidc from 'openid-client';
import type { Deps } from '../../platform/deps.js';
import type { PatientOidcClient } from './oidcClient.js';
import { discoveryFailure } from './providerErrors.js';
import { createSignInAttempt } from './signInAttempts.js';

/**
 * Begins a sign-in: the provider's authorization URL (code flow, PKCE S256, state and nonce) and
 * the handle the browser keeps in a cookie to finish it. Nothing secret goes into the URL but the
 * PKCE challenge, which is a hash.
 */
export async function startSignIn(
  deps: Pick<Deps, 'db' | 'now'>,
  client: PatientOidcClient,
  log: FastifyBaseLogger,
): Promise<{ url: URL; handle: string; expiresAt: Date }> {
  const configuration = await client.configuration().catch((err: unknown) => {
    throw discoveryFailure(err, log);
  });
  const { handle, attempt, expiresAt } = await createSignInAttempt(deps);
  const parameters: Record<string, string> = {
    response_type: 'code',
    redirect_uri: client.redirectUri,
    scope: client.settings.scopes,
    state: attempt.state,
    nonce: attempt.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(attempt.codeVerifier),
    code_challenge_method: 'S256',
  };
  if (client.settings.vtr) parameters.vtr = client.settings.vtr;
  return { url: oidc.buildAuthorizationUrl(configuration, parameters), handle, expiresAt };
}
