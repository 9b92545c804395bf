import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorSchema } from '../../chat/schemas.js';
import { requireStaff } from '../../identity/staffContext.js';
import { addClosure, listClosures, removeClosure } from './closures.js';
import { replaceWeeklyHours } from './hours.js';
import {
  AdminServiceList,
  AdminServiceSchema,
  ClosureBody,
  ClosureList,
  ClosureParams,
  ClosureSchema,
  HoursBody,
  ServiceCreateBody,
  ServiceParams,
  ServicePatchBody,
} from './schemas.js';
import { createAdministeredService, listAdministeredServices, updateService } from './services.js';

const tags = ['administration'];
const security = [{ staffSession: [] }];
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/** Service settings, weekly hours and closures. */
export async function adminServiceRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = app;

  r.get(
    '/api/admin/services',
    { schema: { tags, security, response: { 200: AdminServiceList, ...errors } } },
    async (request) => ({ services: await listAdministeredServices(deps, requireStaff(request)) }),
  );

  r.post(
    '/api/admin/services',
    { schema: { tags, security, body: ServiceCreateBody, response: { 201: AdminServiceSchema, ...errors } } },
    async (request, reply) =>
      reply.status(201).send(await createAdministeredService(deps, requireStaff(request), request.body)),
  );

  r.patch(
    '/api/admin/services/:id',
    {
      schema: {
        tags,
        security,
        params: ServiceParams,
        body: ServicePatchBody,
        response: { 200: AdminServiceSchema, ...errors },
      },
    },
    async (request) => updateService(deps, requireStaff(request), request.params.id, request.body),
  );

  r.put(
    '/api/admin/services/:id/hours',
    {
      schema: {
        tags,
        security,
        params: ServiceParams,
        body: HoursBody,
        response: { 200: AdminServiceSchema, ...errors },
      },
    },
    async (request) => replaceWeeklyHours(deps, requireStaff(request), request.params.id, request.body.weekly),
  );

  r.get(
    '/api/admin/services/:id/closures',
    { schema: { tags, security, params: ServiceParams, response: { 200: ClosureList, ...errors } } },
    async (request) => ({ closures: await listClosures(deps, requireStaff(request), request.params.id) }),
  );

  r.post(
    '/api/admin/services/:id/closures',
    {
      schema: { tags, security, params: ServiceParams, body: ClosureBody, response: { 201: ClosureSchema, ...errors } },
    },
    async (request, reply) =>
      reply.status(201).send(await addClosure(deps, requireStaff(request), request.params.id, request.body)),
  );

  r.delete(
    '/api/admin/services/:id/closures/:closureId',
    { schema: { tags, security, params: ClosureParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await removeClosure(deps, requireStaff(request), request.params.id, request.params.closureId);
      return reply.status(204).send(null);
    },
  );
}
