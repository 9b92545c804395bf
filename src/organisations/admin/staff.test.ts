import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeService, makeStaff, TEST_PASSWORD, unique } from '../../testing/factories.js';
import { loginAs } from '../../testing/login.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { asStaff, auditActions, auditCount, makeAdminParties } from './testAdminParties.js';

type Membership = { serviceId: string; role: string };
type AdminStaff = {
  id: string;
  name: string;
  email: string;
  isOrgAdmin: boolean;
  disabled: boolean;
  memberships: Membership[];
};

describe('administration: staff accounts and roles', () => {
  let t: TestApp;
  let p: Awaited<ReturnType<typeof makeAdminParties>>;
  beforeAll(async () => {
    t = await buildTestApp();
    p = await makeAdminParties(t.app, t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  const memberships = async (staffId: string) =>
    (
      await t.deps.db.query<{ service_id: string; role: string }>(
        'SELECT service_id, role FROM memberships WHERE staff_id = $1 ORDER BY service_id',
        [staffId],
      )
    ).rows.map((r) => ({ serviceId: r.service_id, role: r.role }));

  it('lists everyone in the organisation to its admin, decrypted, and audits the read', async () => {
    const before = await auditCount(t.deps, p.org.id);
    const res = await asStaff(t.app, p.orgAdmin.cookie).get('/api/admin/staff');
    expect(res.statusCode).toBe(200);
    const staff = res.json<{ staff: AdminStaff[] }>().staff;
    expect(staff.map((s) => s.id)).toEqual(
      expect.arrayContaining([p.orgAdmin.id, p.serviceAdmin.id, p.siblingAdmin.id, p.supervisor.id, p.clinician.id]),
    );
    expect(staff.map((s) => s.id)).not.toContain(p.otherOrgAdmin.id);
    expect(staff.find((s) => s.id === p.clinician.id)).toEqual({
      id: p.clinician.id,
      name: p.clinician.name,
      email: p.clinician.email,
      isOrgAdmin: false,
      disabled: false,
      memberships: [{ serviceId: p.service.id, role: 'clinician' }],
    });
    expect(staff.find((s) => s.id === p.orgAdmin.id)).toMatchObject({ isOrgAdmin: true, memberships: [] });
    expect(await auditCount(t.deps, p.org.id)).toBe(before + 1);
  });

  it('shows a service admin only the members of their services, and only those memberships', async () => {
    const both = await makeStaff(t.deps, p.org.id, {
      memberships: [
        { serviceId: p.service.id, role: 'clinician' },
        { serviceId: p.sibling.id, role: 'supervisor' },
      ],
    });
    const res = await asStaff(t.app, p.siblingAdmin.cookie).get('/api/admin/staff');
    const staff = res.json<{ staff: AdminStaff[] }>().staff;
    expect(staff.map((s) => s.id).sort()).toEqual([p.siblingAdmin.id, both.id].sort());
    expect(staff.find((s) => s.id === both.id)!.memberships).toEqual([{ serviceId: p.sibling.id, role: 'supervisor' }]);
  });

  it('creates an account that can sign in, with no personal data in the audit trail', async () => {
    const email = `${unique('new')}@example.nhs.uk`;
    const name = `Nurse ${unique()}`;
    const res = await asStaff(t.app, p.orgAdmin.cookie).post('/api/admin/staff', {
      email: email.toUpperCase(),
      name,
      password: TEST_PASSWORD,
      memberships: [{ serviceId: p.service.id, role: 'supervisor' }],
    });
    expect(res.statusCode).toBe(201);
    const created = res.json<AdminStaff>();
    expect(created).toMatchObject({ name, email, isOrgAdmin: false, disabled: false });
    expect(created.memberships).toEqual([{ serviceId: p.service.id, role: 'supervisor' }]);
    await loginAs(t.app, { email, password: TEST_PASSWORD });

    const { rows } = await t.deps.db.query<Record<string, unknown>>('SELECT * FROM audit_log WHERE chain = $1', [
      p.org.id,
    ]);
    expect(JSON.stringify(rows)).not.toContain(name);
    expect(JSON.stringify(rows).toLowerCase()).not.toContain(email);
    const raw = await t.deps.db.query<{ name_enc: Uint8Array }>('SELECT name_enc FROM staff WHERE id = $1', [
      created.id,
    ]);
    expect(Buffer.from(raw.rows[0]!.name_enc).toString('latin1')).not.toContain(name);

    const duplicate = await asStaff(t.app, p.orgAdmin.cookie).post('/api/admin/staff', {
      email,
      name: 'Someone else',
      password: TEST_PASSWORD,
    });
    expect(duplicate.statusCode).toBe(409);
  });

  it('refuses bad accounts, writing nothing', async () => {
    const before = await auditCount(t.deps, p.org.id);
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    const base = { email: `${unique('bad')}@example.nhs.uk`, name: 'Bad', password: TEST_PASSWORD };
    const cases: [unknown, number][] = [
      [{ ...base, password: 'short' }, 400],
      [{ ...base, email: 'not-an-email' }, 400],
      [{ ...base, name: '   ' }, 400],
      [{ ...base, role: 'service_admin' }, 400],
      [{ ...base, memberships: [{ serviceId: p.service.id, role: 'owner' }] }, 400],
      [
        {
          ...base,
          memberships: [
            { serviceId: p.service.id, role: 'clinician' },
            { serviceId: p.service.id, role: 'supervisor' },
          ],
        },
        400,
      ],
      [{ ...base, memberships: [{ serviceId: p.otherOrgService.id, role: 'clinician' }] }, 404],
    ];
    for (const [body, status] of cases) {
      expect((await admin.post('/api/admin/staff', body)).statusCode, JSON.stringify(body)).toBe(status);
    }
    expect(await auditCount(t.deps, p.org.id)).toBe(before);
    // The failed creates left no account behind: the same email still works.
    expect((await admin.post('/api/admin/staff', base)).statusCode).toBe(201);
  });

  it('replaces memberships outright for an organisation admin', async () => {
    const person = await makeStaff(t.deps, p.org.id, { memberships: [{ serviceId: p.service.id, role: 'clinician' }] });
    const res = await asStaff(t.app, p.orgAdmin.cookie).put(`/api/admin/staff/${person.id}/memberships`, {
      memberships: [{ serviceId: p.sibling.id, role: 'service_admin' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<AdminStaff>().memberships).toEqual([{ serviceId: p.sibling.id, role: 'service_admin' }]);
    expect(await memberships(person.id)).toEqual([{ serviceId: p.sibling.id, role: 'service_admin' }]);
    expect(await auditActions(t.deps, person.id)).toEqual(['staff.create', 'staff.memberships_update']);
  });

  it('limits a service admin to their own services, leaving other memberships alone', async () => {
    const person = await makeStaff(t.deps, p.org.id, {
      memberships: [
        { serviceId: p.service.id, role: 'clinician' },
        { serviceId: p.sibling.id, role: 'clinician' },
      ],
    });
    const admin = asStaff(t.app, p.serviceAdmin.cookie);
    const url = `/api/admin/staff/${person.id}/memberships`;
    const promoted = await admin.put(url, { memberships: [{ serviceId: p.service.id, role: 'service_admin' }] });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json<AdminStaff>().memberships).toEqual([{ serviceId: p.service.id, role: 'service_admin' }]);
    const expected = [
      { serviceId: p.service.id, role: 'service_admin' },
      { serviceId: p.sibling.id, role: 'clinician' },
    ].sort((a, b) => a.serviceId.localeCompare(b.serviceId));
    expect(await memberships(person.id)).toEqual(expected);

    // Granting anything, service_admin above all, in a service they do not administer: 404.
    for (const body of [
      { memberships: [{ serviceId: p.sibling.id, role: 'service_admin' }] },
      {
        memberships: [
          { serviceId: p.service.id, role: 'clinician' },
          { serviceId: p.sibling.id, role: 'service_admin' },
        ],
      },
      { memberships: [{ serviceId: p.otherOrgService.id, role: 'clinician' }] },
    ]) {
      expect((await admin.put(url, body)).statusCode).toBe(404);
    }
    expect(await memberships(person.id)).toEqual(expected);

    // An empty set removes them from the admin's service only.
    expect((await admin.put(url, { memberships: [] })).statusCode).toBe(200);
    expect(await memberships(person.id)).toEqual([{ serviceId: p.sibling.id, role: 'clinician' }]);
  });

  it('refuses malformed membership changes with 400, writing nothing', async () => {
    const person = await makeStaff(t.deps, p.org.id, { memberships: [{ serviceId: p.service.id, role: 'clinician' }] });
    const before = await auditCount(t.deps, p.org.id);
    const url = `/api/admin/staff/${person.id}/memberships`;
    for (const body of [
      {},
      { memberships: [{ serviceId: p.service.id, role: 'clinician' }], isOrgAdmin: true },
      { memberships: [{ serviceId: p.service.id, role: 'clinician', since: 'today' }] },
      { memberships: [{ serviceId: 'not-a-uuid', role: 'clinician' }] },
      {
        memberships: [
          { serviceId: p.service.id, role: 'clinician' },
          { serviceId: p.service.id, role: 'service_admin' },
        ],
      },
    ]) {
      expect((await asStaff(t.app, p.orgAdmin.cookie).put(url, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await memberships(person.id)).toEqual([{ serviceId: p.service.id, role: 'clinician' }]);
    expect(await auditCount(t.deps, p.org.id)).toBe(before);
  });

  it('disables an account and signs it out everywhere', async () => {
    const service = await makeService(t.deps, p.org.id);
    const person = await makeStaff(t.deps, p.org.id, { memberships: [{ serviceId: service.id, role: 'clinician' }] });
    const laptop = await loginAs(t.app, person);
    const phone = await loginAs(t.app, person);
    expect((await asStaff(t.app, laptop).get('/api/staff/me')).statusCode).toBe(200);

    const res = await asStaff(t.app, p.orgAdmin.cookie).post(`/api/admin/staff/${person.id}/disable`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: person.id, disabled: true, sessionsRevoked: 2 });
    for (const cookie of [laptop, phone])
      expect((await asStaff(t.app, cookie).get('/api/staff/me')).statusCode).toBe(401);
    const { rows } = await t.deps.db.query('SELECT 1 FROM sessions WHERE staff_id = $1 AND revoked_at IS NULL', [
      person.id,
    ]);
    expect(rows).toEqual([]);
    await expect(loginAs(t.app, person)).rejects.toThrow(/401/);
    const actions = (await auditActions(t.deps, person.id)).filter((a) => !a.startsWith('staff.login.'));
    expect(actions).toEqual(['staff.create', 'staff.disable', 'staff.session.revoke_all']);

    const list = (await asStaff(t.app, p.orgAdmin.cookie).get('/api/admin/staff')).json<{ staff: AdminStaff[] }>();
    expect(list.staff.find((s) => s.id === person.id)!.disabled).toBe(true);
  });

  it('does not let an organisation admin disable themselves, nor a service admin disable anyone', async () => {
    const self = await asStaff(t.app, p.orgAdmin.cookie).post(`/api/admin/staff/${p.orgAdmin.id}/disable`);
    expect(self.json()).toMatchObject({ code: 'cannot_disable_self' });
    const byServiceAdmin = await asStaff(t.app, p.serviceAdmin.cookie).post(
      `/api/admin/staff/${p.clinician.id}/disable`,
    );
    expect(byServiceAdmin.statusCode).toBe(404);
    const unknownField = await asStaff(t.app, p.orgAdmin.cookie).post(`/api/admin/staff/${p.clinician.id}/disable`, {
      reason: 'left',
    });
    expect(unknownField.statusCode).toBe(400);
    expect((await asStaff(t.app, p.clinician.cookie).get('/api/staff/me')).statusCode).toBe(200);
  });
});
