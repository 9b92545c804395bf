import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeService, makeStaff, unique } from '../testing/factories.js';
import { loginAs } from '../testing/login.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { makeInboxParties, startConversationAs } from './testParties.js';

describe('transfer to another service', () => {
  let t: TestApp;
  let p: Awaited<ReturnType<typeof makeInboxParties>>;
  beforeAll(async () => {
    t = await buildTestApp();
    p = await makeInboxParties(t.app, t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  it('moves the conversation to the receiving team, unassigned, and out of the sending queue', async () => {
    const sexualHealth = await makeService(t.deps, p.org.id, { name: 'Sexual health' });
    const receiver = await makeStaff(t.deps, p.org.id, {
      memberships: [{ serviceId: sexualHealth.id, role: 'clinician' }],
    });
    const receiverCookie = await loginAs(t.app, receiver);
    const { conversationId: id, code } = (await startConversationAs(
      t.app,
      p.service,
      'I need advice about contraception',
    )) as {
      conversationId: string;
      token: string;
      code?: string;
    };
    await t.app.inject({
      method: 'POST',
      url: `/api/staff/conversations/${id}/claim`,
      headers: { cookie: p.nurse.cookie },
      payload: {},
    });
    const directory = await t.app.inject({
      method: 'GET',
      url: '/api/staff/services',
      headers: { cookie: p.nurse.cookie },
    });
    expect(directory.json<{ services: { id: string }[] }>().services.map((s) => s.id)).toEqual(
      expect.arrayContaining([p.service.id, sexualHealth.id]),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/staff/conversations/${id}/transfer`,
      headers: { cookie: p.nurse.cookie },
      payload: { serviceId: sexualHealth.id, reason: 'Contraception advice is the sexual health team' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ serviceId: sexualHealth.id, assignedTo: null, status: 'open' });

    const queue = await t.app.inject({
      method: 'GET',
      url: '/api/staff/conversations?view=unassigned',
      headers: { cookie: receiverCookie },
    });
    expect(queue.json<{ conversations: { id: string }[] }>().conversations.map((c) => c.id)).toContain(id);
    // The sending clinician is not in the receiving service: it is now outside their rights.
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/staff/conversations/${id}`,
          headers: { cookie: p.nurse.cookie },
        })
      ).statusCode,
    ).toBe(404);
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/staff/conversations/${id}`,
      headers: { cookie: receiverCookie },
    });
    const last = detail.json<{ messages: { kind: string; text: string }[] }>().messages.at(-1)!;
    expect(last.kind).toBe('event');
    expect(last.text).toContain('Reason: Contraception advice');
    // The person's code still works on the original service's page.
    const resumed = await t.app.inject({
      method: 'POST',
      url: `/api/public/services/${p.service.slug}/resume`,
      payload: { code },
    });
    expect(resumed.statusCode).toBe(200);
  });

  it('a retried start still finds its conversation after a transfer', async () => {
    const other = await makeService(t.deps, p.org.id);
    const body = { message: 'Retry me later', clientRef: unique('ref-') };
    const first = await t.app.inject({
      method: 'POST',
      url: `/api/public/services/${p.service.slug}/conversations`,
      payload: body,
    });
    const id = first.json<{ conversationId: string }>().conversationId;
    await t.app.inject({
      method: 'POST',
      url: `/api/staff/conversations/${id}/transfer`,
      headers: { cookie: p.nurse.cookie },
      payload: { serviceId: other.id, reason: 'Right team' },
    });
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/public/services/${p.service.slug}/conversations`,
      payload: body,
    });
    expect(retry.statusCode).toBe(201);
    expect(retry.json<{ conversationId: string }>().conversationId).toBe(id);
  });

  it('refuses a service of another organisation, the same service, and a missing reason, changing nothing', async () => {
    const { conversationId: id } = await startConversationAs(t.app, p.service, 'Stay put');
    const other = await makeService(t.deps, (await makeOrganisation(t.deps)).id);
    const before = (await t.deps.db.query('SELECT service_id, last_seq FROM conversations WHERE id = $1', [id]))
      .rows[0];
    for (const [payload, code] of [
      [{ serviceId: other.id, reason: 'x' }, 'unknown_service'],
      [{ serviceId: p.service.id, reason: 'x' }, 'same_service'],
      [{ serviceId: other.id, reason: ' ' }, 'reason_required'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/staff/conversations/${id}/transfer`,
        headers: { cookie: p.nurse.cookie },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code });
    }
    const outsider = await t.app.inject({
      method: 'POST',
      url: `/api/staff/conversations/${id}/transfer`,
      headers: { cookie: p.siblingNurse.cookie },
      payload: { serviceId: other.id, reason: 'x' },
    });
    expect(outsider.statusCode).toBe(404);
    expect(
      (await t.deps.db.query('SELECT service_id, last_seq FROM conversations WHERE id = $1', [id])).rows[0],
    ).toEqual(before);
  });
});
