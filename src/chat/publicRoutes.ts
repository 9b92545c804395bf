import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateConversationToken, bearerToken, tokenHash } from './access.js';
import { resumeByCode } from './resume.js';
import {
  ErrorSchema,
  MessageBody,
  PublicConversationSchema,
  PublicMessageSchema,
  ResumeBody,
  ResumedSchema,
  SlugParams,
  StartBody,
  StartedSchema,
} from './schemas.js';
import { endConversation, getPublicConversation, postServiceUserMessage } from './serviceUser.js';
import { startConversation } from './startConversation.js';

const tags = ['service users'];
const perConversation = (request: FastifyRequest) =>
  `conversation:${tokenHash(bearerToken(request.headers.authorization) ?? '').toString('base64url')}`;
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 429: ErrorSchema };

/** Routes for people without an account: credentials are the conversation token only. */
export async function publicChatRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const who = (request: FastifyRequest) =>
    authenticateConversationToken(app.deps, bearerToken(request.headers.authorization));

  r.post(
    '/api/public/services/:slug/conversations',
    {
      schema: { tags, params: SlugParams, body: StartBody, response: { 201: StartedSchema, ...errors } },
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) =>
      reply.status(201).send(await startConversation(app.deps, request.params.slug, request.body)),
  );

  r.post(
    '/api/public/services/:slug/resume',
    {
      schema: { tags, params: SlugParams, body: ResumeBody, response: { 200: ResumedSchema, ...errors } },
      // Codes are short enough to be written down, so guessing is throttled hard.
      config: { rateLimit: { max: 10, timeWindow: '15 minutes' } },
    },
    async (request) => resumeByCode(app.deps, request.params.slug, request.body.code),
  );

  r.get(
    '/api/public/conversation',
    { schema: { tags, response: { 200: PublicConversationSchema, ...errors } } },
    async (request) => getPublicConversation(app.deps, await who(request)),
  );

  r.post(
    '/api/public/conversation/messages',
    {
      schema: { tags, body: MessageBody, response: { 201: PublicMessageSchema, ...errors } },
      // Per conversation link, not per address: many young people share a school's network.
      config: { rateLimit: { max: 30, timeWindow: '1 minute', keyGenerator: perConversation } },
    },
    async (request, reply) =>
      reply.status(201).send(await postServiceUserMessage(app.deps, await who(request), request.body)),
  );

  r.post(
    '/api/public/conversation/end',
    { schema: { tags, response: { 200: PublicConversationSchema, ...errors } } },
    async (request) => endConversation(app.deps, await who(request)),
  );
}
