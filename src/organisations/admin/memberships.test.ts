import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeService, makeStaff } from '../../testing/factories.js';
import { loginAs } from '../../testing/login.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';

describe('memberships by a service admin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 404 for someone outside their services instead of revealing their name and email', async () => {
    const org = await makeOrganisation(t.deps);
    const mine = await makeService(t.deps, org.id);
    const theirs = await makeService(t.deps, org.id);
    const admin = await makeStaff(t.deps, org.id, { memberships: [{ serviceId: mine.id, role: 'service_admin' }] });
    const other = await makeStaff(t.deps, org.id, {
      name: 'Dr Other Team',
      memberships: [{ serviceId: theirs.id, role: 'clinician' }],
    });
    const cookie = await loginAs(t.app, admin);
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/staff/${other.id}/memberships`,
      headers: { cookie },
      payload: { memberships: [] },
    });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Other Team');
    // Adding them to the admin's own service is allowed, and then they are the admin's to see.
    const added = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/staff/${other.id}/memberships`,
      headers: { cookie },
      payload: { memberships: [{ serviceId: mine.id, role: 'clinician' }] },
    });
    expect(added.statusCode).toBe(200);
  });
});
