import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, unique } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { findServiceById } from '../services.js';
import { auditCount, makeAdminParties } from './testAdminParties.js';

type Route = { method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; body?: unknown };

/**
 * Every administration route against one service, one of its closures and one of its members,
 * called by people who must not administer them. Each answers 404 as if the record were missing,
 * and afterwards nothing in the organisation has changed.
 */
describe('administration: permission matrix', () => {
  let t: TestApp;
  let p: Awaited<ReturnType<typeof makeAdminParties>>;
  let closureId: string;
  beforeAll(async () => {
    t = await buildTestApp();
    p = await makeAdminParties(t.app, t.deps);
    const now = Date.now();
    const { rows } = await t.deps.db.query<{ id: string }>(
      `INSERT INTO service_closures (id, service_id, starts_at, ends_at, reason)
       VALUES (gen_random_uuid(), $1, $2, $3, 'Training') RETURNING id`,
      [p.service.id, new Date(now + 86_400_000), new Date(now + 2 * 86_400_000)],
    );
    closureId = rows[0]!.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const targeted = (): Route[] => {
    const svc = `/api/admin/services/${p.service.id}`;
    const soon = Date.now() + 3_600_000;
    return [
      { method: 'PATCH', url: svc, body: { name: 'Taken over' } },
      { method: 'PUT', url: `${svc}/hours`, body: { weekly: [] } },
      { method: 'GET', url: `${svc}/closures` },
      {
        method: 'POST',
        url: `${svc}/closures`,
        body: { startsAt: new Date(soon).toISOString(), endsAt: new Date(soon + 3_600_000).toISOString() },
      },
      { method: 'DELETE', url: `${svc}/closures/${closureId}`, body: {} },
      {
        method: 'PUT',
        url: `/api/admin/staff/${p.clinician.id}/memberships`,
        body: { memberships: [{ serviceId: p.service.id, role: 'service_admin' }] },
      },
      { method: 'POST', url: `/api/admin/staff/${p.clinician.id}/disable`, body: {} },
      {
        method: 'POST',
        url: '/api/admin/staff',
        body: {
          email: `${unique('intruder')}@example.nhs.uk`,
          name: 'Intruder',
          password: TEST_PASSWORD,
          memberships: [{ serviceId: p.service.id, role: 'service_admin' }],
        },
      },
    ];
  };
  const organisationWide = (): Route[] => [
    { method: 'GET', url: '/api/admin/services' },
    { method: 'POST', url: '/api/admin/services', body: { slug: unique('svc-'), name: 'Shadow service' } },
    { method: 'GET', url: '/api/admin/staff' },
  ];

  const call = (cookie: string | undefined, r: Route) =>
    t.app.inject({
      method: r.method,
      url: r.url,
      headers: cookie ? { cookie } : {},
      ...(r.body === undefined ? {} : { payload: r.body as object }),
    });

  const snapshot = async () => ({
    service: await findServiceById(t.deps.db, p.service.id),
    closures: (await t.deps.db.query('SELECT * FROM service_closures WHERE service_id = $1', [p.service.id])).rows,
    memberships: (
      await t.deps.db.query('SELECT service_id, role FROM memberships WHERE staff_id = $1 ORDER BY service_id', [
        p.clinician.id,
      ])
    ).rows,
    staff: (await t.deps.db.query('SELECT id, disabled FROM staff WHERE organisation_id = $1 ORDER BY id', [p.org.id]))
      .rows,
    services: (await t.deps.db.query('SELECT id FROM services WHERE organisation_id = $1 ORDER BY id', [p.org.id]))
      .rows,
    audit: await auditCount(t.deps, p.org.id),
  });

  it('answers 404 to clinicians, supervisors, another service’s admin and another organisation’s admin', async () => {
    const before = await snapshot();
    const outsiders = {
      clinician: p.clinician,
      supervisor: p.supervisor,
      siblingAdmin: p.siblingAdmin,
      otherOrgAdmin: p.otherOrgAdmin,
    };
    for (const [who, person] of Object.entries(outsiders)) {
      for (const route of targeted()) {
        const res = await call(person.cookie, route);
        expect(res.statusCode, `${who} ${route.method} ${route.url}`).toBe(404);
        expect(res.json<{ code: string }>().code).toBe('not_found');
      }
    }
    // Clinicians and supervisors do not see the admin area at all, even its organisation-wide routes.
    for (const person of [p.clinician, p.supervisor]) {
      for (const route of organisationWide()) {
        const res = await call(person.cookie, route);
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(404);
        // Exactly what a route that does not exist answers.
        expect(res.json()).toEqual(
          (await call(person.cookie, { method: 'GET', url: '/api/admin/nothing-here' })).json(),
        );
      }
    }
    // Creating a service is for organisation admins only.
    expect((await call(p.siblingAdmin.cookie, organisationWide()[1]!)).statusCode).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 before validating, so a bad body from a clinician reveals nothing', async () => {
    const res = await call(p.clinician.cookie, {
      method: 'PATCH',
      url: `/api/admin/services/${p.service.id}`,
      body: { unknown: true },
    });
    expect(res.statusCode).toBe(404);
  });

  it('asks anyone not signed in to sign in, for every route', async () => {
    const before = await snapshot();
    for (const route of [...targeted(), ...organisationWide()]) {
      expect((await call(undefined, route)).statusCode, `${route.method} ${route.url}`).toBe(401);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('keeps lists to what the caller administers', async () => {
    const siblingServices = (await call(p.siblingAdmin.cookie, organisationWide()[0]!)).json<{
      services: { id: string }[];
    }>();
    expect(siblingServices.services.map((s) => s.id)).toEqual([p.sibling.id]);
    const otherServices = (await call(p.otherOrgAdmin.cookie, organisationWide()[0]!)).json<{
      services: { id: string }[];
    }>();
    expect(otherServices.services.map((s) => s.id)).toEqual([p.otherOrgService.id]);

    for (const person of [p.siblingAdmin, p.otherOrgAdmin]) {
      const staff = (await call(person.cookie, organisationWide()[2]!)).json<{ staff: { id: string }[] }>().staff;
      expect(staff.map((s) => s.id)).not.toContain(p.clinician.id);
      expect(staff.map((s) => s.id)).not.toContain(p.serviceAdmin.id);
    }
  });

  it('lets the service’s own admin and the organisation admin through the same routes', async () => {
    for (const person of [p.serviceAdmin, p.orgAdmin]) {
      const res = await call(person.cookie, { method: 'GET', url: `/api/admin/services/${p.service.id}/closures` });
      expect(res.statusCode).toBe(200);
      expect(res.json<{ closures: { id: string }[] }>().closures.map((c) => c.id)).toEqual([closureId]);
    }
    // A service admin may add a colleague to their own service.
    const added = await call(p.serviceAdmin.cookie, {
      method: 'PUT',
      url: `/api/admin/staff/${p.clinician.id}/memberships`,
      body: { memberships: [{ serviceId: p.service.id, role: 'supervisor' }] },
    });
    expect(added.statusCode).toBe(200);
  });
});
