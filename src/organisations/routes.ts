import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../identity/staffContext.js';
import { ErrorSchema, IdParams, PublicServiceSchema, SlugParams } from '../chat/schemas.js';
import { listServiceMembers } from './members.js';
import { getPublicService } from './publicService.js';
import { listOrganisationServices } from './serviceDirectory.js';

export async function organisationRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/public/services/:slug',
    {
      schema: { tags: ['service users'], params: SlugParams, response: { 200: PublicServiceSchema, 404: ErrorSchema } },
    },
    async (request) => getPublicService(app.deps, request.params.slug),
  );

  r.get(
    '/api/staff/services',
    {
      onRequest: async (request) => {
        requireStaff(request);
      },
      schema: {
        tags: ['team inbox'],
        response: {
          200: Type.Object({ services: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) }),
          401: ErrorSchema,
        },
      },
    },
    async (request) => ({ services: await listOrganisationServices(app.deps, requireStaff(request)) }),
  );

  r.get(
    '/api/staff/services/:id/members',
    {
      onRequest: async (request) => {
        requireStaff(request);
      },
      schema: {
        tags: ['team inbox'],
        params: IdParams,
        response: {
          200: Type.Object({
            members: Type.Array(
              Type.Object({
                staffId: Type.String(),
                name: Type.String(),
                role: Type.Union([
                  Type.Literal('clinician'),
                  Type.Literal('supervisor'),
                  Type.Literal('service_admin'),
                ]),
              }),
            ),
          }),
          401: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => ({ members: await listServiceMembers(app.deps, requireStaff(request), request.params.id) }),
  );
}
