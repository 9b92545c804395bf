import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../identity/staffContext.js';
import { assignConversation } from './assign.js';
import { closeConversation } from './close.js';
import { listInbox } from './inbox.js';
import {
  AssignBody,
  CloseBody,
  DetailSchema,
  ErrorSchema,
  IdParams,
  InboxQuery,
  MessageBody,
  ReadBody,
  StaffMessageSchema,
  SummarySchema,
  TransferBody,
} from './schemas.js';
import { transferConversation } from './transfer.js';
import { postStaffMessage } from './staffMessages.js';
import { getTranscript, markRead } from './transcript.js';

const tags = ['team inbox'];
const security = [{ staffSession: [] }];
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/** The team inbox. Every route: authenticate → validate → authorise (inside the service call) → answer. */
export async function staffChatRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // Authenticate before validation, so an anonymous caller learns nothing from validation errors.
  app.addHook('onRequest', async (request) => {
    requireStaff(request);
  });

  r.get(
    '/api/staff/conversations',
    {
      schema: {
        tags,
        security,
        querystring: InboxQuery,
        response: { 200: Type.Object({ conversations: Type.Array(SummarySchema) }), ...errors },
      },
    },
    async (request) => ({
      conversations: await listInbox(app.deps, requireStaff(request), request.query.view, request.query.serviceId),
    }),
  );

  r.get(
    '/api/staff/conversations/:id',
    { schema: { tags, security, params: IdParams, response: { 200: DetailSchema, ...errors } } },
    async (request) => getTranscript(app.deps, requireStaff(request), request.params.id),
  );

  r.post(
    '/api/staff/conversations/:id/claim',
    { schema: { tags, security, params: IdParams, response: { 200: SummarySchema, ...errors } } },
    async (request) => {
      const staff = requireStaff(request);
      return assignConversation(app.deps, staff, request.params.id, staff.staffId);
    },
  );

  r.post(
    '/api/staff/conversations/:id/assign',
    { schema: { tags, security, params: IdParams, body: AssignBody, response: { 200: SummarySchema, ...errors } } },
    async (request) => assignConversation(app.deps, requireStaff(request), request.params.id, request.body.staffId),
  );

  r.post(
    '/api/staff/conversations/:id/transfer',
    { schema: { tags, security, params: IdParams, body: TransferBody, response: { 200: SummarySchema, ...errors } } },
    async (request) => transferConversation(app.deps, requireStaff(request), request.params.id, request.body),
  );

  for (const kind of ['message', 'note'] as const) {
    r.post(
      `/api/staff/conversations/:id/${kind === 'message' ? 'messages' : 'notes'}`,
      {
        schema: {
          tags,
          security,
          params: IdParams,
          body: MessageBody,
          response: { 201: StaffMessageSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await postStaffMessage(app.deps, requireStaff(request), request.params.id, kind, request.body)),
    );
  }

  r.post(
    '/api/staff/conversations/:id/close',
    { schema: { tags, security, params: IdParams, body: CloseBody, response: { 200: SummarySchema, ...errors } } },
    async (request) => closeConversation(app.deps, requireStaff(request), request.params.id, request.body),
  );

  r.post(
    '/api/staff/conversations/:id/read',
    { schema: { tags, security, params: IdParams, body: ReadBody, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await markRead(app.deps, requireStaff(request), request.params.id, request.body.seq);
      return reply.status(204).send(null);
    },
  );
}
