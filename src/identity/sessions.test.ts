import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeService, makeStaff } from '../testing/factories.js';
import { loginAs, sessionCookieFrom } from '../testing/login.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { revokeAllSessions } from './revocation.js';
import { authenticateStaffToken, hashSessionToken } from './sessions.js';

let clock = new Date('2025-03-03T09:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ now: () => clock });
});
afterAll(async () => {
  await t.close();
});

function advance(minutes: number): void {
  clock = new Date(clock.getTime() + minutes * 60_000);
}

async function member() {
  const org = await makeOrganisation(t.deps);
  const svc = await makeService(t.deps, org.id);
  const staff = await makeStaff(t.deps, org.id, { memberships: [{ serviceId: svc.id, role: 'clinician' }] });
  return { org, svc, staff };
}

const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie } });
const tokenOf = (cookie: string) => cookie.split('=')[1]!;

describe('timeouts', () => {
  it('ends a session left idle for longer than sessionIdleMinutes', async () => {
    const { staff } = await member();
    const idle = t.deps.config.sessionIdleMinutes;
    const cookie = await loginAs(t.app, staff);
    advance(idle - 1);
    expect((await me(cookie)).statusCode).toBe(200);
    advance(idle - 1); // measured from the last request, not from sign-in
    expect((await me(cookie)).statusCode).toBe(200);
    advance(idle + 1);
    const res = await me(cookie);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: 'unauthenticated', message: 'Sign in to continue.' });
  });

  it('writes last_seen_at at most once a minute', async () => {
    const { staff } = await member();
    const cookie = await loginAs(t.app, staff);
    const hash = hashSessionToken(tokenOf(cookie));
    const seen = async () =>
      new Date(
        (
          await t.deps.db.query<{ last_seen_at: Date }>('SELECT last_seen_at FROM sessions WHERE token_hash = $1', [
            hash,
          ])
        ).rows[0]!.last_seen_at,
      ).getTime();
    const signedIn = clock.getTime();
    advance(0.5);
    await me(cookie);
    expect(await seen()).toBe(signedIn);
    advance(0.6);
    await me(cookie);
    expect(await seen()).toBe(clock.getTime());
  });

  it('ends every session at sessionAbsoluteHours however active it is', async () => {
    const { staff } = await member();
    const cookie = await loginAs(t.app, staff);
    const step = t.deps.config.sessionIdleMinutes - 1;
    const total = t.deps.config.sessionAbsoluteHours * 60;
    let elapsed = 0;
    while (elapsed + step < total) {
      advance(step);
      elapsed += step;
      expect((await me(cookie)).statusCode).toBe(200);
    }
    advance(total - elapsed);
    expect((await me(cookie)).statusCode).toBe(401);
  });
});

describe('logout and revocation', () => {
  it('logout revokes the session and clears the cookie', async () => {
    const { staff } = await member();
    const cookie = await loginAs(t.app, staff);
    const res = await t.app.inject({ method: 'POST', url: '/api/staff/logout', headers: { cookie }, payload: {} });
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/^confide_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await me(cookie)).statusCode).toBe(401);
    const { rows } = await t.deps.db.query<{ revoked_at: Date | null }>(
      'SELECT revoked_at FROM sessions WHERE token_hash = $1',
      [hashSessionToken(tokenOf(cookie))],
    );
    expect(rows[0]!.revoked_at).not.toBeNull();
    // Signing out twice, or with no session at all, is not an error.
    const again = await t.app.inject({ method: 'POST', url: '/api/staff/logout', headers: { cookie }, payload: {} });
    expect(again.statusCode).toBe(204);
  });

  it('lists own sessions and revokes another of them', async () => {
    const { staff } = await member();
    const laptop = await loginAs(t.app, staff);
    advance(1);
    const desktop = await loginAs(t.app, staff);
    const list = await t.app.inject({ method: 'GET', url: '/api/staff/sessions', headers: { cookie: desktop } });
    expect(list.statusCode).toBe(200);
    const { sessions } = list.json<{
      sessions: { id: string; current: boolean; createdAt: string; lastSeenAt: string; expiresAt: string }[];
    }>();
    expect(sessions).toHaveLength(2);
    expect(sessions[0]!.id).toMatch(/^[0-9a-f]{16}$/);
    expect(sessions[0]).toEqual({
      id: sessions[0]!.id,
      createdAt: clock.toISOString(),
      lastSeenAt: clock.toISOString(),
      expiresAt: new Date(clock.getTime() + t.deps.config.sessionAbsoluteHours * 3_600_000).toISOString(),
      current: true,
    });
    const other = sessions.find((s) => !s.current)!;
    expect(list.body).not.toContain(tokenOf(laptop));
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/staff/sessions/${other.id}`,
      headers: { cookie: desktop },
      payload: {},
    });
    expect(del.statusCode).toBe(204);
    expect((await me(laptop)).statusCode).toBe(401);
    expect((await me(desktop)).statusCode).toBe(200);
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/api/staff/sessions/${other.id}`,
      headers: { cookie: desktop },
      payload: {},
    });
    expect(again.statusCode).toBe(404);
  });

  it("cannot revoke another person's session (404, as if it did not exist)", async () => {
    const a = await member();
    const b = await makeStaff(t.deps, a.org.id, { memberships: [{ serviceId: a.svc.id, role: 'supervisor' }] });
    const mine = await loginAs(t.app, a.staff);
    const theirs = await loginAs(t.app, b);
    const list = await t.app.inject({ method: 'GET', url: '/api/staff/sessions', headers: { cookie: theirs } });
    const theirId = list.json<{ sessions: { id: string }[] }>().sessions[0]!.id;
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/staff/sessions/${theirId}`,
      headers: { cookie: mine },
      payload: {},
    });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ code: string }>().code).toBe('not_found');
    expect((await me(theirs)).statusCode).toBe(200);
  });

  it('revokeAllSessions signs someone out everywhere and is audited', async () => {
    const { staff, org } = await member();
    const one = await loginAs(t.app, staff);
    const two = await loginAs(t.app, staff);
    expect(await revokeAllSessions(t.deps, staff.id)).toBe(2);
    expect((await me(one)).statusCode).toBe(401);
    expect((await me(two)).statusCode).toBe(401);
    const { rows } = await t.deps.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE chain = $1 AND target_id = $2 AND action = 'staff.session.revoke_all'`,
      [org.id, staff.id],
    );
    expect(rows).toHaveLength(1);
  });

  it('refuses the session of an account disabled after sign-in', async () => {
    const { staff } = await member();
    const cookie = await loginAs(t.app, staff);
    await t.deps.db.query('UPDATE staff SET disabled = true WHERE id = $1', [staff.id]);
    expect((await me(cookie)).statusCode).toBe(401);
  });
});

describe('authenticateStaffToken (for the WebSocket)', () => {
  it('gives the roles of a fully signed-in session and null for anything else', async () => {
    const { staff, svc, org } = await member();
    const cookie = await loginAs(t.app, staff);
    const ctx = await authenticateStaffToken(t.deps, tokenOf(cookie), '10.0.0.9');
    expect(ctx).toEqual({
      staffId: staff.id,
      organisationId: org.id,
      isOrgAdmin: false,
      roles: new Map([[svc.id, 'clinician']]),
      ip: '10.0.0.9',
    });
    expect(await authenticateStaffToken(t.deps, 'x'.repeat(43))).toBeNull();
    expect(await authenticateStaffToken(t.deps, 'not a token')).toBeNull();
  });
});

describe('CSRF', () => {
  it('refuses a cookie-carrying write that is not JSON', async () => {
    const { staff } = await member();
    const cookie = await loginAs(t.app, staff);
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/staff/logout',
        headers: { cookie, 'content-type': contentType },
        payload: '{}',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json<{ code: string }>().code).toBe('json_required');
    }
    const bare = await t.app.inject({
      method: 'DELETE',
      url: '/api/staff/sessions/0123456789abcdef',
      headers: { cookie },
    });
    expect(bare.statusCode).toBe(415);
    const admin = await t.app.inject({
      method: 'PATCH',
      url: '/api/admin/services/x',
      headers: { cookie, 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(admin.statusCode).toBe(415);
    expect((await me(cookie)).statusCode).toBe(200); // nothing was done
  });

  it('refuses writes marked cross-site by the browser and accepts JSON with a charset', async () => {
    const { staff } = await member();
    const cookie = await loginAs(t.app, staff);
    const cross = await t.app.inject({
      method: 'POST',
      url: '/api/staff/logout',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
      payload: {},
    });
    expect(cross.statusCode).toBe(403);
    expect(cross.json<{ code: string }>().code).toBe('cross_site_request');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/staff/logout',
      headers: { cookie, 'content-type': 'application/json; charset=utf-8', 'sec-fetch-site': 'same-origin' },
      payload: '{}',
    });
    expect(ok.statusCode).toBe(204);
  });
});

describe('cookie handling', () => {
  it('ignores a malformed or unknown cookie on public routes and answers 401 on staff routes', async () => {
    expect((await me('confide_session=garbage')).statusCode).toBe(401);
    const health = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { cookie: 'confide_session=garbage' },
    });
    expect(health.statusCode).toBe(200);
    expect(sessionCookieFrom(health)).toBeNull();
  });
});
