import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorSchema } from '../../chat/schemas.js';
import { requireStaff } from '../../identity/staffContext.js';
import { requireAdministrator } from '../../organisations/admin/access.js';
import {
  addApiClientKey,
  disableApiClient,
  listApiClients,
  registerApiClient,
  revokeApiClientKey,
  updateApiClient,
} from './apiClients.js';
import {
  ApiClientCreateBody,
  ApiClientCreatedSchema,
  ApiClientKeyParams,
  ApiClientList,
  ApiClientParams,
  ApiClientSchema,
  ApiClientUpdateBody,
  EmptyBody,
  PublicJwkSchema,
} from './schemas.js';

const tags = ['administration'];
const security = [{ staffSession: [] }];
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/** Sending systems of the outbound API, managed by organisation admins (others see a missing route). */
export async function apiClientAdminRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = app;
  app.addHook('onRequest', async (request) => {
    requireAdministrator(requireStaff(request));
  });

  r.get(
    '/api/admin/api-clients',
    { schema: { tags, security, response: { 200: ApiClientList, ...errors } } },
    async (request) => ({ clients: await listApiClients(deps, requireStaff(request)) }),
  );

  r.post(
    '/api/admin/api-clients',
    { schema: { tags, security, body: ApiClientCreateBody, response: { 201: ApiClientCreatedSchema, ...errors } } },
    async (request, reply) => {
      const created = await registerApiClient(deps, requireStaff(request), request.body);
      // The callback secret is in this answer and nowhere else: no cache may keep it.
      return reply.status(201).header('cache-control', 'no-store').send(created);
    },
  );

  r.patch(
    '/api/admin/api-clients/:id',
    {
      schema: {
        tags,
        security,
        params: ApiClientParams,
        body: ApiClientUpdateBody,
        response: { 200: ApiClientCreatedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const changed = await updateApiClient(deps, requireStaff(request), request.params.id, request.body);
      return reply.header('cache-control', 'no-store').send(changed);
    },
  );

  r.post(
    '/api/admin/api-clients/:id/keys',
    {
      schema: {
        tags,
        security,
        params: ApiClientParams,
        body: PublicJwkSchema,
        response: { 200: ApiClientSchema, ...errors },
      },
    },
    async (request) => addApiClientKey(deps, requireStaff(request), request.params.id, request.body),
  );

  r.post(
    '/api/admin/api-clients/:id/keys/:kid/revoke',
    {
      schema: {
        tags,
        security,
        params: ApiClientKeyParams,
        body: EmptyBody,
        response: { 200: ApiClientSchema, ...errors },
      },
    },
    async (request) => revokeApiClientKey(deps, requireStaff(request), request.params.id, request.params.kid),
  );

  r.post(
    '/api/admin/api-clients/:id/disable',
    {
      schema: {
        tags,
        security,
        params: ApiClientParams,
        body: EmptyBody,
        response: { 200: ApiClientSchema, ...errors },
      },
    },
    async (request) => disableApiClient(deps, requireStaff(request), request.params.id),
  );
}
