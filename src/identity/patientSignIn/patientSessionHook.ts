import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { AppError, Forbidden, Unauthenticated } from '../../platform/http/errors.js';
import type { IdentityLevel } from '../patients.js';
import { loadPatientSession, PATIENT_SESSION_COOKIE } from './patientSessions.js';

/** Who is signed in as a patient, and to which level this sign-in proved their identity. */
export type PatientContext = { patientId: string; identityLevel: IdentityLevel };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for /api/patient/ routes when the patient session cookie is live. */
    patient: PatientContext | null;
  }
}

const PATIENT_PREFIX = '/api/patient/';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function routePath(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0]!;
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * The staff console's CSRF rule, for patients' cookie-carrying writes: the SameSite=Strict cookie
 * stays off cross-site requests, a cross-site form cannot send JSON without a CORS preflight we
 * never grant, and Sec-Fetch-Site catches sibling subdomains that SameSite counts as the same site.
 */
function refuseCrossSiteWrite(request: FastifyRequest): void {
  if (!STATE_CHANGING.has(request.method)) return;
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    throw new Forbidden('Requests from other sites are not accepted.', 'cross_site_request');
  }
  if (!isJson(request.headers['content-type'])) {
    throw new AppError(415, 'json_required', 'Send this request as JSON (Content-Type: application/json).');
  }
}

/**
 * Reads the patient session cookie on /api/patient/ routes (every patient-facing plugin lives
 * there) and sets request.patient. Other paths never touch the database for it.
 */
export function installPatientSessions(app: FastifyInstance): void {
  app.decorateRequest('patient', null);
  app.addHook('onRequest', async (request) => {
    const path = routePath(request);
    if (!path.startsWith(PATIENT_PREFIX)) return;
    const token = request.cookies[PATIENT_SESSION_COOKIE];
    if (token === undefined) return;
    refuseCrossSiteWrite(request);
    // The sign-in routes read the cookie themselves, only to revoke it.
    if (path.startsWith('/api/patient/sign-in')) return;
    const session = await loadPatientSession(app.deps, token);
    if (session) request.patient = { patientId: session.patientId, identityLevel: session.identityLevel };
  });
}

export function requirePatient(request: FastifyRequest): PatientContext {
  if (!request.patient) throw new Unauthenticated();
  return request.patient;
}

type CookieConfig = Pick<Config, 'secureCookies'>;

function cookieOptions(config: CookieConfig) {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: config.secureCookies } as const;
}

/** Lives no longer in the browser than on the server; the server still enforces both limits. */
export function setPatientSessionCookie(
  reply: FastifyReply,
  config: CookieConfig,
  token: string,
  expiresAt: Date,
  now: Date,
): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  void reply.setCookie(PATIENT_SESSION_COOKIE, token, { ...cookieOptions(config), maxAge });
}

export function clearPatientSessionCookie(reply: FastifyReply, config: CookieConfig): void {
  void reply.clearCookie(PATIENT_SESSION_COOKIE, cookieOptions(config));
}
