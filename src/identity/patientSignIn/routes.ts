import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../platform/http/errors.js';
import { finishSignIn } from './finishSignIn.js';
import { getPatientMe } from './me.js';
import { CALLBACK_PATH, PatientOidcClient } from './oidcClient.js';
import { clearPatientSessionCookie, requirePatient, setPatientSessionCookie } from './patientSessionHook.js';
import { PATIENT_SESSION_COOKIE } from './patientSessions.js';
import { CallbackQuery, EmptyBody, PatientMe } from './schemas.js';
import { signOutPatient } from './signOut.js';
import { SIGN_IN_ATTEMPT_MINUTES, SIGN_IN_COOKIE } from './signInAttempts.js';
import { startSignIn } from './startSignIn.js';

const tags = ['patient'];
const NoContent = Type.Null();
/** Where a signed-in patient lands in the web app. */
const AFTER_SIGN_IN = '/inbox';

function queryString(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at);
}

/**
 * Lax, unlike the session cookie: the callback is a top-level navigation from the provider's site,
 * on which a Strict cookie would not be sent. Scoped to the sign-in paths and gone in 10 minutes.
 */
function signInCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'lax', path: '/api/patient/sign-in', secure } as const;
}

export async function patientSignInRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = root;
  const { config } = deps;
  const client = config.patientOidc ? new PatientOidcClient(config.patientOidc, config.publicUrl) : null;
  // With no provider configured the sign-in routes answer exactly as a path that does not exist.
  const requireClient = (): PatientOidcClient => {
    if (!client) throw new AppError(404, 'not_found', 'Not found.');
    return client;
  };
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.get(
    '/api/patient/sign-in',
    {
      schema: { tags },
      onRequest: async () => void requireClient(),
      // Each start writes a row (swept after 10 minutes): bounded per client address, generously,
      // since many patients may share one address behind a carrier's or a hospital's NAT.
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const started = await startSignIn(deps, requireClient(), request.log);
      void reply.setCookie(SIGN_IN_COOKIE, started.handle, {
        ...signInCookieOptions(config.secureCookies),
        maxAge: SIGN_IN_ATTEMPT_MINUTES * 60,
      });
      return noStore(reply).redirect(started.url.href, 302);
    },
  );

  app.get(
    CALLBACK_PATH,
    { schema: { tags, querystring: CallbackQuery }, onRequest: async () => void requireClient() },
    async (request, reply) => {
      // Spent whatever the outcome: cleared before the work, so an error answer clears it too.
      void reply.clearCookie(SIGN_IN_COOKIE, signInCookieOptions(config.secureCookies));
      noStore(reply);
      const signedIn = await finishSignIn(
        deps,
        requireClient(),
        {
          search: queryString(request.url),
          handle: request.cookies[SIGN_IN_COOKIE],
          previousToken: request.cookies[PATIENT_SESSION_COOKIE] ?? null,
          ip: request.ip,
        },
        request.log,
      );
      setPatientSessionCookie(reply, config, signedIn.token, signedIn.expiresAt, deps.now());
      return reply.redirect(AFTER_SIGN_IN, 302);
    },
  );

  app.get('/api/patient/me', { schema: { tags, response: { 200: PatientMe } } }, async (request) =>
    getPatientMe(deps, requirePatient(request)),
  );

  // Works with any cookie, even one no longer accepted: signing out must never fail.
  app.post(
    '/api/patient/sign-out',
    { schema: { tags, body: EmptyBody, response: { 204: NoContent } } },
    async (request, reply) => {
      const token = request.cookies[PATIENT_SESSION_COOKIE];
      if (token) await signOutPatient(deps, token, request.ip);
      clearPatientSessionCookie(reply, config);
      return reply.status(204).send(null);
    },
  );
}
