import type { LightMyRequestResponse } from 'fastify';
import type { BrowseOptions, TestOidcProvider } from '../../testing/oidcProvider.js';
import type { TestApp } from '../../testing/testApp.js';
import { PATIENT_SESSION_COOKIE } from './patientSessions.js';
import { SIGN_IN_COOKIE } from './signInAttempts.js';

/** Test helpers: a browser going from the app to the provider and back, through the real routes. */

export type Started = { authorizationUrl: URL; handle: string; response: LightMyRequestResponse };

export function cookieValue(res: LightMyRequestResponse, name: string): string | null {
  const found = res.cookies.find((c) => c.name === name && c.value !== '');
  return found ? found.value : null;
}

export async function startAt(t: TestApp): Promise<Started> {
  const response = await t.app.inject({ method: 'GET', url: '/api/patient/sign-in' });
  if (response.statusCode !== 302) throw new Error(`sign-in answered ${response.statusCode} ${response.body}`);
  const handle = cookieValue(response, SIGN_IN_COOKIE);
  if (!handle) throw new Error('sign-in set no cookie');
  return { authorizationUrl: new URL(String(response.headers.location)), handle, response };
}

/** Sends the browser back to the app's callback, as the provider redirected it. */
export function callback(
  t: TestApp,
  url: URL,
  cookies: { handle?: string | null; session?: string | null } = {},
): Promise<LightMyRequestResponse> {
  const jar: Record<string, string> = {};
  if (cookies.handle) jar[SIGN_IN_COOKIE] = cookies.handle;
  if (cookies.session) jar[PATIENT_SESSION_COOKIE] = cookies.session;
  return t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, cookies: jar });
}

/** The whole round trip; returns the callback's answer and where the provider sent the browser. */
export async function signInThrough(
  t: TestApp,
  provider: TestOidcProvider,
  opts: BrowseOptions & { session?: string | null },
): Promise<{ res: LightMyRequestResponse; callbackUrl: URL; started: Started }> {
  const started = await startAt(t);
  const callbackUrl = await provider.browse(started.authorizationUrl.href, opts);
  const res = await callback(t, callbackUrl, { handle: started.handle, session: opts.session ?? null });
  return { res, callbackUrl, started };
}

/** Signs a person in and returns their session cookie's value. */
export async function signedInAs(t: TestApp, provider: TestOidcProvider, sub: string): Promise<string> {
  const { res } = await signInThrough(t, provider, { as: sub });
  const session = cookieValue(res, PATIENT_SESSION_COOKIE);
  if (res.statusCode !== 302 || !session) throw new Error(`callback answered ${res.statusCode} ${res.body}`);
  return session;
}
