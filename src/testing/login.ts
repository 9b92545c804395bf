import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE } from '../identity/sessions.js';
import { totpCode } from '../identity/totp.js';

/** The `cookie` header value carrying the session set by a response, or null when none was set. */
export function sessionCookieFrom(res: LightMyRequestResponse): string | null {
  const found = res.cookies.find((c) => c.name === SESSION_COOKIE && c.value !== '');
  return found ? `${SESSION_COOKIE}=${found.value}` : null;
}

/**
 * Signs in through the real routes and returns a `cookie` header value for app.inject().
 * With totpSecret, answers the MFA step with the code for app.deps.now(). The same code is never
 * accepted twice, so move the test clock on 30 seconds between two MFA sign-ins of one person.
 * When the organisation requires MFA and the person has none, the cookie returned is the
 * set-up-only session.
 */
export async function loginAs(
  app: FastifyInstance,
  credentials: { email: string; password: string; totpSecret?: string; remoteAddress?: string },
): Promise<string> {
  const remoteAddress = credentials.remoteAddress ?? '127.0.0.1';
  const res = await app.inject({
    method: 'POST',
    url: '/api/staff/login',
    remoteAddress,
    payload: { email: credentials.email, password: credentials.password },
  });
  const cookie = sessionCookieFrom(res);
  if (res.statusCode !== 200 || !cookie) throw new Error(`loginAs: sign-in answered ${res.statusCode} ${res.body}`);
  const { mfaRequired } = res.json<{ mfaRequired: boolean }>();
  if (!mfaRequired) return cookie;
  if (!credentials.totpSecret) throw new Error('loginAs: this account needs an MFA code; pass totpSecret');
  const mfa = await app.inject({
    method: 'POST',
    url: '/api/staff/login/mfa',
    remoteAddress,
    headers: { cookie },
    payload: { code: totpCode(credentials.totpSecret, app.deps.now()) },
  });
  const rotated = sessionCookieFrom(mfa);
  if (mfa.statusCode !== 200 || !rotated) throw new Error(`loginAs: MFA answered ${mfa.statusCode} ${mfa.body}`);
  return rotated;
}
