import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeService, makeStaff, unique } from '../testing/factories.js';
import { loginAs, sessionCookieFrom } from '../testing/login.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

let clock = new Date('2025-03-03T09:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ now: () => clock });
});
afterAll(async () => {
  await t.close();
});

/** A fresh address per test, so the per-IP throttle of one test never touches another. */
function ip(): string {
  const b = () => Math.floor(Math.random() * 250) + 1;
  return `10.${b()}.${b()}.${b()}`;
}

async function post(url: string, payload: unknown, opts: { cookie?: string; remoteAddress?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url,
    payload: payload as Record<string, unknown>,
    remoteAddress: opts.remoteAddress ?? ip(),
    headers: opts.cookie ? { cookie: opts.cookie } : {},
  });
}

async function member() {
  const org = await makeOrganisation(t.deps);
  const svc = await makeService(t.deps, org.id);
  const staff = await makeStaff(t.deps, org.id, { memberships: [{ serviceId: svc.id, role: 'supervisor' }] });
  return { org, svc, staff };
}

describe('password sign-in', () => {
  it('sets a strict HttpOnly session cookie that /api/staff/me accepts', async () => {
    const { org, svc, staff } = await member();
    const res = await post('/api/staff/login', { email: staff.email, password: staff.password });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mfaRequired: false, mfaSetupRequired: false });
    const raw = String(res.headers['set-cookie']);
    expect(raw).toMatch(/^confide_session=[A-Za-z0-9_-]{43};/);
    expect(raw).toMatch(/HttpOnly/);
    expect(raw).toMatch(/SameSite=Strict/);
    expect(raw).toMatch(/Path=\//);
    expect(raw).not.toMatch(/Secure/); // test config: secureCookies off
    const maxAge = Number(/Max-Age=(\d+)/.exec(raw)?.[1]);
    expect(maxAge).toBeLessThanOrEqual(t.deps.config.sessionAbsoluteHours * 3600);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/staff/me',
      headers: { cookie: sessionCookieFrom(res)! },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      id: staff.id,
      name: staff.name,
      email: staff.email,
      organisation: { id: org.id, name: org.name },
      isOrgAdmin: false,
      mfaEnabled: false,
      services: [{ id: svc.id, name: svc.name, slug: svc.slug, role: 'supervisor', outcomes: svc.outcomes }],
    });
  });

  it('loginAs returns a cookie header for inject', async () => {
    const { staff } = await member();
    const cookie = await loginAs(t.app, staff);
    const me = await t.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie } });
    expect(me.json<{ id: string }>().id).toBe(staff.id);
  });
});

describe('failed sign-in', () => {
  it('answers a wrong password and an unknown email identically', async () => {
    const { staff } = await member();
    const wrong = await post('/api/staff/login', { email: staff.email, password: 'not the password at all' });
    const unknown = await post('/api/staff/login', {
      email: `${unique('nobody')}@example.nhs.uk`,
      password: staff.password,
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ code: 'invalid_credentials', message: 'Email or password is incorrect.' });
    expect(unknown.body).toBe(wrong.body);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('treats email case and surrounding spaces as the same address', async () => {
    const { staff } = await member();
    const res = await post('/api/staff/login', { email: `  ${staff.email.toUpperCase()} `, password: staff.password });
    expect(res.statusCode).toBe(200);
  });

  it('refuses unknown or missing fields with 400', async () => {
    const { staff } = await member();
    const extra = await post('/api/staff/login', { email: staff.email, password: staff.password, remember: true });
    expect(extra.statusCode).toBe(400);
    expect(extra.json<{ code: string }>().code).toBe('invalid');
    const missing = await post('/api/staff/login', { email: staff.email });
    expect(missing.statusCode).toBe(400);
  });

  it('refuses a disabled account with the same answer as a wrong password', async () => {
    const { staff } = await member();
    await t.deps.db.query('UPDATE staff SET disabled = true WHERE id = $1', [staff.id]);
    const res = await post('/api/staff/login', { email: staff.email, password: staff.password });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ code: string }>().code).toBe('invalid_credentials');
  });
});

describe('lockout', () => {
  const max = () => t.deps.config.loginMaxFailures;

  it('locks after N consecutive failures, even for the right password, then unlocks after the lockout', async () => {
    const { staff } = await member();
    for (let i = 0; i < max(); i++) {
      expect((await post('/api/staff/login', { email: staff.email, password: `wrong ${i} password` })).statusCode).toBe(
        401,
      );
    }
    const locked = await post('/api/staff/login', { email: staff.email, password: staff.password });
    expect(locked.statusCode).toBe(429);
    expect(locked.json<{ code: string }>().code).toBe('too_many_requests');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(t.deps.config.loginLockoutMinutes * 60);
    expect(locked.headers['set-cookie']).toBeUndefined();

    clock = new Date(clock.getTime() + (t.deps.config.loginLockoutMinutes - 1) * 60_000);
    expect((await post('/api/staff/login', { email: staff.email, password: staff.password })).statusCode).toBe(429);
    clock = new Date(clock.getTime() + 61_000);
    expect((await post('/api/staff/login', { email: staff.email, password: staff.password })).statusCode).toBe(200);

    const { rows } = await t.deps.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE target_id = $1 AND action LIKE 'staff.login.%' ORDER BY position`,
      [staff.id],
    );
    const actions = rows.map((r) => r.action);
    expect(actions.filter((a) => a === 'staff.login.failure')).toHaveLength(max() + 2);
    expect(actions.filter((a) => a === 'staff.login.lockout')).toHaveLength(1);
    expect(actions.at(-1)).toBe('staff.login.success');
  });

  it('forgives earlier failures after a successful sign-in', async () => {
    const { staff } = await member();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < max() - 1; i++)
        await post('/api/staff/login', { email: staff.email, password: 'wrong password!' });
      expect((await post('/api/staff/login', { email: staff.email, password: staff.password })).statusCode).toBe(200);
    }
  });

  it('locks an unknown email the same way, so lockout does not reveal which emails exist', async () => {
    const email = `${unique('ghost')}@example.nhs.uk`;
    for (let i = 0; i < max(); i++) {
      expect((await post('/api/staff/login', { email, password: 'whatever it is' })).statusCode).toBe(401);
    }
    const res = await post('/api/staff/login', { email, password: 'whatever it is' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('lets no more than N guesses through when they arrive at once', async () => {
    const { staff } = await member();
    const burst = await Promise.all(
      Array.from({ length: max() + 4 }, (_, i) =>
        post('/api/staff/login', { email: staff.email, password: `guess ${i} guess` }),
      ),
    );
    const codes = burst.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(max());
    expect(codes.filter((c) => c !== 401).every((c) => c === 429)).toBe(true);
    expect((await post('/api/staff/login', { email: staff.email, password: staff.password })).statusCode).toBe(429);
  });

  it('throttles one client address that keeps failing, whichever emails it tries', async () => {
    const { staff } = await member();
    const address = ip();
    let status = 401;
    let attempts = 0;
    while (status === 401 && attempts < 200) {
      status = (
        await post(
          '/api/staff/login',
          { email: `${unique('spray')}@example.nhs.uk`, password: 'Winter2025!' },
          { remoteAddress: address },
        )
      ).statusCode;
      attempts++;
    }
    expect(status).toBe(429);
    expect(attempts).toBeGreaterThan(max());
    const blocked = await post(
      '/api/staff/login',
      { email: staff.email, password: staff.password },
      { remoteAddress: address },
    );
    expect(blocked.statusCode).toBe(429);
    expect((await post('/api/staff/login', { email: staff.email, password: staff.password })).statusCode).toBe(200);
  });
});

describe('session fixation', () => {
  it('issues a brand-new token at every sign-in and revokes the cookie presented', async () => {
    const { staff } = await member();
    const first = await loginAs(t.app, staff);
    const again = await post('/api/staff/login', { email: staff.email, password: staff.password }, { cookie: first });
    const second = sessionCookieFrom(again)!;
    expect(second).not.toBe(first);
    const old = await t.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie: first } });
    expect(old.statusCode).toBe(401);
    const fresh = await t.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie: second } });
    expect(fresh.statusCode).toBe(200);
  });
});

describe('audit and storage', () => {
  it('never stores the email, password or token in the audit log or the sessions table', async () => {
    const { staff } = await member();
    await post('/api/staff/login', { email: staff.email, password: 'wrong password here' });
    await post('/api/staff/login', { email: `${unique('nobody')}@example.nhs.uk`, password: staff.password });
    const cookie = await loginAs(t.app, staff);
    const token = cookie.split('=')[1]!;
    const platform = await t.deps.db.query<{ reason: string }>(
      `SELECT reason FROM audit_log WHERE chain = 'platform' AND action = 'staff.login.failure'`,
    );
    expect(platform.rows.map((r) => r.reason)).toContain('unknown account');
    const audit = await t.deps.db.query('SELECT * FROM audit_log');
    const auditText = JSON.stringify(audit.rows);
    expect(auditText).not.toContain(staff.email);
    expect(auditText).not.toContain(staff.password);
    expect(auditText).not.toContain(token);
    const sessions = await t.deps.db.query<{ token_hash: Uint8Array }>('SELECT * FROM sessions WHERE staff_id = $1', [
      staff.id,
    ]);
    const raw = Buffer.concat(sessions.rows.map((r) => Buffer.from(r.token_hash)));
    expect(raw.includes(Buffer.from(token))).toBe(false);
    expect(raw.includes(Buffer.from(token, 'base64url'))).toBe(false);
    expect(JSON.stringify(sessions.rows)).not.toContain(token);
  });

  it('keeps no plaintext email or name in the staff table', async () => {
    const { staff } = await member();
    const { rows } = await t.deps.db.query<Record<string, unknown>>('SELECT * FROM staff WHERE id = $1', [staff.id]);
    for (const value of Object.values(rows[0]!)) {
      const bytes = value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value));
      expect(bytes.includes(Buffer.from(staff.email))).toBe(false);
      expect(bytes.includes(Buffer.from(staff.name))).toBe(false);
    }
  });
});

describe('secure cookies', () => {
  it('adds the Secure flag when config.secureCookies is on', async () => {
    const secure = await buildTestApp({ config: { secureCookies: true } });
    try {
      const org = await makeOrganisation(secure.deps);
      const staff = await makeStaff(secure.deps, org.id);
      const res = await secure.app.inject({
        method: 'POST',
        url: '/api/staff/login',
        payload: { email: staff.email, password: staff.password },
      });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });
});
