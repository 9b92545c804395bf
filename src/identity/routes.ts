import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { NotFound } from '../platform/http/errors.js';
import { login } from './login.js';
import { getMe } from './me.js';
import { completeMfaLogin, enableMfa, setupMfa } from './mfa.js';
import {
  CodeBody,
  EmptyBody,
  LoginAnswer,
  LoginBody,
  MeAnswer,
  MfaSetupAnswer,
  SessionParams,
  SessionsAnswer,
} from './schemas.js';
import { clearSessionCookie, requireSession, setSessionCookie } from './sessionHook.js';
import { revokeOwnSession, signOut } from './revocation.js';
import { listOwnSessions, SESSION_COOKIE } from './sessions.js';

export { installStaffSessions } from './sessionHook.js';

const tags = ['staff'];
const security = [{ staffSession: [] }];
const NoContent = Type.Null();

export async function identityRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = root;

  app.post(
    '/api/staff/login',
    { schema: { tags, body: LoginBody, response: { 200: LoginAnswer } } },
    async (request, reply) => {
      const result = await login(deps, root.loginLimiters, {
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        previousToken: request.cookies[SESSION_COOKIE] ?? null,
      });
      setSessionCookie(reply, deps.config, result.token, result.expiresAt, deps.now());
      return { mfaRequired: result.mfaRequired, mfaSetupRequired: result.mfaSetupRequired };
    },
  );

  app.post(
    '/api/staff/login/mfa',
    { schema: { tags, security, body: CodeBody, response: { 200: MeAnswer } } },
    async (request, reply) => {
      const session = requireSession(request, 'mfa_pending');
      const passed = await completeMfaLogin(deps, root.loginLimiters, session, request.body.code);
      setSessionCookie(reply, deps.config, passed.token, passed.expiresAt, deps.now());
      return getMe(deps, session.staffId);
    },
  );

  app.post(
    '/api/staff/mfa/setup',
    { schema: { tags, security, body: EmptyBody, response: { 200: MfaSetupAnswer } } },
    async (request) => setupMfa(deps, requireSession(request, 'full', 'mfa_setup')),
  );

  app.post(
    '/api/staff/mfa/enable',
    { schema: { tags, security, body: CodeBody, response: { 200: MeAnswer } } },
    async (request, reply) => {
      const session = requireSession(request, 'full', 'mfa_setup');
      const passed = await enableMfa(deps, root.loginLimiters, session, request.body.code);
      setSessionCookie(reply, deps.config, passed.token, passed.expiresAt, deps.now());
      return getMe(deps, session.staffId);
    },
  );

  // Works with any cookie, even one the hook no longer accepts: signing out must never fail.
  app.post(
    '/api/staff/logout',
    { schema: { tags, security, body: EmptyBody, response: { 204: NoContent } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await signOut(deps, token, request.ip);
      clearSessionCookie(reply, deps.config);
      return reply.status(204).send(null);
    },
  );

  app.get('/api/staff/me', { schema: { tags, security, response: { 200: MeAnswer } } }, async (request) =>
    getMe(deps, requireSession(request, 'full', 'mfa_setup').staffId),
  );

  app.get('/api/staff/sessions', { schema: { tags, security, response: { 200: SessionsAnswer } } }, async (request) => {
    const sessions = await listOwnSessions(deps, requireSession(request, 'full'));
    return {
      sessions: sessions.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        current: s.current,
      })),
    };
  });

  app.delete(
    '/api/staff/sessions/:id',
    { schema: { tags, security, params: SessionParams, body: EmptyBody, response: { 204: NoContent } } },
    async (request, reply) => {
      const session = requireSession(request, 'full');
      if (!(await revokeOwnSession(deps, session, request.params.id))) throw new NotFound('Session');
      if (request.params.id === session.id) clearSessionCookie(reply, deps.config);
      return reply.status(204).send(null);
    },
  );
}
