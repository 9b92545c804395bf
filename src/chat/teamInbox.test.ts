import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../platform/audit/auditLog.js';
import { unique } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { makeInboxParties, startConversationAs } from './testParties.js';

type Summary = {
  id: string;
  status: string;
  assignedTo: { id: string } | null;
  waitingSince: string | null;
  responseDueAt: string | null;
  unreadCount: number;
  outcome: string | null;
};
type Detail = Summary & {
  messages: { kind: string; from: string; text: string; author: { name: string } | null; seq: number }[];
};

describe('team inbox', () => {
  let t: TestApp;
  let p: Awaited<ReturnType<typeof makeInboxParties>>;
  beforeAll(async () => {
    t = await buildTestApp();
    p = await makeInboxParties(t.app, t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (cookie: string) => ({
    get: (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } }),
    post: (url: string, payload: unknown = {}) =>
      t.app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object }),
  });
  const auditEntries = async (conversationId: string) =>
    (
      await t.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE chain = $1', [
        `conversation:${conversationId}`,
      ])
    ).rows[0]!.n;
  const publicGet = (token: string) =>
    t.app.inject({ method: 'GET', url: '/api/public/conversation', headers: { authorization: `Bearer ${token}` } });

  it('takes a conversation from the queue to closed, and reopens it when the person writes again', async () => {
    const { conversationId: id, token } = await startConversationAs(t.app, p.service, 'I am worried about my friend');
    const nurse = as(p.nurse.cookie);

    const unassigned = (await nurse.get(`/api/staff/conversations?view=unassigned`)).json<{
      conversations: Summary[];
    }>();
    const row = unassigned.conversations.find((c) => c.id === id)!;
    expect(row).toMatchObject({ status: 'open', assignedTo: null, unreadCount: 1 });
    expect(row.waitingSince).not.toBeNull();
    expect(row.responseDueAt).not.toBeNull();

    expect((await nurse.post(`/api/staff/conversations/${id}/claim`)).json<Summary>().assignedTo?.id).toBe(p.nurse.id);
    const mine = (await nurse.get('/api/staff/conversations?view=mine')).json<{ conversations: Summary[] }>();
    expect(mine.conversations.map((c) => c.id)).toContain(id);

    // A colleague cannot take it over; a supervisor can transfer it.
    const grab = await as(p.colleague.cookie).post(`/api/staff/conversations/${id}/claim`);
    expect(grab.statusCode).toBe(409);
    const transfer = await as(p.supervisor.cookie).post(`/api/staff/conversations/${id}/assign`, {
      staffId: p.colleague.id,
    });
    expect(transfer.statusCode).toBe(200);
    expect(transfer.json<Summary>().assignedTo?.id).toBe(p.colleague.id);

    const colleague = as(p.colleague.cookie);
    const reply = await colleague.post(`/api/staff/conversations/${id}/messages`, {
      message: 'Thanks for telling us. Is your friend safe right now?',
      clientRef: unique('ref-'),
    });
    expect(reply.statusCode).toBe(201);
    const note = await colleague.post(`/api/staff/conversations/${id}/notes`, {
      message: 'Possible safeguarding concern; discuss at huddle.',
      clientRef: unique('ref-'),
    });
    expect(note.statusCode).toBe(201);

    const seen = (await publicGet(token)).json<{
      messages: { from: string; text: string; authorName: string | null }[];
    }>();
    expect(seen.messages.map((m) => m.from)).toEqual(['you', 'system', 'team']);
    expect(seen.messages[2]).toMatchObject({ authorName: p.colleague.name });
    expect(JSON.stringify(seen)).not.toContain('safeguarding concern');

    const detail = (await colleague.get(`/api/staff/conversations/${id}`)).json<Detail>();
    expect(detail.waitingSince).toBeNull();
    expect(detail.messages.map((m) => m.kind)).toEqual(['message', 'auto_ack', 'event', 'event', 'message', 'note']);

    // Closing needs an outcome from the service's list.
    expect(
      (await colleague.post(`/api/staff/conversations/${id}/close`, { recordedInClinicalRecord: true })).statusCode,
    ).toBe(400);
    const blank = await colleague.post(`/api/staff/conversations/${id}/close`, {
      outcome: ' ',
      recordedInClinicalRecord: true,
    });
    expect(blank.json()).toMatchObject({ code: 'outcome_required' });
    const unknown = await colleague.post(`/api/staff/conversations/${id}/close`, {
      outcome: 'Made up',
      recordedInClinicalRecord: true,
    });
    expect(unknown.json()).toMatchObject({ code: 'unknown_outcome' });
    const closed = await colleague.post(`/api/staff/conversations/${id}/close`, {
      outcome: 'Safeguarding referral',
      recordedInClinicalRecord: true,
    });
    expect(closed.json<Summary>()).toMatchObject({ status: 'closed', outcome: 'Safeguarding referral' });
    const replyClosed = await colleague.post(`/api/staff/conversations/${id}/messages`, {
      message: 'hello?',
      clientRef: unique('ref-'),
    });
    expect(replyClosed.statusCode).toBe(409);

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/public/conversation/messages',
      headers: { authorization: `Bearer ${token}` },
      payload: { message: 'One more thing', clientRef: unique('ref-') },
    });
    expect(again.statusCode).toBe(201);
    const reopened = (await colleague.get(`/api/staff/conversations/${id}`)).json<Detail>();
    expect(reopened).toMatchObject({ status: 'open', outcome: null, assignedTo: { id: p.colleague.id } });
    expect(reopened.waitingSince).not.toBeNull();
    // The whole history verifies, including the conversation's own chain opened at its start.
    const chains = await t.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE chain = $1', [
      `conversation:${id}`,
    ]);
    expect(chains.rows[0]!.n).toBeGreaterThan(5);
    expect(await verifyAudit(t.deps.db, await t.deps.keyring.auditKey())).toMatchObject({ ok: true });
  });

  it('answers a repeated staff message with the first one, and refuses a reused reference', async () => {
    const { conversationId: id } = await startConversationAs(t.app, p.service, 'Retry test');
    const nurse = as(p.nurse.cookie);
    const clientRef = unique('ref-');
    const first = await nurse.post(`/api/staff/conversations/${id}/messages`, { message: 'Hello there', clientRef });
    const again = await nurse.post(`/api/staff/conversations/${id}/messages`, { message: 'Hello there', clientRef });
    expect(again.statusCode).toBe(201);
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    const auditedBefore = await auditEntries(id);
    const reused = await nurse.post(`/api/staff/conversations/${id}/notes`, { message: 'Hello there', clientRef });
    expect(reused.statusCode).toBe(409);
    // The message, its read marker and its audit entry are one statement: a refused write leaves none of them.
    expect(await auditEntries(id)).toBe(auditedBefore);
    // A retry that arrives after the conversation was closed still gets its first answer.
    await nurse.post(`/api/staff/conversations/${id}/close`, {
      outcome: 'Advice given',
      recordedInClinicalRecord: false,
    });
    const late = await nurse.post(`/api/staff/conversations/${id}/messages`, { message: 'Hello there', clientRef });
    expect(late.statusCode).toBe(201);
    expect(late.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    expect(
      (await nurse.post(`/api/staff/conversations/${id}/messages`, { message: 'New', clientRef: unique('ref-') }))
        .statusCode,
    ).toBe(409);
    const detail = (await nurse.get(`/api/staff/conversations/${id}`)).json<Detail>();
    expect(detail.messages.filter((m) => m.text === 'Hello there')).toHaveLength(1);
    expect(detail.messages.some((m) => m.text === 'New')).toBe(false);
  });

  it('counts unread per person and clears on read', async () => {
    const { conversationId: id } = await startConversationAs(t.app, p.service, 'Unread please');
    const nurse = as(p.nurse.cookie);
    const before = (await nurse.get(`/api/staff/conversations?view=open`)).json<{ conversations: Summary[] }>();
    expect(before.conversations.find((c) => c.id === id)?.unreadCount).toBe(1);
    expect((await nurse.post(`/api/staff/conversations/${id}/read`, { seq: 2 })).statusCode).toBe(204);
    const after = (await nurse.get(`/api/staff/conversations?view=open`)).json<{ conversations: Summary[] }>();
    expect(after.conversations.find((c) => c.id === id)?.unreadCount).toBe(0);
    const colleague = (await as(p.colleague.cookie).get(`/api/staff/conversations?view=open`)).json<{
      conversations: Summary[];
    }>();
    expect(colleague.conversations.find((c) => c.id === id)?.unreadCount).toBe(1);
  });

  it('audits every transcript view with who and from where', async () => {
    const { conversationId: id } = await startConversationAs(t.app, p.service, 'Audit me');
    await as(p.nurse.cookie).get(`/api/staff/conversations/${id}`);
    const { rows } = await t.deps.db.query<{ actor_id: string; ip: string }>(
      "SELECT actor_id, ip FROM audit_log WHERE action = 'conversation.view_transcript' AND target_id = $1",
      [id],
    );
    expect(rows).toEqual([{ actor_id: p.nurse.id, ip: '127.0.0.1' }]);
  });

  it('answers 401 without a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/staff/conversations' });
    expect(res.statusCode).toBe(401);
  });
});
