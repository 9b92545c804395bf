import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeService, unique } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { findServiceById } from '../services.js';
import { asStaff, auditActions, auditCount, makeAdminParties } from './testAdminParties.js';

type AdminService = {
  id: string;
  slug: string;
  name: string;
  outcomes: string[];
  ageRanges: string[];
  outOfHoursMessage: string;
  welcomeMessage: string;
  responseTargetWorkingHours: number;
  weekly: { day: number; start: string; end: string }[];
  nation: string;
  active: boolean;
  asksSchool: boolean;
};

describe('administration: service settings', () => {
  let t: TestApp;
  let p: Awaited<ReturnType<typeof makeAdminParties>>;
  beforeAll(async () => {
    t = await buildTestApp();
    p = await makeAdminParties(t.app, t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists every service of the organisation to its admin, and only their own to a service admin', async () => {
    const all = await asStaff(t.app, p.orgAdmin.cookie).get('/api/admin/services');
    expect(all.statusCode).toBe(200);
    const ids = all.json<{ services: AdminService[] }>().services.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([p.service.id, p.sibling.id]));
    expect(ids).not.toContain(p.otherOrgService.id);

    const own = (await asStaff(t.app, p.serviceAdmin.cookie).get('/api/admin/services')).json<{
      services: (AdminService & Record<string, unknown>)[];
    }>();
    expect(own.services.map((s) => s.id)).toEqual([p.service.id]);
    // Full settings, and nothing beyond the allow-list.
    expect(Object.keys(own.services[0]!).sort()).toEqual(
      [
        'active',
        'ageRanges',
        'asksAgeRange',
        'asksFirstName',
        'asksSchool',
        'audience',
        'contactPromise',
        'description',
        'id',
        'name',
        'nation',
        'outOfHoursMessage',
        'outcomes',
        'responseTargetWorkingHours',
        'slug',
        'weekly',
        'welcomeMessage',
      ].sort(),
    );
    expect(own.services[0]!.weekly).toHaveLength(7);
    expect(own.services[0]!.outOfHoursMessage).toContain('999');
  });

  it('lets an organisation admin create a service with defaults, audited to them', async () => {
    const slug = unique('new-svc-');
    const res = await asStaff(t.app, p.orgAdmin.cookie).post('/api/admin/services', {
      slug,
      name: 'Health visiting',
      outcomes: ['Advice given', 'Referred'],
      weekly: [{ day: 1, start: '09:00', end: '17:00' }],
    });
    expect(res.statusCode).toBe(201);
    const created = res.json<AdminService>();
    expect(created).toMatchObject({
      slug,
      name: 'Health visiting',
      outcomes: ['Advice given', 'Referred'],
      active: true,
    });
    expect(created.weekly).toEqual([{ day: 1, start: '09:00', end: '17:00' }]);
    expect(created.outOfHoursMessage).toContain('111');
    expect(await auditActions(t.deps, created.id)).toEqual(['service.create']);
    const { rows } = await t.deps.db.query<{ actor_id: string }>(
      "SELECT actor_id FROM audit_log WHERE action = 'service.create' AND target_id = $1",
      [created.id],
    );
    expect(rows[0]!.actor_id).toBe(p.orgAdmin.id);

    const again = await asStaff(t.app, p.orgAdmin.cookie).post('/api/admin/services', { slug, name: 'Copy' });
    expect(again.statusCode).toBe(409);
    const badSlug = await asStaff(t.app, p.orgAdmin.cookie).post('/api/admin/services', {
      slug: 'Not A Slug',
      name: 'X',
    });
    expect(badSlug.statusCode).toBe(400);
    const badHours = await asStaff(t.app, p.orgAdmin.cookie).post('/api/admin/services', {
      slug: unique('svc-'),
      name: 'X',
      weekly: [{ day: 9, start: '09:00', end: '17:00' }],
    });
    expect(badHours.json()).toMatchObject({ code: 'invalid_hours' });
  });

  it('keeps service creation to organisation admins', async () => {
    const res = await asStaff(t.app, p.serviceAdmin.cookie).post('/api/admin/services', {
      slug: unique('svc-'),
      name: 'Not allowed',
    });
    expect(res.statusCode).toBe(404);
  });

  it('changes settings, trims list entries and records which fields changed', async () => {
    const service = await makeService(t.deps, p.org.id);
    const before = await auditCount(t.deps, p.org.id);
    const res = await asStaff(t.app, p.orgAdmin.cookie).patch(`/api/admin/services/${service.id}`, {
      name: 'Sexual health 16–25',
      outcomes: [' Advice given ', 'Referred to clinic'],
      ageRanges: ['16-18', '19-25'],
      asksSchool: true,
      welcomeMessage: 'Thanks, we have your message.',
      outOfHoursMessage: 'We are closed. In an emergency call 999; for urgent advice call NHS 111.',
      responseTargetWorkingHours: 4.5,
      nation: 'scotland',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<AdminService>()).toMatchObject({
      name: 'Sexual health 16–25',
      outcomes: ['Advice given', 'Referred to clinic'],
      ageRanges: ['16-18', '19-25'],
      asksSchool: true,
      responseTargetWorkingHours: 4.5,
      nation: 'scotland',
    });
    const stored = (await findServiceById(t.deps.db, service.id))!;
    expect(stored.outcomes).toEqual(['Advice given', 'Referred to clinic']);
    expect(stored.welcomeMessage).toBe('Thanks, we have your message.');
    expect(await auditCount(t.deps, p.org.id)).toBe(before + 1);
    const { rows } = await t.deps.db.query<{ action: string; reason: string }>(
      "SELECT action, reason FROM audit_log WHERE target_id = $1 AND action = 'service.update'",
      [service.id],
    );
    expect(rows[0]!.reason).toContain('outcomes');
    // Setting names, never their text.
    expect(rows[0]!.reason).not.toContain('emergency');
  });

  it('lets a service admin change their own service, and take it off the public site', async () => {
    const res = await asStaff(t.app, p.serviceAdmin.cookie).patch(`/api/admin/services/${p.service.id}`, {
      description: 'Confidential advice for young people.',
    });
    expect(res.statusCode).toBe(200);

    const service = await makeService(t.deps, p.org.id);
    expect((await t.app.inject({ url: `/api/public/services/${service.slug}` })).statusCode).toBe(200);
    const off = await asStaff(t.app, p.orgAdmin.cookie).patch(`/api/admin/services/${service.id}`, { active: false });
    expect(off.json<AdminService>().active).toBe(false);
    expect((await t.app.inject({ url: `/api/public/services/${service.slug}` })).statusCode).toBe(404);
  });

  it('refuses an out-of-hours message without 999 or 111, and writes nothing', async () => {
    const service = await makeService(t.deps, p.org.id);
    const before = await auditCount(t.deps, p.org.id);
    for (const outOfHoursMessage of [
      'We are closed. We will reply tomorrow.',
      'We are closed. Call Childline on 0800 1111.',
      'We are closed. Call 9999.',
    ]) {
      const res = await asStaff(t.app, p.orgAdmin.cookie).patch(`/api/admin/services/${service.id}`, {
        name: 'Renamed',
        outOfHoursMessage,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'out_of_hours_needs_urgent_help' });
      expect(res.json<{ message: string }>().message).toMatch(/999.*111/);
    }
    const stored = (await findServiceById(t.deps.db, service.id))!;
    expect(stored).toEqual(service);
    expect(await auditCount(t.deps, p.org.id)).toBe(before);
  });

  it('refuses bad settings with 400 and writes nothing', async () => {
    const service = await makeService(t.deps, p.org.id);
    const before = await auditCount(t.deps, p.org.id);
    const bad: unknown[] = [
      {},
      { name: 'X', slug: 'cannot-change-slug' },
      { name: 'X', organisationId: p.otherOrg.id },
      { outcomes: [] },
      { outcomes: ['Advice given', 'advice given '] },
      { outcomes: ['Advice given', '   '] },
      { outcomes: Array.from({ length: 21 }, (_, i) => `Outcome ${i}`) },
      { outcomes: ['x'.repeat(101)] },
      { welcomeMessage: '' },
      { welcomeMessage: '   ' },
      { welcomeMessage: 'x'.repeat(2001) },
      { outOfHoursMessage: `Call 999. ${'x'.repeat(2000)}` },
      { responseTargetWorkingHours: 0.25 },
      { responseTargetWorkingHours: 121 },
      { nation: 'wales' },
      { name: '  ' },
      { active: 'sometimes' },
    ];
    for (const body of bad) {
      const res = await asStaff(t.app, p.orgAdmin.cookie).patch(`/api/admin/services/${service.id}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await findServiceById(t.deps.db, service.id)).toEqual(service);
    expect(await auditCount(t.deps, p.org.id)).toBe(before);
  });
});
