import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { Unauthenticated } from '../../platform/http/errors.js';
import type { IdentityLevel } from '../patients.js';
import { refuseCrossSiteWrite } from '../crossSiteWrites.js';
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

function routePath(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0]!;
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
