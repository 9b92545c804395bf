import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { recordAudit } from '../../platform/audit/auditLog.js';
import { ACCESS_TOKEN_SECONDS, issueAccessToken } from './accessTokens.js';
import { TokenError, verifyClientAssertion } from './clientAssertion.js';

export const TOKEN_PATH = '/oauth2/token';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const ACCESS_TOKEN_KEY_PURPOSE = 'api access token';

const TokenBody = Type.Object({
  grant_type: Type.Optional(Type.String({ maxLength: 100 })),
  client_assertion_type: Type.Optional(Type.String({ maxLength: 200 })),
  client_assertion: Type.Optional(Type.String({ maxLength: 8192 })),
});
const TokenResponse = Type.Object({
  access_token: Type.String(),
  expires_in: Type.String(),
  token_type: Type.Literal('Bearer'),
  issued_at: Type.String(),
});
const OAuthError = Type.Object({ error: Type.String(), error_description: Type.String() });

/**
 * `POST /oauth2/token`: the client-credentials grant with a signed JWT (RFC 7523), answered the
 * way the NHS API platform answers it, so a supplier's existing token code works unchanged.
 * Errors are OAuth errors (`{ error, error_description }`), not this API's usual shape.
 */
export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  const { deps } = app;
  const tokenUrl = new URL(TOKEN_PATH, deps.config.publicUrl).toString();

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => {
      const fields: Record<string, string> = {};
      for (const [name, value] of new URLSearchParams(body as string)) {
        if (name in fields) {
          done(new TokenError(400, 'invalid_request', `The parameter ${name} appears more than once.`), undefined);
          return;
        }
        fields[name] = value;
      }
      done(null, fields);
    },
  );

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof TokenError) {
      void reply.status(err.status).header('cache-control', 'no-store').send({
        error: err.error,
        error_description: err.description,
      });
      return;
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Wrong content type, oversized body, throttled: still an OAuth-shaped answer.
      void reply
        .status(status)
        .send({ error: status === 429 ? 'slow_down' : 'invalid_request', error_description: (err as Error).message });
      return;
    }
    request.log.error({ err }, 'token endpoint error');
    void reply.status(500).send({ error: 'server_error', error_description: 'Something went wrong.' });
  });

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    TOKEN_PATH,
    {
      schema: {
        tags: ['outbound messaging'],
        summary: 'Exchange a signed JWT client assertion for an access token',
        consumes: ['application/x-www-form-urlencoded'],
        body: TokenBody,
        response: { 200: TokenResponse, 400: OAuthError, 401: OAuthError, 429: OAuthError },
      },
      // Per address: guessing and replaying assertions is slowed long before it could matter.
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      // RFC 6749 §4.4.2: the token request is form-encoded; a JSON body is a different request.
      if (!request.headers['content-type']?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
        throw new TokenError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
      }
      const body = request.body;
      if (body.grant_type !== 'client_credentials') {
        throw new TokenError(400, 'unsupported_grant_type', "grant_type must be 'client_credentials'.");
      }
      if (body.client_assertion_type !== JWT_BEARER) {
        throw new TokenError(400, 'invalid_request', `client_assertion_type must be '${JWT_BEARER}'.`);
      }
      if (!body.client_assertion) throw new TokenError(400, 'invalid_request', 'client_assertion is missing.');
      let client;
      try {
        client = await verifyClientAssertion(deps, body.client_assertion, tokenUrl);
      } catch (err) {
        if (err instanceof TokenError && err.client) {
          await recordAudit(deps.db, {
            chain: err.client.organisationId,
            actorKind: 'api_client',
            actorId: err.client.id,
            action: 'api_client.token_refused',
            targetKind: 'api_client',
            targetId: err.client.id,
            ip: request.ip,
            reason: err.description,
          });
        }
        throw err;
      }
      const now = deps.now();
      const { token } = issueAccessToken(await deps.keyring.derivedKey(ACCESS_TOKEN_KEY_PURPOSE), client.id, now);
      await recordAudit(deps.db, {
        chain: client.organisationId,
        actorKind: 'api_client',
        actorId: client.id,
        action: 'api_client.token',
        targetKind: 'api_client',
        targetId: client.id,
        ip: request.ip,
      });
      return reply.header('cache-control', 'no-store').send({
        access_token: token,
        expires_in: String(ACCESS_TOKEN_SECONDS),
        token_type: 'Bearer' as const,
        issued_at: String(now.getTime()),
      });
    },
  );
}
