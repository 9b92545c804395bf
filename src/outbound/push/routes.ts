import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorSchema } from '../../chat/schemas.js';
import { requirePatient } from '../../identity/patientSignIn/patientSessionHook.js';
import { reportDisplayed } from './displayed.js';
import { DisplayedBody, SubscribeBody, UnsubscribeBody, VapidPublicKey } from './schemas.js';
import { subscribePush, unsubscribePush } from './subscriptions.js';
import { vapidKeys } from './vapidKeys.js';

const tags = ['patient'];
const security = [{ patientSession: [] }];
const NoContent = Type.Null();
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

/** Web Push for patients: the key to subscribe with, opting a device in and out, display reports. */
export async function pushRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = root;

  // Public, as the key is: the web app needs it before it asks the browser to subscribe.
  app.get('/api/patient/push/vapid-public-key', { schema: { tags, response: { 200: VapidPublicKey } } }, async () => ({
    publicKey: (await vapidKeys(deps)).publicKey,
  }));

  app.post(
    '/api/patient/push-subscriptions',
    { schema: { tags, security, body: SubscribeBody, response: { 204: NoContent, ...errors } } },
    async (request, reply) => {
      await subscribePush(deps, requirePatient(request), request.body, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/patient/push-subscriptions',
    { schema: { tags, security, body: UnsubscribeBody, response: { 204: NoContent, ...errors } } },
    async (request, reply) => {
      await unsubscribePush(deps, requirePatient(request), request.body.endpoint, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/patient/push-displayed',
    { schema: { tags, security, body: DisplayedBody, response: { 204: NoContent, ...errors } } },
    async (request, reply) => {
      await reportDisplayed(deps, requirePatient(request), request.body.tag);
      return reply.status(204).send(null);
    },
  );
}
