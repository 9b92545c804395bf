import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { makeInboxParties, startConversationAs } from './testParties.js';

/**
 * Every conversation route, tried by people outside the conversation's service: each answers
 * exactly as for a conversation that does not exist, and nothing changes.
 */
describe('conversation access matrix', () => {
  let t: TestApp;
  let p: Awaited<ReturnType<typeof makeInboxParties>>;
  let id: string;
  beforeAll(async () => {
    t = await buildTestApp();
    p = await makeInboxParties(t.app, t.deps);
    id = (await startConversationAs(t.app, p.service, 'Private to the school nursing team')).conversationId;
  });
  afterAll(async () => {
    await t.close();
  });

  const routes = (conversationId: string, assignee: string): [string, string, unknown?][] => [
    ['GET', `/api/staff/conversations/${conversationId}`],
    ['POST', `/api/staff/conversations/${conversationId}/claim`, {}],
    ['POST', `/api/staff/conversations/${conversationId}/assign`, { staffId: assignee }],
    ['POST', `/api/staff/conversations/${conversationId}/messages`, { message: 'Hello', clientRef: unique('ref-') }],
    ['POST', `/api/staff/conversations/${conversationId}/notes`, { message: 'Note', clientRef: unique('ref-') }],
    [
      'POST',
      `/api/staff/conversations/${conversationId}/close`,
      { outcome: 'Advice given', recordedInClinicalRecord: false },
    ],
    ['POST', `/api/staff/conversations/${conversationId}/read`, { seq: 1 }],
  ];

  const snapshot = async () =>
    (await t.deps.db.query('SELECT status, assigned_to, last_seq, outcome FROM conversations WHERE id = $1', [id]))
      .rows[0];

  for (const who of ['siblingNurse', 'otherOrgNurse', 'orgAdmin'] as const) {
    it(`${who}: every route answers 404 like a missing conversation and changes nothing`, async () => {
      const before = await snapshot();
      const caller = p[who];
      for (const [method, url, payload] of routes(id, caller.id)) {
        const res = await t.app.inject({
          method: method as 'GET' | 'POST',
          url,
          headers: { cookie: caller.cookie },
          ...(payload ? { payload: payload } : {}),
        });
        const [, missingUrl, missingPayload] = routes(randomUUID(), caller.id).find(
          ([m, u]) => m === method && u.endsWith(url.split(id)[1]!),
        )!;
        const missing = await t.app.inject({
          method: method as 'GET' | 'POST',
          url: missingUrl,
          headers: { cookie: caller.cookie },
          ...(missingPayload ? { payload: missingPayload } : {}),
        });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(res.json(), `${method} ${url}`).toEqual(missing.json());
      }
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/staff/conversations?view=open',
        headers: { cookie: caller.cookie },
      });
      expect(list.json<{ conversations: { id: string }[] }>().conversations.map((c) => c.id)).not.toContain(id);
      const filtered = await t.app.inject({
        method: 'GET',
        url: `/api/staff/conversations?view=open&serviceId=${p.service.id}`,
        headers: { cookie: caller.cookie },
      });
      expect(filtered.statusCode).toBe(404);
      const members = await t.app.inject({
        method: 'GET',
        url: `/api/staff/services/${p.service.id}/members`,
        headers: { cookie: caller.cookie },
      });
      expect(members.statusCode).toBe(404);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('malformed ids are a 400, never a server error', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: "/api/staff/conversations/1' OR '1'='1",
      headers: { cookie: p.nurse.cookie },
    });
    expect(res.statusCode).toBe(400);
  });

  it('a member can use every route', async () => {
    for (const [method, url, payload] of routes(id, p.nurse.id)) {
      const res = await t.app.inject({
        method: method as 'GET' | 'POST',
        url,
        headers: { cookie: p.nurse.cookie },
        ...(payload ? { payload: payload } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBeLessThan(300);
    }
  });
});
