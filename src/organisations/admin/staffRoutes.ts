import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorSchema } from '../../chat/schemas.js';
import { requireStaff } from '../../identity/staffContext.js';
import { disableStaff } from './disable.js';
import { replaceMemberships } from './memberships.js';
import {
  AdminStaffList,
  AdminStaffSchema,
  DisabledSchema,
  EmptyBody,
  MembershipsBody,
  StaffCreateBody,
  StaffParams,
} from './schemas.js';
import { createStaff, listStaff } from './staff.js';

const tags = ['administration'];
const security = [{ staffSession: [] }];
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/** Staff accounts and their roles in services. */
export async function adminStaffRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = app;

  r.get(
    '/api/admin/staff',
    { schema: { tags, security, response: { 200: AdminStaffList, ...errors } } },
    async (request) => ({ staff: await listStaff(deps, requireStaff(request)) }),
  );

  r.post(
    '/api/admin/staff',
    { schema: { tags, security, body: StaffCreateBody, response: { 201: AdminStaffSchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await createStaff(deps, requireStaff(request), request.body)),
  );

  r.put(
    '/api/admin/staff/:id/memberships',
    {
      schema: {
        tags,
        security,
        params: StaffParams,
        body: MembershipsBody,
        response: { 200: AdminStaffSchema, ...errors },
      },
    },
    async (request) => replaceMemberships(deps, requireStaff(request), request.params.id, request.body.memberships),
  );

  r.post(
    '/api/admin/staff/:id/disable',
    {
      schema: { tags, security, params: StaffParams, body: EmptyBody, response: { 200: DisabledSchema, ...errors } },
    },
    async (request) => disableStaff(deps, requireStaff(request), request.params.id),
  );
}
