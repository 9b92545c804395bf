import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorSchema } from '../../chat/schemas.js';
import { requirePatient } from '../../identity/patientSignIn/patientSessionHook.js';
import { getInboxMessage, listInbox, markRead } from './patientInbox.js';

const tags = ['patients'];
const security = [{ patientSession: [] }];
const strict = { additionalProperties: false } as const;
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

const InboxMessageSchema = Type.Object({
  id: Type.String(),
  sender: Type.Object({
    name: Type.String(),
    odsCode: Type.String(),
    verified: Type.Boolean(),
    linkDomains: Type.Array(Type.String()),
  }),
  content: Type.String(),
  sentAt: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
});

/** The signed-in patient's inbox of messages from every sender. */
export async function patientInboxRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = app;

  r.get(
    '/api/patient/messages',
    {
      schema: {
        tags,
        security,
        querystring: Type.Object(
          {
            before: Type.Optional(Type.String({ format: 'date-time' })),
            beforeId: Type.Optional(Type.String({ format: 'uuid' })),
          },
          strict,
        ),
        response: {
          200: Type.Object({
            messages: Type.Array(InboxMessageSchema),
            unread: Type.Integer(),
            // The next page's query, when this page is full.
            next: Type.Union([
              Type.Object({ before: Type.String({ format: 'date-time' }), beforeId: Type.String({ format: 'uuid' }) }),
              Type.Null(),
            ]),
          }),
          ...errors,
        },
      },
    },
    async (request) =>
      listInbox(deps, requirePatient(request), {
        ip: request.ip,
        ...(request.query.before ? { before: new Date(request.query.before) } : {}),
        ...(request.query.beforeId ? { beforeId: request.query.beforeId } : {}),
      }),
  );

  r.get(
    '/api/patient/messages/:id',
    {
      schema: {
        tags,
        security,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }, strict),
        response: { 200: InboxMessageSchema, ...errors },
      },
    },
    async (request) => getInboxMessage(deps, requirePatient(request), request.params.id, request.ip),
  );

  r.post(
    '/api/patient/messages/:id/read',
    {
      schema: {
        tags,
        security,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }, strict),
        body: Type.Object({}, strict),
        response: { 200: Type.Object({ id: Type.String(), read: Type.Literal(true) }), ...errors },
      },
    },
    async (request) => markRead(deps, requirePatient(request), request.params.id, request.ip),
  );
}
