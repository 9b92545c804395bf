import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { testNhsNumber } from '../../outbound/testSenders.js';
import { startOidcProvider, type TestOidcProvider } from '../../testing/oidcProvider.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { PATIENT_SESSION_COOKIE } from './patientSessions.js';
import { SIGN_IN_COOKIE } from './signInAttempts.js';
import { signInThrough } from './testSignIn.js';

const PUBLIC_URL = 'https://patients.confide.test';
const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

/** A port that was free a moment ago and has nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('patient sign-in routes by configuration', () => {
  let provider: TestOidcProvider;
  let off: TestApp;
  let nhsLoginStyle: TestApp;
  let unreachable: TestApp;
  beforeAll(async () => {
    provider = await startOidcProvider({ redirectUri: `${PUBLIC_URL}/api/patient/sign-in/callback` });
    off = await buildTestApp({ config: { publicUrl: PUBLIC_URL } });
    nhsLoginStyle = await buildTestApp({
      config: {
        publicUrl: PUBLIC_URL,
        secureCookies: true,
        patientOidc: { ...provider.config, vtr: '["P9.Cp.Cd","P9.Cp.Ck","P9.Cm"]' },
      },
    });
    unreachable = await buildTestApp({
      config: {
        publicUrl: PUBLIC_URL,
        patientOidc: { ...provider.config, issuer: `http://127.0.0.1:${await closedPort()}` },
      },
    });
  });
  afterAll(async () => {
    await off?.close();
    await nhsLoginStyle?.close();
    await unreachable?.close();
    await provider?.close();
  });

  it('answers 404 on the sign-in routes when no provider is configured', async () => {
    for (const url of ['/api/patient/sign-in', '/api/patient/sign-in/callback?code=x&state=y']) {
      const res = await off.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ code: 'not_found', message: 'Not found.' });
    }
    expect((await off.app.inject({ method: 'GET', url: '/api/patient/me' })).statusCode).toBe(401);
  });

  it('asks for the configured vector of trust, as NHS login needs for P9, and sets Secure cookies', async () => {
    const sub = provider.addAccount({ nhsNumber: testNhsNumber(), identityLevel: 'P9' });
    const { res, started } = await signInThrough(nhsLoginStyle, provider, { as: sub });
    expect(started.authorizationUrl.searchParams.get('vtr')).toBe('["P9.Cp.Cd","P9.Cp.Ck","P9.Cm"]');
    expect(provider.lastAuthorization()).toMatchObject({ vtr: '["P9.Cp.Cd","P9.Cp.Ck","P9.Cm"]' });
    expect(started.response.cookies.find((c) => c.name === SIGN_IN_COOKIE)).toMatchObject({ secure: true });
    expect(res.statusCode).toBe(302);
    expect(res.cookies.find((c) => c.name === PATIENT_SESSION_COOKIE)).toMatchObject({ secure: true });
  });

  it('answers 503 when the provider cannot be reached, and writes no attempt', async () => {
    const res = await unreachable.app.inject({ method: 'GET', url: '/api/patient/sign-in' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'busy' });
    const { rows } = await unreachable.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM patient_sign_in_attempts',
    );
    expect(rows[0]!.n).toBe(0);
  });
});

describe('PATIENT_OIDC_* settings', () => {
  const base = {
    NODE_ENV: 'test',
    PATIENT_OIDC_ISSUER: 'https://auth.login.nhs.uk',
    PATIENT_OIDC_CLIENT_ID: 'confide',
  };
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      return (err as { problems: string[] }).problems;
    }
  };

  it('is off unless an issuer is set, and has NHS login-friendly defaults when it is', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).patientOidc).toBeNull();
    const config = loadConfig({ ...base, PATIENT_OIDC_PRIVATE_KEY: rsaPem, PATIENT_OIDC_KID: 'k1' });
    expect(config.patientOidc).toEqual({
      issuer: 'https://auth.login.nhs.uk',
      clientId: 'confide',
      privateKeyPem: rsaPem,
      kid: 'k1',
      scopes: 'openid profile email phone',
      vtr: null,
      allowHttp: false,
    });
    expect(config.patientSessionIdleMinutes).toBe(30);
    expect(config.patientSessionAbsoluteHours).toBe(12);
  });

  it('reads the key from a file when the value is a path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confide-oidc-'));
    try {
      const file = path.join(dir, 'client.pem');
      writeFileSync(file, rsaPem, { mode: 0o600 });
      expect(loadConfig({ ...base, PATIENT_OIDC_PRIVATE_KEY: file }).patientOidc?.privateKeyPem).toBe(rsaPem);
      expect(problems({ ...base, PATIENT_OIDC_PRIVATE_KEY: path.join(dir, 'missing.pem') })).toEqual([
        'PATIENT_OIDC_PRIVATE_KEY is neither a PEM key nor a readable file',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every problem at once', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(problems({ NODE_ENV: 'test', PATIENT_OIDC_ISSUER: 'http://auth.example' })).toEqual([
      'PATIENT_OIDC_ISSUER must use https:',
      'PATIENT_OIDC_CLIENT_ID is required with PATIENT_OIDC_ISSUER',
      'PATIENT_OIDC_PRIVATE_KEY is required with PATIENT_OIDC_ISSUER',
    ]);
    expect(
      problems({
        ...base,
        PATIENT_OIDC_PRIVATE_KEY: ec,
        PATIENT_OIDC_SCOPES: 'profile',
        PATIENT_OIDC_VTR: 'P9.Cp.Cd',
      }),
    ).toEqual([
      'PATIENT_OIDC_PRIVATE_KEY must be an RSA key of at least 2048 bits (it signs with RS512)',
      'PATIENT_OIDC_SCOPES must include openid',
      'PATIENT_OIDC_VTR must be a JSON array of strings, e.g. ["P9.Cp.Cd","P9.Cp.Ck","P9.Cm"]',
    ]);
  });

  it('allows a plain-http issuer only on this machine, only when asked, and never in production', () => {
    const local = { ...base, PATIENT_OIDC_ISSUER: 'http://127.0.0.1:4000', PATIENT_OIDC_PRIVATE_KEY: rsaPem };
    expect(problems(local)).toEqual(['PATIENT_OIDC_ISSUER must use https:']);
    expect(loadConfig({ ...local, PATIENT_OIDC_ALLOW_HTTP: 'true' }).patientOidc?.allowHttp).toBe(true);
    expect(problems({ ...local, PATIENT_OIDC_ISSUER: 'http://auth.example', PATIENT_OIDC_ALLOW_HTTP: 'true' })).toEqual(
      ['PATIENT_OIDC_ISSUER must use https:'],
    );
    expect(problems({ ...local, NODE_ENV: 'production', PATIENT_OIDC_ALLOW_HTTP: 'true' })).toContain(
      'PATIENT_OIDC_ALLOW_HTTP must not be set in production',
    );
  });
});
