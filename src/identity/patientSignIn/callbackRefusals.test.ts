import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNhsNumber } from '../../outbound/testSenders.js';
import { startOidcProvider, type TestAccount, type TestOidcProvider } from '../../testing/oidcProvider.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { hashSessionToken } from '../sessions.js';
import { PATIENT_SESSION_COOKIE } from './patientSessions.js';
import { SIGN_IN_COOKIE } from './signInAttempts.js';
import { callback, cookieValue, signInThrough, startAt } from './testSignIn.js';

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

function account(overrides: Partial<TestAccount> = {}): string {
  return provider.addAccount({ nhsNumber: testNhsNumber(), identityLevel: 'P9', familyName: 'Tester', ...overrides });
}

/** Rows a sign-in writes; a refused callback must leave every count as it was. */
async function written(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['patients', 'patient_sessions', 'audit_log']) {
    const { rows } = await t.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = rows[0]!.n;
  }
  return counts;
}

async function expectRefused(
  run: () => Promise<{ statusCode: number; json: () => unknown; cookies: { name: string; value: string }[] }>,
  status: number,
  code: string,
): Promise<void> {
  const before = await written();
  const res = await run();
  expect(res.statusCode).toBe(status);
  expect(res.json()).toMatchObject({ code });
  expect(res.cookies.some((c) => c.name === PATIENT_SESSION_COOKIE && c.value !== '')).toBe(false);
  expect(await written()).toEqual(before);
}

describe('a callback that does not complete a sign-in', () => {
  it('refuses a tampered state with 400 and writes nothing', async () => {
    const started = await startAt(t);
    const url = await provider.browse(started.authorizationUrl.href, { as: account() });
    url.searchParams.set('state', `${url.searchParams.get('state')}x`);
    await expectRefused(() => callback(t, url, { handle: started.handle }), 400, 'sign_in_failed');
    // The attempt was spent by the refused callback: the genuine state cannot be tried after it.
    const { rowCount } = await t.deps.db.query('SELECT 1 FROM patient_sign_in_attempts WHERE handle_hash = $1', [
      hashSessionToken(started.handle),
    ]);
    expect(rowCount).toBe(0);
  });

  it('refuses a replayed callback, and the provider refuses a replayed code', async () => {
    const started = await startAt(t);
    const [attempt] = (
      await t.deps.db.query<Record<string, unknown>>('SELECT * FROM patient_sign_in_attempts WHERE handle_hash = $1', [
        hashSessionToken(started.handle),
      ])
    ).rows;
    const url = await provider.browse(started.authorizationUrl.href, { as: account() });
    const first = await callback(t, url, { handle: started.handle });
    expect(first.statusCode).toBe(302);
    // The browser replays the same redirect: the attempt is gone.
    await expectRefused(() => callback(t, url, { handle: started.handle }), 400, 'sign_in_expired');
    // Even with the attempt put back (as if stolen before use), the code is spent at the provider.
    await t.deps.db.query(
      `INSERT INTO patient_sign_in_attempts (handle_hash, state, nonce, code_verifier, expires_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [attempt!.handle_hash, attempt!.state, attempt!.nonce, attempt!.code_verifier, attempt!.expires_at],
    );
    await expectRefused(() => callback(t, url, { handle: started.handle }), 400, 'sign_in_failed');
  });

  it('refuses an ID token whose nonce is not the one this sign-in stored', async () => {
    // A meddling browser (or an attacker injecting their own code) changes the nonce it sends: the
    // provider signs what it was sent, and the callback checks it against the stored one.
    await expectRefused(
      async () =>
        (
          await signInThrough(t, provider, {
            as: account(),
            tamper: (u) => u.searchParams.set('nonce', 'n-0S6_WzA2Mj-chosen-by-someone-else'),
          })
        ).res,
      400,
      'sign_in_failed',
    );
  });

  it('refuses a code obtained with another PKCE challenge', async () => {
    await expectRefused(
      async () =>
        (
          await signInThrough(t, provider, {
            as: account(),
            tamper: (u) => u.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'),
          })
        ).res,
      400,
      'sign_in_failed',
    );
  });

  it('refuses a person whose provider shares no NHS number, or an invalid one', async () => {
    const noNumber = provider.addAccount({ identityLevel: 'P0', email: 'p0@example.com' });
    await expectRefused(
      async () => (await signInThrough(t, provider, { as: noNumber })).res,
      400,
      'nhs_number_missing',
    );
    const valid = testNhsNumber();
    const invalid = account({ nhsNumber: `${valid.slice(0, 9)}${(Number(valid[9]) + 1) % 10}` });
    await expectRefused(async () => (await signInThrough(t, provider, { as: invalid })).res, 400, 'nhs_number_invalid');
  });

  it('refuses a sign-in cancelled at the provider', async () => {
    await expectRefused(async () => (await signInThrough(t, provider, { as: 'deny' })).res, 400, 'sign_in_cancelled');
  });

  it('refuses a callback without its cookie, with another browser’s, or after 10 minutes', async () => {
    const started = await startAt(t);
    const url = await provider.browse(started.authorizationUrl.href, { as: account() });
    const other = await startAt(t);
    await expectRefused(() => callback(t, url, {}), 400, 'sign_in_expired');
    await expectRefused(() => callback(t, url, { handle: 'not-a-handle' }), 400, 'sign_in_expired');
    await expectRefused(() => callback(t, url, { handle: other.handle }), 400, 'sign_in_failed');

    const late = await startAt(t);
    const lateUrl = await provider.browse(late.authorizationUrl.href, { as: account() });
    clock = new Date(clock.getTime() + 10 * 60_000 + 1000);
    await expectRefused(() => callback(t, lateUrl, { handle: late.handle }), 400, 'sign_in_expired');
  });

  it('sweeps expired attempts when new ones start', async () => {
    const old = await startAt(t);
    clock = new Date(clock.getTime() + 11 * 60_000);
    await startAt(t);
    const { rowCount } = await t.deps.db.query('SELECT 1 FROM patient_sign_in_attempts WHERE handle_hash = $1', [
      hashSessionToken(old.handle),
    ]);
    expect(rowCount).toBe(0);
  });

  it('clears the sign-in cookie on a refused callback', async () => {
    const started = await startAt(t);
    const url = await provider.browse(started.authorizationUrl.href, { as: 'deny' });
    const res = await callback(t, url, { handle: started.handle });
    expect(res.statusCode).toBe(400);
    expect(res.cookies.find((c) => c.name === SIGN_IN_COOKIE)?.value).toBe('');
    expect(cookieValue(res, PATIENT_SESSION_COOKIE)).toBeNull();
  });
});
