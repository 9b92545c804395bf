import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNhsNumber } from '../../outbound/testSenders.js';
import { startOidcProvider, type TestOidcProvider } from '../../testing/oidcProvider.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { hashSessionToken } from '../sessions.js';
import { patientChain } from './patientChain.js';
import { PATIENT_SESSION_COOKIE } from './patientSessions.js';
import { signedInAs } from './testSignIn.js';

const PUBLIC_URL = 'https://patients.confide.test';
let provider: TestOidcProvider;
let t: TestApp;
let clock = new Date();
beforeAll(async () => {
  provider = await startOidcProvider({ redirectUri: `${PUBLIC_URL}/api/patient/sign-in/callback` });
  t = await buildTestApp({ config: { publicUrl: PUBLIC_URL, patientOidc: provider.config }, now: () => clock });
});
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

function advance(minutes: number): void {
  clock = new Date(clock.getTime() + minutes * 60_000);
}

const signIn = () =>
  signedInAs(
    t,
    provider,
    provider.addAccount({ nhsNumber: testNhsNumber(), identityLevel: 'P9', familyName: 'Okafor' }),
  );
const me = (session: string) =>
  t.app.inject({ method: 'GET', url: '/api/patient/me', cookies: { [PATIENT_SESSION_COOKIE]: session } });
const signOut = (session: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/patient/sign-out',
    cookies: { [PATIENT_SESSION_COOKIE]: session },
    headers,
    payload: {},
  });

describe('patient sessions', () => {
  it('answers /api/patient/me with 401 without a live session', async () => {
    const jars: Record<string, string>[] = [
      {},
      { [PATIENT_SESSION_COOKIE]: 'nonsense' },
      { [PATIENT_SESSION_COOKIE]: 'x'.repeat(43) },
      { confide_session: 'x'.repeat(43) },
    ];
    for (const cookies of jars) {
      const res = await t.app.inject({ method: 'GET', url: '/api/patient/me', cookies });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: 'unauthenticated', message: 'Sign in to continue.' });
    }
  });

  it('sign-out ends the session, clears the cookie and is audited; signing out again is fine', async () => {
    const session = await signIn();
    const { rows } = await t.deps.db.query<{ patient_id: string }>(
      'SELECT patient_id FROM patient_sessions WHERE token_hash = $1',
      [hashSessionToken(session)],
    );
    const res = await signOut(session);
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/^confide_patient=;.*Expires=Thu, 01 Jan 1970/);
    expect((await me(session)).statusCode).toBe(401);
    const revoked = await t.deps.db.query<{ revoked_at: Date | null }>(
      'SELECT revoked_at FROM patient_sessions WHERE token_hash = $1',
      [hashSessionToken(session)],
    );
    expect(revoked.rows[0]!.revoked_at).not.toBeNull();
    const audit = await t.deps.db.query<{ action: string }>(
      'SELECT action FROM audit_log WHERE chain = $1 ORDER BY position',
      [patientChain(rows[0]!.patient_id)],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['patient.sign_in', 'patient.sign_out']);
    expect((await signOut(session)).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: '/api/patient/sign-out', payload: {} })).statusCode).toBe(204);
  });

  it('refuses cookie-carrying writes that are not JSON or come from another site', async () => {
    const session = await signIn();
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/patient/sign-out',
      cookies: { [PATIENT_SESSION_COOKIE]: session },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(form.statusCode).toBe(415);
    expect((await signOut(session, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await signOut(session, { 'sec-fetch-site': 'same-site' })).statusCode).toBe(403);
    expect((await me(session)).statusCode).toBe(200);
  });

  it('ends a session idle for longer than the idle limit, counting from the last request', async () => {
    const session = await signIn();
    const idle = t.deps.config.patientSessionIdleMinutes;
    expect(idle).toBe(30);
    advance(idle - 1);
    expect((await me(session)).statusCode).toBe(200);
    advance(idle - 1);
    expect((await me(session)).statusCode).toBe(200);
    advance(idle + 1);
    expect((await me(session)).statusCode).toBe(401);
  });

  it('ends every session at the absolute limit however active it is', async () => {
    const session = await signIn();
    const total = t.deps.config.patientSessionAbsoluteHours * 60;
    expect(total).toBe(12 * 60);
    const step = t.deps.config.patientSessionIdleMinutes - 1;
    let elapsed = 0;
    while (elapsed + step < total) {
      advance(step);
      elapsed += step;
      expect((await me(session)).statusCode).toBe(200);
    }
    advance(total - elapsed);
    expect((await me(session)).statusCode).toBe(401);
  });
});
