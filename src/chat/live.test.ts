import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../app.js';
import { revokeAllSessions } from '../identity/revocation.js';
import { authenticateStaffToken, hashSessionToken } from '../identity/sessions.js';
import { makeStaff, unique } from '../testing/factories.js';
import { loginAs } from '../testing/login.js';
import { LiveClient, type Frame } from '../testing/liveClient.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { testConfig } from '../testing/testDatabase.js';
import { makeInboxParties, startConversationAs } from './testParties.js';

type MessageFrame = Frame & { conversationId?: string; message: { kind: string; text: string; from: string } };

describe('live updates over WebSocket', () => {
  let t: TestApp;
  let base: string;
  let p: Awaited<ReturnType<typeof makeInboxParties>>;
  beforeAll(async () => {
    t = await buildTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    p = await makeInboxParties(t.app, t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  it('a new conversation and its messages reach every open console; replies reach the service user', async () => {
    const nurse = await LiveClient.open(`${base}/api/staff/live`, { cookie: p.nurse.cookie });
    const colleague = await LiveClient.open(`${base}/api/staff/live`, { cookie: p.colleague.cookie });
    const outsider = await LiveClient.open(`${base}/api/staff/live`, { cookie: p.siblingNurse.cookie });
    const subscribed = await t.deps.db.query(
      "SELECT 1 FROM audit_log WHERE action = 'inbox.live_subscribe' AND actor_id = $1 AND ip = '127.0.0.1'",
      [p.nurse.id],
    );
    expect(subscribed.rows.length).toBeGreaterThan(0);
    const { conversationId, token } = await startConversationAs(t.app, p.service, 'Is anyone there?');

    for (const console of [nurse, colleague]) {
      const c = await console.next(
        (f) => f.type === 'conversation' && (f.conversation as { id: string }).id === conversationId,
      );
      expect(c.conversation).toMatchObject({ status: 'open', unreadCount: 1 });
      const m = (await console.next(
        (f) => f.type === 'message' && f.conversationId === conversationId,
      )) as MessageFrame;
      expect(m.message).toMatchObject({ kind: 'message', text: 'Is anyone there?', from: 'service_user' });
    }

    const person = await LiveClient.open(`${base}/api/public/conversation/live`, { token });
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/staff/conversations/${conversationId}/messages`,
      headers: { cookie: p.nurse.cookie },
      payload: { message: 'Yes, this is the school nurse.', clientRef: unique('ref-') },
    });
    expect(reply.statusCode).toBe(201);
    const got = (await person.next(
      (f) => f.type === 'message' && (f as MessageFrame).message.from === 'team',
    )) as MessageFrame;
    expect(got.message.text).toBe('Yes, this is the school nurse.');

    await t.app.inject({
      method: 'POST',
      url: `/api/staff/conversations/${conversationId}/notes`,
      headers: { cookie: p.nurse.cookie },
      payload: { message: 'internal only', clientRef: unique('ref-') },
    });
    await colleague.next((f) => f.type === 'message' && (f as MessageFrame).message.kind === 'note');
    const closed = await t.app.inject({
      method: 'POST',
      url: `/api/staff/conversations/${conversationId}/close`,
      headers: { cookie: p.nurse.cookie },
      payload: { outcome: 'Advice given', recordedInClinicalRecord: false },
    });
    expect(closed.statusCode).toBe(200);
    await person.next((f) => f.type === 'conversation' && f.status === 'closed');
    await t.app.liveHub.idle();
    expect(JSON.stringify(person.frames)).not.toContain('internal only');
    expect(JSON.stringify(outsider.frames)).not.toContain(conversationId);
    for (const c of [nurse, colleague, outsider, person]) c.close();
  });

  it('closes a console at once when its session ends, and every console when all sessions are revoked', async () => {
    const staff = await makeStaff(t.deps, p.org.id, { memberships: [{ serviceId: p.service.id, role: 'clinician' }] });
    const [first, second] = [await loginAs(t.app, staff), await loginAs(t.app, staff)];
    const a = await LiveClient.open(`${base}/api/staff/live`, { cookie: first });
    const b = await LiveClient.open(`${base}/api/staff/live`, { cookie: second });
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/staff/logout',
      headers: { cookie: first },
      payload: {},
    });
    expect(out.statusCode).toBe(204);
    await expect(a.next(() => false, 2000)).rejects.toThrow(/socket closed 4401/);
    expect(b.closed).toBeNull();
    await revokeAllSessions(t.deps, staff.id);
    await expect(b.next(() => false, 2000)).rejects.toThrow(/socket closed 4401/);
  });

  it('a console reconnects when its member is removed from the service, and hears nothing more of it', async () => {
    const staff = await makeStaff(t.deps, p.org.id, { memberships: [{ serviceId: p.service.id, role: 'clinician' }] });
    const console = await LiveClient.open(`${base}/api/staff/live`, { cookie: await loginAs(t.app, staff) });
    const removed = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/staff/${staff.id}/memberships`,
      headers: { cookie: p.orgAdmin.cookie },
      payload: { memberships: [] },
    });
    expect(removed.statusCode).toBe(200);
    await expect(console.next(() => false, 2000)).rejects.toThrow(/socket closed 4000/);
  });

  it('a live console does not keep an idle session alive', async () => {
    const staff = await makeStaff(t.deps, p.org.id, { memberships: [{ serviceId: p.service.id, role: 'clinician' }] });
    const cookie = await loginAs(t.app, staff);
    const token = cookie.split('=')[1]!;
    const seen = async () =>
      (
        await t.deps.db.query<{ last_seen_at: Date }>('SELECT last_seen_at FROM sessions WHERE token_hash = $1', [
          hashSessionToken(token),
        ])
      ).rows[0]!.last_seen_at.getTime();
    const before = await seen();
    await new Promise((r) => setTimeout(r, 5));
    const clock = t.deps.now;
    t.deps.now = () => new Date(clock().getTime() + 5 * 60_000);
    try {
      expect(await authenticateStaffToken(t.deps, token, null, { touch: false })).not.toBeNull();
      expect(await seen()).toBe(before);
      expect(await authenticateStaffToken(t.deps, token, null)).not.toBeNull();
      expect(await seen()).toBeGreaterThan(before);
    } finally {
      t.deps.now = clock;
    }
  });

  it('refuses a staff socket without a session and a public socket with a bad token', async () => {
    await expect(LiveClient.open(`${base}/api/staff/live`)).rejects.toThrow(/4401/);
    await expect(
      LiveClient.open(`${base}/api/staff/live`, { cookie: p.nurse.cookie, origin: 'https://evil.example' }),
    ).rejects.toThrow(/4403/);
    await expect(LiveClient.open(`${base}/api/public/conversation/live`, { token: 'A'.repeat(43) })).rejects.toThrow(
      /4401 invalid_token/,
    );
  });
});

// Two nodes sharing one database and a NATS bus: a message posted on one reaches a socket on the other.
const natsUrl = process.env.CONFIDE_TEST_NATS_URL;
describe.skipIf(!natsUrl)('live updates across nodes through NATS', () => {
  it('fans out from node A to a console on node B', async () => {
    const a = await buildTestApp({ config: { natsUrl: natsUrl! } });
    const b = await build(
      { ...testConfig({ natsUrl: natsUrl! }), masterKey: a.deps.config.masterKey },
      { db: a.deps.db },
    );
    try {
      await b.listen({ host: '127.0.0.1', port: 0 });
      const p = await makeInboxParties(a.app, a.deps);
      const cookieOnB = await loginAs(b, p.nurse);
      const console = await LiveClient.open(
        `ws://127.0.0.1:${(b.server.address() as AddressInfo).port}/api/staff/live`,
        { cookie: cookieOnB },
      );
      const { conversationId } = await startConversationAs(a.app, p.service, 'via node A');
      const m = (await console.next(
        (f) => f.type === 'message' && f.conversationId === conversationId,
      )) as MessageFrame;
      expect(m.message.text).toBe('via node A');
      console.close();
    } finally {
      await b.close();
      await a.close();
    }
  });
});
