import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorSchema } from '../../chat/schemas.js';
import { refuseCrossSiteCookielessWrite } from '../../identity/crossSiteWrites.js';
import { requirePatient } from '../../identity/patientSignIn/patientSessionHook.js';
import { reportDisplayed } from './displayed.js';
import { DisplayedBody, SubscribeBody, UnsubscribeBody, VapidPublicKey } from './schemas.js';
import { subscribePush, unsubscribePush } from './subscriptions.js';
import { vapidKeys } from './vapidKeys.js';

const tags = ['patient'];
const security = [{ patientSession: [] }];
const NoContent = Type.Null();
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

/**
 * Display reports per minute from one address. Generous on purpose: pushes held overnight all go
 * out at 06:00, and many phones share one address behind a mobile network's NAT; a report refused
 * only costs a Notified receipt. It bounds the database writes an anonymous caller can cause.
 */
export const DISPLAY_REPORTS_PER_MINUTE = 300;

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

  // The service worker's report, often long after the session has ended: the tag is the credential
  // (see reportDisplayed), so a session is used when there is one but not needed.
  app.post(
    '/api/patient/push-displayed',
    {
      schema: {
        tags,
        security: [...security, {}],
        body: DisplayedBody,
        response: { 204: NoContent, ...errors, 429: ErrorSchema },
      },
      config: { rateLimit: { max: DISPLAY_REPORTS_PER_MINUTE, timeWindow: '1 minute' } },
      // The session hook checks only requests that carry the cookie; this one is checked either way.
      onRequest: async (request) => refuseCrossSiteCookielessWrite(request, deps.config.publicUrl),
    },
    async (request, reply) => {
      await reportDisplayed(deps, { patient: request.patient, ip: request.ip }, request.body.tag);
      return reply.status(204).send(null);
    },
  );
}
