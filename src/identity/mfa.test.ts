import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeService, makeStaff } from '../testing/factories.js';
import { loginAs, sessionCookieFrom } from '../testing/login.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { totpCode } from './totp.js';

let clock = new Date('2025-03-03T09:00:10Z');
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ now: () => clock });
});
afterAll(async () => {
  await t.close();
});

function advanceSeconds(seconds: number): void {
  clock = new Date(clock.getTime() + seconds * 1000);
}

async function post(url: string, cookie: string | null, payload: Record<string, unknown> = {}) {
  return t.app.inject({ method: 'POST', url, payload, headers: cookie ? { cookie } : {} });
}
const get = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });

async function member(requireMfa = false) {
  const org = await makeOrganisation(t.deps, { requireMfa });
  const svc = await makeService(t.deps, org.id);
  const staff = await makeStaff(t.deps, org.id, { memberships: [{ serviceId: svc.id, role: 'clinician' }] });
  return { org, svc, staff };
}

/** Sets up and enables TOTP from a signed-in session; returns the secret and the rotated cookie. */
async function enableTotp(cookie: string): Promise<{ secret: string; cookie: string }> {
  const setup = await post('/api/staff/mfa/setup', cookie);
  expect(setup.statusCode).toBe(200);
  const { secret } = setup.json<{ secret: string }>();
  const enabled = await post('/api/staff/mfa/enable', cookie, { code: totpCode(secret, clock) });
  expect(enabled.statusCode).toBe(200);
  return { secret, cookie: sessionCookieFrom(enabled)! };
}

describe('TOTP set-up and sign-in', () => {
  it('setup → enable → sign-in needs the code → wrong code refused → right code works → replay refused', async () => {
    const { staff, org } = await member();
    const first = await loginAs(t.app, staff);

    const setup = await post('/api/staff/mfa/setup', first);
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl } = setup.json<{ secret: string; otpauthUrl: string }>();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Confide:.*secret=[A-Z2-7]{32}/);
    expect(otpauthUrl).toContain('algorithm=SHA1&digits=6&period=30');
    const stored = await t.deps.db.query<{ totp_secret_enc: Uint8Array; totp_enabled: boolean }>(
      'SELECT totp_secret_enc, totp_enabled FROM staff WHERE id = $1',
      [staff.id],
    );
    expect(stored.rows[0]!.totp_enabled).toBe(false);
    expect(Buffer.from(stored.rows[0]!.totp_secret_enc).includes(Buffer.from(secret))).toBe(false);
    expect(await t.deps.keyring.decrypt(stored.rows[0]!.totp_secret_enc)).toBe(secret);

    const wrongEnable = await post('/api/staff/mfa/enable', first, {
      code: '000000' === totpCode(secret, clock) ? '111111' : '000000',
    });
    expect(wrongEnable.statusCode).toBe(400);
    expect(wrongEnable.json<{ code: string }>().code).toBe('invalid_code');

    const enabled = await post('/api/staff/mfa/enable', first, { code: totpCode(secret, clock) });
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json<{ mfaEnabled: boolean }>().mfaEnabled).toBe(true);
    const afterEnable = sessionCookieFrom(enabled)!;
    expect(afterEnable).not.toBe(first);
    expect((await get('/api/staff/me', first)).statusCode).toBe(401);
    expect((await get('/api/staff/me', afterEnable)).statusCode).toBe(200);
    expect((await post('/api/staff/mfa/setup', afterEnable)).statusCode).toBe(409);

    advanceSeconds(30);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/staff/login',
      payload: { email: staff.email, password: staff.password },
    });
    expect(login.json()).toEqual({ mfaRequired: true, mfaSetupRequired: false });
    const pending = sessionCookieFrom(login)!;
    const blocked = await get('/api/staff/me', pending);
    expect(blocked.statusCode).toBe(401);
    expect(blocked.json<{ code: string }>().code).toBe('mfa_required');
    expect((await get('/api/staff/sessions', pending)).statusCode).toBe(401);

    const right = totpCode(secret, clock);
    const wrong = await post('/api/staff/login/mfa', pending, { code: right === '123456' ? '654321' : '123456' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<{ code: string }>().code).toBe('invalid_code');

    const ok = await post('/api/staff/login/mfa', pending, { code: right });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ id: string }>().id).toBe(staff.id);
    const full = sessionCookieFrom(ok)!;
    expect(full).not.toBe(pending); // rotated as the session gains MFA
    expect((await get('/api/staff/me', pending)).statusCode).toBe(401);
    expect((await get('/api/staff/me', full)).statusCode).toBe(200);

    // The same code again (still inside its 30 s and the ±1 window) is refused, even a step later.
    advanceSeconds(30);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/staff/login',
      payload: { email: staff.email, password: staff.password },
    });
    const pending2 = sessionCookieFrom(again)!;
    const replay = await post('/api/staff/login/mfa', pending2, { code: right });
    expect(replay.statusCode).toBe(401);
    const fresh = await post('/api/staff/login/mfa', pending2, { code: totpCode(secret, clock) });
    expect(fresh.statusCode).toBe(200);

    const { rows } = await t.deps.db.query<{ action: string; reason: string | null }>(
      `SELECT action, reason FROM audit_log WHERE chain = $1 AND action LIKE '%mfa%' ORDER BY position`,
      [org.id],
    );
    expect(rows.map((r) => `${r.action}${r.reason ? ` (${r.reason})` : ''}`)).toEqual([
      'staff.mfa.setup',
      'staff.mfa.enable_failure (wrong_code)',
      'staff.mfa.enable',
      'staff.login.mfa_failure (wrong_code)',
      'staff.login.mfa_success',
      'staff.login.mfa_failure (replayed_code)',
      'staff.login.mfa_success',
    ]);
    expect(JSON.stringify(rows)).not.toContain(right);
  });

  it('loginAs completes the MFA step when given the secret', async () => {
    const { staff } = await member();
    const { secret } = await enableTotp(await loginAs(t.app, staff));
    advanceSeconds(30);
    const cookie = await loginAs(t.app, { ...staff, totpSecret: secret });
    expect((await get('/api/staff/sessions', cookie)).statusCode).toBe(200);
  });

  it('counts wrong codes towards the lockout, and a right password does not reset them', async () => {
    const { staff } = await member();
    const { secret } = await enableTotp(await loginAs(t.app, staff));
    const max = t.deps.config.loginMaxFailures;
    const bad = totpCode(secret, clock) === '000000' ? '999999' : '000000';
    let pending = '';
    for (let i = 0; i < max; i++) {
      // A fresh password sign-in between guesses must not give the guesser a fresh allowance.
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/staff/login',
        payload: { email: staff.email, password: staff.password },
      });
      expect(login.statusCode).toBe(200);
      pending = sessionCookieFrom(login)!;
      expect((await post('/api/staff/login/mfa', pending, { code: bad })).statusCode).toBe(401);
    }
    advanceSeconds(30);
    const locked = await post('/api/staff/login/mfa', pending, { code: totpCode(secret, clock) });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
    const password = await t.app.inject({
      method: 'POST',
      url: '/api/staff/login',
      payload: { email: staff.email, password: staff.password },
    });
    expect(password.statusCode).toBe(429);
  });

  it('lets a password-only session wait for its code for a few minutes, not a whole idle period', async () => {
    const { staff } = await member();
    const { secret } = await enableTotp(await loginAs(t.app, staff));
    advanceSeconds(30);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/staff/login',
      payload: { email: staff.email, password: staff.password },
    });
    const pending = sessionCookieFrom(login)!;
    advanceSeconds(11 * 60);
    const late = await post('/api/staff/login/mfa', pending, { code: totpCode(secret, clock) });
    expect(late.statusCode).toBe(401);
    expect(late.json<{ code: string }>().code).toBe('unauthenticated');
  });
});

describe('organisation requires MFA', () => {
  it('allows only set-up, me and logout until TOTP is enabled', async () => {
    const { staff } = await member(true);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/staff/login',
      payload: { email: staff.email, password: staff.password },
    });
    expect(login.json()).toEqual({ mfaRequired: false, mfaSetupRequired: true });
    const cookie = sessionCookieFrom(login)!;

    const sessions = await get('/api/staff/sessions', cookie);
    expect(sessions.statusCode).toBe(403);
    expect(sessions.json<{ code: string }>().code).toBe('mfa_setup_required');
    // Routes of other domains are refused the same way, whether or not they exist yet.
    expect((await get('/api/staff/conversations?view=mine', cookie)).statusCode).toBe(403);
    expect((await get('/api/admin/services', cookie)).statusCode).toBe(403);
    const meRes = await get('/api/staff/me', cookie);
    expect(meRes.statusCode).toBe(200);
    expect(meRes.json<{ mfaEnabled: boolean }>().mfaEnabled).toBe(false);

    const { cookie: full } = await enableTotp(cookie);
    expect(full).not.toBe(cookie);
    expect((await get('/api/staff/sessions', full)).statusCode).toBe(200);
    expect((await get('/api/staff/me', cookie)).statusCode).toBe(401);
  });

  it('refuses enabling before set-up has started', async () => {
    const { staff } = await member(true);
    const cookie = await loginAs(t.app, staff);
    const res = await post('/api/staff/mfa/enable', cookie, { code: '123456' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ code: string }>().code).toBe('mfa_setup_not_started');
  });
});

describe('code input', () => {
  it('refuses malformed codes and unknown fields with 400 before any check', async () => {
    const { staff } = await member();
    const cookie = await loginAs(t.app, staff);
    await post('/api/staff/mfa/setup', cookie);
    for (const payload of [{ code: '12345' }, { code: 'abcdef' }, { code: '123456', trust: true }, {}]) {
      expect((await post('/api/staff/mfa/enable', cookie, payload)).statusCode).toBe(400);
    }
    expect((await post('/api/staff/mfa/setup', cookie, { extra: 1 })).statusCode).toBe(400);
  });

  it('answers /login/mfa without a waiting sign-in with 401', async () => {
    const { staff } = await member();
    const cookie = await loginAs(t.app, staff);
    expect((await post('/api/staff/login/mfa', cookie, { code: '123456' })).statusCode).toBe(401);
    expect((await post('/api/staff/login/mfa', null, { code: '123456' })).statusCode).toBe(401);
  });
});
