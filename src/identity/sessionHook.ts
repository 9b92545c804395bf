import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { Forbidden, Unauthenticated } from '../platform/http/errors.js';
import { refuseCrossSiteWrite } from './crossSiteWrites.js';
import { inProcessLoginLimiters, loginLimitPolicies, type LoginLimiters } from './lockout.js';
import { RedisAttemptLimiter } from './redisLimiter.js';
import { loadSession, SESSION_COOKIE, type SessionStage, type StaffSession } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session behind request.staff, including half-finished sign-ins (MFA owed). Identity routes only. */
    staffSession: StaffSession | null;
  }
  interface FastifyInstance {
    loginLimiters: LoginLimiters;
  }
}

/** What a half-finished sign-in may still reach; every other staff or admin route is refused. */
// The live socket is let through: it closes with 4401 itself, which a browser can read, where a
// refused upgrade shows only as a dropped connection that the client would keep retrying.
const ALWAYS_ALLOWED = new Set(['/api/staff/login', '/api/staff/login/mfa', '/api/staff/logout', '/api/staff/live']);
const SETUP_ALLOWED = new Set([...ALWAYS_ALLOWED, '/api/staff/mfa/setup', '/api/staff/mfa/enable', '/api/staff/me']);

function routePath(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0]!;
}

function isConsoleRoute(path: string): boolean {
  return path.startsWith('/api/staff/') || path.startsWith('/api/admin/');
}

/**
 * Service-user routes carry a bearer token, not the cookie; static files and health checks need
 * no one. Skipping them keeps the database out of requests that cannot use a staff session.
 */
function mayUseStaffSession(path: string): boolean {
  return path.startsWith('/api/') && !path.startsWith('/api/public/');
}

/** Only console routes with the staff cookie present need the cross-site rule. */
function refuseCrossSiteConsoleWrite(request: FastifyRequest, path: string): void {
  if (!isConsoleRoute(path) || request.cookies[SESSION_COOKIE] === undefined) return;
  refuseCrossSiteWrite(request);
}

function refuseUnfinishedSignIn(stage: SessionStage, path: string): void {
  switch (stage) {
    case 'full':
      return;
    case 'mfa_pending':
      if (!ALWAYS_ALLOWED.has(path)) {
        throw new Unauthenticated('Enter the code from your authenticator app to finish signing in.', 'mfa_required');
      }
      return;
    case 'mfa_setup':
      if (!SETUP_ALLOWED.has(path)) {
        throw new Forbidden(
          'Your organisation requires two-step verification. Set it up to continue.',
          'mfa_setup_required',
        );
      }
      return;
  }
}

/**
 * Reads the session cookie and sets request.staff (null when not fully signed in) and
 * request.staffSession. One indexed query per request at most; none without the cookie.
 */
export function installStaffSessions(app: FastifyInstance): void {
  app.decorateRequest('staff', null);
  app.decorateRequest('staffSession', null);
  // Shared by every node when Redis is configured; otherwise each node counts for itself.
  const redis = app.deps.redis;
  const policies = loginLimitPolicies(app.deps.config);
  app.decorate(
    'loginLimiters',
    redis
      ? {
          byIp: new RedisAttemptLimiter(redis, 'login-ip', policies.byIp),
          unknownAccount: new RedisAttemptLimiter(redis, 'login-unknown', policies.unknownAccount),
        }
      : inProcessLoginLimiters(app.deps.config),
  );
  app.addHook('onRequest', async (request) => {
    const path = routePath(request);
    refuseCrossSiteConsoleWrite(request, path);
    const token = request.cookies[SESSION_COOKIE];
    if (!token || !mayUseStaffSession(path)) return;
    const session = await loadSession(app.deps, token, request.ip);
    if (!session) return;
    if (isConsoleRoute(path)) refuseUnfinishedSignIn(session.stage, path);
    request.staffSession = session;
    if (session.stage === 'full') request.staff = session.context;
  });
}

/** The caller's session when it is at one of the given stages; otherwise 401. */
export function requireSession(request: FastifyRequest, ...stages: SessionStage[]): StaffSession {
  const session = request.staffSession;
  if (!session || !stages.includes(session.stage)) throw new Unauthenticated();
  return session;
}

type CookieConfig = Pick<Config, 'secureCookies'>;

function cookieOptions(config: CookieConfig) {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: config.secureCookies } as const;
}

/** Lives no longer in the browser than on the server; the server still enforces idle and absolute limits. */
export function setSessionCookie(reply: FastifyReply, config: CookieConfig, token: string, expiresAt: Date, now: Date) {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  void reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(config), maxAge });
}

export function clearSessionCookie(reply: FastifyReply, config: CookieConfig): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(config));
}
