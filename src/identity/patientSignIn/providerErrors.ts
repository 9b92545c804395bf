import type { FastifyBaseLogger } from 'fastify';
import * as oidc from 'openid-client';
import { AppError, Invalid, ServiceUnavailable } from '../../platform/http/errors.js';

/** The provider could not be reached or answered nonsense: the person may simply try again. */
const UNREACHABLE = new Set([
  'OAUTH_TIMEOUT',
  'OAUTH_ABORT',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_RESPONSE_IS_NOT_JSON',
]);

function unavailable(): ServiceUnavailable {
  return new ServiceUnavailable(5, 'Signing in with NHS login is not available at the moment. Try again shortly.');
}

/** fetch() reports network failures as a TypeError without a code; coded ones are our own misuse. */
function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError && !('code' in err);
}

/**
 * Turns what openid-client throws into the answer for the person signing in. Only error codes are
 * logged: the errors' causes can hold the provider's responses, and so tokens.
 */
export function providerFailure(err: unknown, log: FastifyBaseLogger): Error {
  if (err instanceof AppError) return err;
  if (err instanceof oidc.AuthorizationResponseError) {
    log.info({ oauthError: err.error }, 'patient sign-in refused at the provider');
    return new Invalid('Signing in was cancelled or refused. Start again.', 'sign_in_cancelled');
  }
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.WWWAuthenticateChallengeError) {
    // invalid_client means our own registration (client id, key or kid) is wrong: an operator must act.
    const oauthError = err instanceof oidc.ResponseBodyError ? err.error : 'www_authenticate_challenge';
    if (oauthError === 'invalid_client') log.error({ oauthError }, 'the provider refused our client authentication');
    else log.warn({ oauthError }, 'patient sign-in failed at the provider');
    return new Invalid('Signing in did not work. Start again.', 'sign_in_failed');
  }
  if (isNetworkFailure(err) || (err instanceof oidc.ClientError && UNREACHABLE.has(err.code ?? ''))) {
    log.warn({ code: err instanceof oidc.ClientError ? err.code : 'network' }, 'the sign-in provider is unreachable');
    return unavailable();
  }
  if (err instanceof oidc.ClientError) {
    // The response failed a check: state, nonce, issuer, audience, signature, PKCE.
    log.warn({ code: err.code }, 'patient sign-in response refused');
    return new Invalid('Signing in did not work. Start again.', 'sign_in_failed');
  }
  return err instanceof Error ? err : new Error('unexpected sign-in failure');
}

/** Discovery failures all mean the same to the person: the provider cannot be used just now. */
export function discoveryFailure(err: unknown, log: FastifyBaseLogger): ServiceUnavailable {
  log.error(
    { code: err instanceof oidc.ClientError ? err.code : err instanceof Error ? err.name : 'unknown' },
    'sign-in provider discovery failed',
  );
  return unavailable();
}
