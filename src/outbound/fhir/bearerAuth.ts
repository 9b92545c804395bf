import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.js';
import { FhirError, issue } from '../../platform/fhir/operationOutcome.js';
import { AccessTokenChecker } from '../auth/accessTokens.js';
import { ACCESS_TOKEN_KEY_PURPOSE } from '../auth/tokenRoute.js';
import { cachedClientById, type ApiClient } from '../clients/apiClients.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the FHIR routes' bearer check: the sending system making the request. */
    apiClient: ApiClient | null;
  }
}

export function requireApiClient(request: FastifyRequest): ApiClient {
  if (!request.apiClient) throw new FhirError(401, [issue('forbidden', 'Invalid Access Token')]);
  return request.apiClient;
}

/**
 * Resolves `Authorization: Bearer <token>` to the client, answering as the NHS API platform does:
 * 401 `forbidden` "Invalid Access Token", or `expired` "Access Token expired". A disabled client's
 * tokens stop working with the client cache (at once on this node).
 */
export function bearerAuthenticator(deps: Pick<Deps, 'db' | 'cache' | 'keyring' | 'now'>) {
  let tokens: AccessTokenChecker | null = null;
  return async (request: FastifyRequest): Promise<ApiClient> => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const invalid = () => new FhirError(401, [issue('forbidden', 'Invalid Access Token')]);
    if (!token) throw invalid();
    tokens ??= new AccessTokenChecker(await deps.keyring.derivedKey(ACCESS_TOKEN_KEY_PURPOSE));
    const check = tokens.check(token, deps.now());
    if (!check.valid) throw check.expired ? new FhirError(401, [issue('expired', 'Access Token expired')]) : invalid();
    const client = await cachedClientById(deps, check.clientId);
    if (!client || client.disabled) throw invalid();
    // Whole seconds: expiry is stored to the second, so compare at that precision.
    if (
      client.tokensValidAfter &&
      check.issuedAt.getTime() < Math.floor(client.tokensValidAfter.getTime() / 1000) * 1000
    ) {
      throw invalid();
    }
    return client;
  };
}
