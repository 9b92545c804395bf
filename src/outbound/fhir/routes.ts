import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { recordAudit } from '../../platform/audit/auditLog.js';
import { FHIR_JSON, installFhirErrorHandler } from '../../platform/fhir/fhirErrors.js';
import { FhirError, issue } from '../../platform/fhir/operationOutcome.js';
import {
  FALLBACK_STATUS_COLUMNS,
  fallbackStatusExtension,
  fallbackStatusFromColumns,
} from '../fallback/fallbackStatusExtension.js';
import { receiptReportRoutes } from '../receipts/reportRoutes.js';
import { outboundChain } from '../acceptance.js';
import { submitCommunicationRequest } from '../submit.js';
import { bearerAuthenticator, requireApiClient } from './bearerAuth.js';
import { bulkRoute } from './bulkRoute.js';
import type { CommunicationRequestResource } from './communicationResource.js';
import { CHANNEL_PATH, type Channel } from './systems.js';

const tags = ['outbound messaging'];
const security = [{ bearer: [] }];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/** X-Correlation-ID is mirrored back when sent (and only then), as the NHS App does. */
function mirrorCorrelationId(request: FastifyRequest, reply: FastifyReply): void {
  const id = request.headers['x-correlation-id'];
  if (typeof id === 'string' && /^[\x21-\x7e]{1,128}$/.test(id)) void reply.header('x-correlation-id', id);
}

/**
 * The NHS App–compatible FHIR endpoints. Every answer, errors included, is FHIR JSON; errors are
 * OperationOutcomes. Each client has its own per-minute limit (shared across nodes with Redis).
 */
export async function fhirRoutes(app: FastifyInstance): Promise<void> {
  const { deps } = app;
  installFhirErrorHandler(app);
  const authenticate = bearerAuthenticator(deps);
  app.decorateRequest('apiClient', null);
  app.addHook('onRequest', async (request, reply) => {
    mirrorCorrelationId(request, reply);
    request.apiClient = await authenticate(request);
  });
  // Route-level hooks run after this plugin's own, so the limit sees the authenticated client.
  const rateLimit = {
    keyGenerator: (request: FastifyRequest) => `api:${requireApiClient(request).id}`,
    max: (request: FastifyRequest) => requireApiClient(request).rateLimitPerMinute,
    timeWindow: 60_000,
  };

  // Child plugins inherit the bearer check, the error handler and the limit's hook order.
  await app.register(receiptReportRoutes, { rateLimit });
  await app.register(bulkRoute, { rateLimit });

  for (const channel of ['in_app', 'notification'] as const satisfies Channel[]) {
    const path = CHANNEL_PATH[channel];
    app.post(
      path,
      {
        schema: {
          tags,
          security,
          summary:
            channel === 'in_app'
              ? 'Send an in-app message (NHS App API compatible)'
              : 'Send a push notification (NHS App API compatible)',
        },
        config: { rateLimit },
      },
      async (request, reply) => {
        const client = requireApiClient(request);
        const accepted = await submitCommunicationRequest(deps, client, channel, request.body, request.ip);
        return reply
          .status(201)
          .type(FHIR_JSON)
          .header('location', new URL(`${path}/${accepted.id}`, deps.config.publicUrl).toString())
          .send(accepted.resource);
      },
    );

    app.get<{ Params: { id: string } }>(
      `${path}/:id`,
      {
        schema: { tags, security, params: IdParams, summary: 'Read a message this client sent' },
        config: { rateLimit },
      },
      async (request, reply) => {
        const client = requireApiClient(request);
        const { rows } = await deps.db.query<{ resource_enc: unknown } & Record<string, unknown>>(
          `SELECT m.resource_enc, ${FALLBACK_STATUS_COLUMNS} FROM outbound_messages m
           LEFT JOIN outbound_fallbacks f ON f.message_id = m.id
           WHERE m.id = $1 AND m.client_id = $2 AND m.channel = $3`,
          [request.params.id, client.id, channel],
        );
        if (!rows[0]) throw new FhirError(404, [issue('not-found', 'CommunicationRequest not found')]);
        const answered = JSON.parse(await deps.keyring.decrypt(rows[0].resource_enc)) as CommunicationRequestResource;
        // Beyond the NHS App: how the SMS or email fallback went, once one was due.
        const fallback = fallbackStatusFromColumns(rows[0]);
        const resource = fallback ? { ...answered, extension: [fallbackStatusExtension(fallback)] } : answered;
        await recordAudit(deps.db, {
          chain: outboundChain(client.id, request.params.id),
          actorKind: 'api_client',
          actorId: client.id,
          action: 'outbound.read',
          targetKind: 'outbound_message',
          targetId: request.params.id,
          ip: request.ip,
        });
        return reply.type(FHIR_JSON).send(resource);
      },
    );
  }
}
