import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeService, unique } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import type { Service } from '../organisations/services.js';

describe('service user conversation over HTTP', () => {
  let t: TestApp;
  let service: Service;
  let closedService: Service;
  let otherOrgService: Service;
  beforeAll(async () => {
    t = await buildTestApp();
    const org = await makeOrganisation(t.deps);
    service = await makeService(t.deps, org.id, { asksAgeRange: true });
    closedService = await makeService(t.deps, org.id, { weekly: [] });
    otherOrgService = await makeService(t.deps, (await makeOrganisation(t.deps)).id);
  });
  afterAll(async () => {
    await t.close();
  });

  const start = (slug: string, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/api/public/services/${slug}/conversations`, payload: body });
  const get = (token: string) =>
    t.app.inject({ method: 'GET', url: '/api/public/conversation', headers: { authorization: `Bearer ${token}` } });

  it('shows the public page of a service, with the crisis message', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/public/services/${service.slug}` });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ name: string; openNow: boolean; crisisMessage: string; asks: { ageRange: boolean } }>();
    expect(body).toMatchObject({ name: service.name, openNow: true, asks: { ageRange: true } });
    expect(body.crisisMessage).toMatch(/999/);
    expect((await t.app.inject({ method: 'GET', url: '/api/public/services/no-such-service' })).statusCode).toBe(404);
  });

  it('starts anonymously and gets the acknowledgement; no out-of-hours reply while open', async () => {
    const res = await start(service.slug, {
      message: 'I keep getting headaches',
      clientRef: unique('ref-'),
      ageRange: '14-16',
    });
    expect(res.statusCode).toBe(201);
    const started = res.json<{ token: string; code: string; resumeUrl: string }>();
    expect(started.code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect(started.resumeUrl).toContain(`/c#${started.token}`);
    const convo = (await get(started.token)).json<{
      status: string;
      messages: { from: string; kind: string; text: string }[];
    }>();
    expect(convo.status).toBe('open');
    expect(convo.messages.map((m) => [m.from, m.kind])).toEqual([
      ['you', 'message'],
      ['system', 'auto_ack'],
    ]);
    expect(convo.messages[0]!.text).toBe('I keep getting headaches');
  });

  it('out of hours, bounces back once per closed period', async () => {
    const started = (await start(closedService.slug, { message: 'Are you there?', clientRef: unique('ref-') })).json<{
      token: string;
    }>();
    const send = (message: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/public/conversation/messages',
        headers: { authorization: `Bearer ${started.token}` },
        payload: { message, clientRef: unique('ref-') },
      });
    expect((await send('Hello?')).statusCode).toBe(201);
    const kinds = (await get(started.token)).json<{ messages: { kind: string }[] }>().messages.map((m) => m.kind);
    expect(kinds).toEqual(['message', 'auto_ack', 'out_of_hours', 'message']);
    expect(kinds.filter((k) => k === 'out_of_hours')).toHaveLength(1);
  });

  it('is idempotent by clientRef and refuses a reused reference with other content', async () => {
    const clientRef = unique('ref-');
    const a = await start(service.slug, { message: 'Same message', clientRef });
    const b = await start(service.slug, { message: 'Same message', clientRef });
    expect(b.statusCode).toBe(201);
    expect(b.json<{ conversationId: string }>().conversationId).toBe(
      a.json<{ conversationId: string }>().conversationId,
    );
    // Both tokens work: the retry's response may be the only one the person ever saw.
    expect((await get(a.json<{ token: string }>().token)).statusCode).toBe(200);
    expect((await get(b.json<{ token: string }>().token)).statusCode).toBe(200);
    const c = await start(service.slug, { message: 'Different message', clientRef });
    expect(c.statusCode).toBe(409);
    expect(c.json()).toMatchObject({ code: 'client_ref_reused' });
  });

  it('answers a repeated message with the first one, and refuses a reused reference', async () => {
    const { token } = (await start(service.slug, { message: 'First', clientRef: unique('ref-') })).json<{
      token: string;
    }>();
    const send = (message: string, clientRef: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/public/conversation/messages',
        headers: { authorization: `Bearer ${token}` },
        payload: { message, clientRef },
      });
    const clientRef = unique('ref-');
    const [a, b] = await Promise.all([send('Second', clientRef), send('Second', clientRef)]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json<{ id: string }>().id).toBe(b.json<{ id: string }>().id);
    const conversationId = (await get(token)).json<{ id: string }>().id;
    const audited = async () =>
      (
        await t.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE chain = $1', [
          `conversation:${conversationId}`,
        ])
      ).rows[0]!.n;
    const before = await audited();
    expect((await send('Different', clientRef)).statusCode).toBe(409);
    // The refused write added no audit entry either: message and audit are one statement.
    expect(await audited()).toBe(before);
    const texts = (await get(token)).json<{ messages: { text: string }[] }>().messages.map((m) => m.text);
    expect(texts.filter((x) => x === 'Second')).toHaveLength(1);
  });

  it('resumes by code within the organisation only, and refuses bad codes alike', async () => {
    const started = (await start(service.slug, { message: 'Resume me', clientRef: unique('ref-') })).json<{
      code: string;
      conversationId: string;
    }>();
    const typed = started.code.toLowerCase().replace('-', ' ');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/public/services/${service.slug}/resume`,
      payload: { code: typed },
    });
    expect(res.statusCode).toBe(200);
    const convo = (await get(res.json<{ token: string }>().token)).json<{ id: string }>();
    expect(convo.id).toBe(started.conversationId);
    const other = await t.app.inject({
      method: 'POST',
      url: `/api/public/services/${otherOrgService.slug}/resume`,
      payload: { code: started.code },
    });
    const wrong = await t.app.inject({
      method: 'POST',
      url: `/api/public/services/${service.slug}/resume`,
      payload: { code: 'AAAAA-AAAAA' },
    });
    expect(other.statusCode).toBe(404);
    expect(wrong.statusCode).toBe(404);
    expect(other.json()).toEqual(wrong.json());
  });

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const count = async () =>
      (await t.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages')).rows[0]!.n;
    const before = await count();
    const cases: [Record<string, unknown> | string, number, string?][] = [
      [{ message: '<script>alert(1)</script>', clientRef: unique('ref-') }, 400, 'markup_not_allowed'],
      [{ message: 'hi', clientRef: unique('ref-'), isAdmin: true }, 400, 'invalid'],
      [{ message: 'hi', clientRef: 'short' }, 400, 'invalid'],
      [{ message: 'x'.repeat(4001), clientRef: unique('ref-') }, 400, 'invalid'],
      [{ message: 'hi', clientRef: unique('ref-'), school: 'Hillside' }, 400, 'invalid'],
      [{ message: 'hi', clientRef: unique('ref-'), ageRange: '99-100' }, 400, 'invalid'],
      [{ clientRef: unique('ref-') }, 400, 'invalid'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await start(service.slug, payload as Record<string, unknown>);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(status);
      if (code) expect(res.json<{ code: string }>().code).toBe(code);
    }
    const invalidUtf8 = await t.app.inject({
      method: 'POST',
      url: `/api/public/services/${service.slug}/conversations`,
      headers: { 'content-type': 'application/json' },
      payload: Buffer.concat([
        Buffer.from('{"message":"caf'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(`","clientRef":"${unique('ref-')}"}`),
      ]),
    });
    expect(invalidUtf8.statusCode).toBe(400);
    expect(invalidUtf8.json()).toMatchObject({ code: 'invalid_utf8' });
    const oversized = await start(service.slug, { message: 'x'.repeat(70_000), clientRef: unique('ref-') });
    expect(oversized.statusCode).toBe(413);
    const badToken = await get('A'.repeat(43));
    expect(badToken.statusCode).toBe(401);
    expect(await count()).toBe(before);
  });

  it('ending marks the conversation and the person can still write again', async () => {
    const started = (await start(service.slug, { message: 'Bye soon', clientRef: unique('ref-') })).json<{
      token: string;
    }>();
    const ended = await t.app.inject({
      method: 'POST',
      url: '/api/public/conversation/end',
      headers: { authorization: `Bearer ${started.token}` },
    });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ endedByYou: true });
    // The staff-only event is not shown to the service user.
    expect(ended.json<{ messages: { kind: string }[] }>().messages.every((m) => m.kind !== ('event' as string))).toBe(
      true,
    );
  });
});
