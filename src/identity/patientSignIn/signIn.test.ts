import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNhsNumber } from '../../outbound/testSenders.js';
import { startOidcProvider, type TestAccount, type TestOidcProvider } from '../../testing/oidcProvider.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { hashSessionToken } from '../sessions.js';
import { patientChain } from './patientChain.js';
import { PATIENT_SESSION_COOKIE } from './patientSessions.js';
import { SIGN_IN_COOKIE } from './signInAttempts.js';
import { cookieValue, signedInAs, signInThrough, startAt } from './testSignIn.js';

const PUBLIC_URL = 'https://patients.confide.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/patient/sign-in/callback`;
let provider: TestOidcProvider;
let t: TestApp;
const logLines: string[] = [];
beforeAll(async () => {
  provider = await startOidcProvider({ redirectUri: REDIRECT_URI });
  t = await buildTestApp({
    config: { publicUrl: PUBLIC_URL, patientOidc: provider.config, logLevel: 'trace' },
    logStream: { write: (line) => void logLines.push(line) },
  });
});
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

function person(overrides: Partial<TestAccount> = {}): Required<TestAccount> & { sub: string } {
  const account: Required<TestAccount> = {
    nhsNumber: testNhsNumber(),
    identityLevel: 'P9',
    givenName: 'Ada',
    familyName: `Lovelace${Math.random().toString(36).slice(2, 8)}`,
    email: `ada.${Math.random().toString(36).slice(2, 10)}@example.com`,
    phone: `+44770090${Math.floor(1000 + Math.random() * 8999)}`,
    ...overrides,
  };
  return { ...account, sub: provider.addAccount(account) };
}

async function patientByNhsNumber(nhsNumber: string) {
  const { rows } = await t.deps.db.query<{ id: string; identity_level: string; oidc_subject_hmac: unknown }>(
    'SELECT id, identity_level, oidc_subject_hmac FROM patients WHERE nhs_number_hmac = $1',
    [await t.deps.keyring.lookupHmac(nhsNumber)],
  );
  return rows;
}

const me = (session: string) =>
  t.app.inject({ method: 'GET', url: '/api/patient/me', cookies: { [PATIENT_SESSION_COOKIE]: session } });

describe('signing in', () => {
  it('asks for the code flow with PKCE, state and nonce, keeping the secrets out of the URL', async () => {
    const { authorizationUrl, response } = await startAt(t);
    expect(authorizationUrl.origin).toBe(provider.issuer);
    const q = authorizationUrl.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(provider.config.clientId);
    expect(q.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(q.get('scope')).toBe('openid profile email phone');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.has('code_verifier')).toBe(false);
    expect(q.has('vtr')).toBe(false);
    // The cookie names a row that holds the verifier; the row is keyed by the cookie's hash only.
    const setCookie = response.cookies.find((c) => c.name === SIGN_IN_COOKIE)!;
    expect(setCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/patient/sign-in', maxAge: 600 });
    const { rows } = await t.deps.db.query<{ state: string; expires_at: Date }>(
      'SELECT state, expires_at FROM patient_sign_in_attempts WHERE handle_hash = $1',
      [hashSessionToken(setCookie.value)],
    );
    expect(rows[0]!.state).toBe(q.get('state'));
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('signs a P9 person in: enrols the patient, starts a session, audits, and goes to the inbox', async () => {
    const ada = person();
    const { res } = await signInThrough(t, provider, { as: ada.sub });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/inbox');
    const session = cookieValue(res, PATIENT_SESSION_COOKIE)!;
    const set = res.cookies.find((c) => c.name === PATIENT_SESSION_COOKIE)!;
    expect(set).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(set.maxAge).toBeGreaterThan(12 * 3600 - 5);
    // The attempt is spent and its cookie cleared.
    expect(res.cookies.find((c) => c.name === SIGN_IN_COOKIE)?.value).toBe('');

    const [patient, ...others] = await patientByNhsNumber(ada.nhsNumber);
    expect(others).toEqual([]);
    expect(patient!.identity_level).toBe('P9');
    expect(patient!.oidc_subject_hmac).not.toBeNull();
    const sessions = await t.deps.db.query<{ patient_id: string; identity_level: string }>(
      'SELECT patient_id, identity_level FROM patient_sessions WHERE token_hash = $1',
      [hashSessionToken(session)],
    );
    expect(sessions.rows).toEqual([{ patient_id: patient!.id, identity_level: 'P9' }]);
    const audit = await t.deps.db.query<{ action: string; actor_kind: string; actor_id: string; reason: string }>(
      'SELECT action, actor_kind, actor_id, reason FROM audit_log WHERE chain = $1 ORDER BY position',
      [patientChain(patient!.id)],
    );
    expect(audit.rows).toEqual([
      {
        action: 'patient.sign_in',
        actor_kind: 'service_user',
        actor_id: patient!.id,
        reason: 'identity level P9; sign-in account linked',
      },
    ]);

    // NHS login's client authentication: private_key_jwt, RS512, our kid, the token endpoint as audience.
    const assertion = provider.lastClientAssertion()!;
    expect(assertion.header).toMatchObject({ alg: 'RS512', kid: provider.config.kid });
    expect(assertion.payload).toMatchObject({
      iss: provider.config.clientId,
      sub: provider.config.clientId,
      aud: `${provider.issuer}/token`,
    });

    const answer = await me(session);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({
      identityLevel: 'P9',
      name: `Ada ${ada.familyName}`,
      receivesMessages: true,
    });
  });

  it('finds the same patient at the next sign-in and retires the session the browser held', async () => {
    const ada = person();
    const first = await signedInAs(t, provider, ada.sub);
    const [before] = await patientByNhsNumber(ada.nhsNumber);
    const { res } = await signInThrough(t, provider, { as: ada.sub, session: first });
    const second = cookieValue(res, PATIENT_SESSION_COOKIE)!;
    expect(second).not.toBe(first);
    const after = await patientByNhsNumber(ada.nhsNumber);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before!.id);
    expect((await me(first)).statusCode).toBe(401);
    expect((await me(second)).statusCode).toBe(200);
    const { rows } = await t.deps.db.query<{ reason: string }>(
      `SELECT reason FROM audit_log WHERE chain = $1 AND action = 'patient.sign_in' ORDER BY position`,
      [patientChain(before!.id)],
    );
    expect(rows.map((r) => r.reason)).toEqual(['identity level P9; sign-in account linked', 'identity level P9']);
  });

  it('signs a P5 person in, who does not receive messages', async () => {
    const bea = person({ identityLevel: 'P5', givenName: 'Bea' });
    const session = await signedInAs(t, provider, bea.sub);
    expect((await me(session)).json()).toEqual({
      identityLevel: 'P5',
      name: `Bea ${bea.familyName}`,
      receivesMessages: false,
    });
    expect((await patientByNhsNumber(bea.nhsNumber))[0]!.identity_level).toBe('P5');
  });

  it("takes the provider's level at each sign-in, while each session keeps the level it proved", async () => {
    const nhsNumber = testNhsNumber();
    const p9 = person({ nhsNumber, identityLevel: 'P9' });
    const p9Session = await signedInAs(t, provider, p9.sub);
    // Another account sharing the NHS number at P5: the patient's level follows, and the account link moves.
    const p5 = person({ nhsNumber, identityLevel: 'P5' });
    const p5Session = await signedInAs(t, provider, p5.sub);
    expect((await patientByNhsNumber(nhsNumber))[0]!.identity_level).toBe('P5');
    expect((await me(p5Session)).json()).toMatchObject({ identityLevel: 'P5', receivesMessages: false });
    expect((await me(p9Session)).json()).toMatchObject({ identityLevel: 'P9', receivesMessages: true });
    // The P9 person signing in again restores the level; the P5 session gains nothing from it.
    await signedInAs(t, provider, p9.sub);
    expect((await patientByNhsNumber(nhsNumber))[0]!.identity_level).toBe('P9');
    expect((await me(p5Session)).json()).toMatchObject({ identityLevel: 'P5', receivesMessages: false });
  });

  it('stores and logs no NHS number, email, phone, name, provider subject or token in clear', async () => {
    const cy = person({ givenName: 'Cyrano' });
    const logsBefore = logLines.length;
    const { res, callbackUrl, started } = await signInThrough(t, provider, { as: cy.sub });
    const session = cookieValue(res, PATIENT_SESSION_COOKIE)!;
    await me(session);
    const logged = logLines.slice(logsBefore).join('\n');
    expect(logged).toContain('/api/patient/sign-in/callback');
    const tokens = [
      session,
      started.handle,
      callbackUrl.searchParams.get('code')!,
      callbackUrl.searchParams.get('state')!,
    ];
    for (const secret of [cy.nhsNumber, cy.email, cy.phone, cy.familyName, cy.sub, ...tokens]) {
      expect(logged).not.toContain(secret);
    }
    const secrets = [cy.nhsNumber, cy.email, cy.phone, cy.familyName, cy.sub];
    for (const table of ['patients', 'patient_sessions', 'patient_sign_in_attempts', 'audit_log', 'audit_heads']) {
      const { rows } = await t.deps.db.query<{ t: string }>(`SELECT ${table}::text AS t FROM ${table}`);
      const dump = rows.map((r) => r.t).join('\n');
      for (const secret of secrets) {
        expect(dump).not.toContain(secret);
        // bytea columns print as hex: plaintext stored there would show as its hex.
        expect(dump).not.toContain(Buffer.from(secret, 'utf8').toString('hex'));
      }
    }
  });
});
