import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeService } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { findServiceById } from '../services.js';
import { asStaff, auditActions, auditCount, makeAdminParties } from './testAdminParties.js';

type Closure = { id: string; startsAt: string; endsAt: string; reason: string; current: boolean };
type PublicService = { openNow: boolean; nextOpening: string | null; openingHours: unknown[] };

/** Wednesday 12 March 2025, 10:00 in London (GMT): no bank holiday anywhere in the UK. */
const NOW = new Date('2025-03-12T10:00:00Z');
const HOUR = 3_600_000;
const at = (offsetHours: number) => new Date(NOW.getTime() + offsetHours * HOUR).toISOString();

describe('administration: opening hours and closures', () => {
  let t: TestApp;
  let p: Awaited<ReturnType<typeof makeAdminParties>>;
  beforeAll(async () => {
    t = await buildTestApp({ now: () => NOW });
    p = await makeAdminParties(t.app, t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  const publicView = async (slug: string) =>
    (await t.app.inject({ url: `/api/public/services/${slug}` })).json<PublicService>();

  it('replaces weekly hours, and the public page follows', async () => {
    const service = await makeService(t.deps, p.org.id);
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));
    const open = await admin.put(`/api/admin/services/${service.id}/hours`, { weekly: weekdays });
    expect(open.statusCode).toBe(200);
    expect(open.json<{ weekly: unknown[] }>().weekly).toEqual(weekdays);
    expect((await publicView(service.slug)).openNow).toBe(true);

    // Saturday mornings only: closed on this Wednesday morning, opening on Saturday.
    const closed = await admin.put(`/api/admin/services/${service.id}/hours`, {
      weekly: [{ day: 6, start: '09:00', end: '12:00' }],
    });
    expect(closed.statusCode).toBe(200);
    const view = await publicView(service.slug);
    expect(view.openNow).toBe(false);
    expect(view.nextOpening).toBe('2025-03-15T09:00:00.000Z');
    expect(view.openingHours).toEqual([{ day: 6, start: '09:00', end: '12:00' }]);
    expect(await auditActions(t.deps, service.id)).toEqual([
      'service.create',
      'service.hours_update',
      'service.hours_update',
    ]);
  });

  it('lets a service admin set their own hours', async () => {
    const res = await asStaff(t.app, p.serviceAdmin.cookie).put(`/api/admin/services/${p.service.id}/hours`, {
      weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' })),
    });
    expect(res.statusCode).toBe(200);
  });

  it('refuses bad hours with every problem named, and writes nothing', async () => {
    const service = await makeService(t.deps, p.org.id);
    const before = await auditCount(t.deps, p.org.id);
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    const res = await admin.put(`/api/admin/services/${service.id}/hours`, {
      weekly: [
        { day: 1, start: '09:00', end: '13:00' },
        { day: 1, start: '12:00', end: '17:00' },
        { day: 2, start: '17:00', end: '09:00' },
        { day: 7, start: '09:00', end: '17:00' },
        { day: 3, start: '9am', end: '17:00' },
      ],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: string; message: string }>();
    expect(body.code).toBe('invalid_hours');
    expect(body.message).toContain('Periods 1 and 2 overlap on Monday.');
    expect(body.message).toContain('Period 3 (Tuesday 17:00–09:00): end must be after start.');
    expect(body.message).toContain('Period 4: day must be');
    expect(body.message).toContain('Period 5: start must be');

    for (const bad of [
      { weekly: [{ day: 1, start: '09:00', end: '17:00', note: 'x' }] },
      { weekly: [], extra: true },
      { weekly: Array.from({ length: 71 }, () => ({ day: 1, start: '09:00', end: '09:30' })) },
      {},
    ]) {
      expect((await admin.put(`/api/admin/services/${service.id}/hours`, bad)).statusCode).toBe(400);
    }
    expect(await findServiceById(t.deps.db, service.id)).toEqual(service);
    expect(await auditCount(t.deps, p.org.id)).toBe(before);
  });

  it('adds, lists and removes closures; a closure covering now closes an always-open service', async () => {
    const service = await makeService(t.deps, p.org.id);
    const admin = asStaff(t.app, p.serviceAdmin.cookie);
    const base = `/api/admin/services/${service.id}/closures`;
    expect((await publicView(service.slug)).openNow).toBe(true);

    // A service admin of another service cannot; the organisation admin can.
    expect((await admin.post(base, { startsAt: at(-1), endsAt: at(2) })).statusCode).toBe(404);
    const orgAdmin = asStaff(t.app, p.orgAdmin.cookie);
    const now = await orgAdmin.post(base, { startsAt: at(-1), endsAt: at(2), reason: 'Team training' });
    expect(now.statusCode).toBe(201);
    const current = now.json<Closure>();
    expect(current).toMatchObject({ startsAt: at(-1), endsAt: at(2), reason: 'Team training', current: true });
    const later = (await orgAdmin.post(base, { startsAt: at(48), endsAt: at(72) })).json<Closure>();
    expect(later).toMatchObject({ reason: '', current: false });

    const view = await publicView(service.slug);
    expect(view.openNow).toBe(false);
    expect(view.nextOpening).toBe(at(2));

    const listed = (await orgAdmin.get(base)).json<{ closures: Closure[] }>().closures;
    expect(listed.map((c) => c.id)).toEqual([current.id, later.id]);

    expect((await orgAdmin.delete(`${base}/${current.id}`)).statusCode).toBe(204);
    expect((await orgAdmin.delete(`${base}/${current.id}`)).statusCode).toBe(404);
    expect((await publicView(service.slug)).openNow).toBe(true);
    expect((await orgAdmin.get(base)).json<{ closures: Closure[] }>().closures.map((c) => c.id)).toEqual([later.id]);

    expect(await auditActions(t.deps, service.id)).toEqual([
      'service.create',
      'service.closure_add',
      'service.closure_add',
      'service.closure_remove',
    ]);
    const { rows } = await t.deps.db.query<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE target_id = $1 AND action = 'service.closure_add'",
      [service.id],
    );
    expect(rows.map((r) => r.reason).join(' ')).not.toContain('training');
  });

  it('does not list closures that have ended, nor delete one through another service', async () => {
    const service = await makeService(t.deps, p.org.id);
    const other = await makeService(t.deps, p.org.id);
    const { rows } = await t.deps.db.query<{ id: string }>(
      `INSERT INTO service_closures (id, service_id, starts_at, ends_at, reason)
       VALUES (gen_random_uuid(), $1, $2, $3, 'past') RETURNING id`,
      [service.id, at(-48), at(-24)],
    );
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    expect((await admin.get(`/api/admin/services/${service.id}/closures`)).json()).toEqual({ closures: [] });
    const wrongService = await admin.delete(`/api/admin/services/${other.id}/closures/${rows[0]!.id}`);
    expect(wrongService.statusCode).toBe(404);
  });

  it('refuses bad closures with 400 and writes nothing', async () => {
    const service = await makeService(t.deps, p.org.id);
    const before = await auditCount(t.deps, p.org.id);
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    const base = `/api/admin/services/${service.id}/closures`;
    const cases: [unknown, string | null][] = [
      [{ startsAt: at(5), endsAt: at(1) }, 'end must be after start'],
      [{ startsAt: at(5), endsAt: at(5) }, 'end must be after start'],
      [{ startsAt: at(1), endsAt: at(1 + 367 * 24) }, 'at most 366 days'],
      [{ startsAt: at(-5), endsAt: at(-1) }, 'already ended'],
      [{ startsAt: at(1), endsAt: at(2), reason: 'x'.repeat(201) }, null],
      [{ startsAt: at(1), endsAt: at(2), closedBy: 'me' }, null],
      [{ startsAt: '2025-03-13 09:00', endsAt: at(30) }, null],
      [{ startsAt: '2025-03-13T09:00:00', endsAt: at(30) }, null],
      [{ startsAt: at(1) }, null],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post(base, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      if (message) expect(res.json<{ message: string }>().message).toContain(message);
    }
    const { rows } = await t.deps.db.query('SELECT id FROM service_closures WHERE service_id = $1', [service.id]);
    expect(rows).toEqual([]);
    expect(await auditCount(t.deps, p.org.id)).toBe(before);
    // Exactly 366 days is allowed.
    expect((await admin.post(base, { startsAt: at(1), endsAt: at(1 + 366 * 24) })).statusCode).toBe(201);
  });
});
