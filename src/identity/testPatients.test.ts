import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStaff, auditActions, makeAdminParties } from '../organisations/admin/testAdminParties.js';
import { testNhsNumber } from '../outbound/testSenders.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

describe('POST /api/admin/test-patients', () => {
  let on: TestApp;
  let off: TestApp;
  beforeAll(async () => {
    on = await buildTestApp({ config: { testPatients: true } });
    off = await buildTestApp();
  });
  afterAll(async () => {
    await on.close();
    await off.close();
  });

  it('lets an organisation admin enrol a 999 test patient, sealed and audited', async () => {
    const p = await makeAdminParties(on.app, on.deps);
    const nhsNumber = testNhsNumber();
    const res = await asStaff(on.app, p.orgAdmin.cookie).post('/api/admin/test-patients', {
      nhsNumber,
      identityLevel: 'P9',
      name: 'Pat Tester',
      phone: '07700 900123',
    });
    expect(res.statusCode).toBe(201);
    const { id } = res.json<{ id: string }>();
    expect(await auditActions(on.deps, id)).toEqual(['patient.test_enrol']);
    const raw = await on.deps.db.query<{ t: string }>('SELECT patients::text AS t FROM patients WHERE id = $1', [id]);
    expect(raw.rows[0]!.t).not.toContain(nhsNumber);
    expect(raw.rows[0]!.t).not.toContain('Pat Tester');
    // Enrolling again updates the same patient.
    const again = await asStaff(on.app, p.orgAdmin.cookie).post('/api/admin/test-patients', {
      nhsNumber,
      identityLevel: 'P5',
    });
    expect(again.json<{ id: string }>().id).toBe(id);
  });

  it('refuses real-range and invalid numbers, other roles, and deployments that do not allow it', async () => {
    const p = await makeAdminParties(on.app, on.deps);
    const admin = asStaff(on.app, p.orgAdmin.cookie);
    expect(
      (await admin.post('/api/admin/test-patients', { nhsNumber: '9434765919', identityLevel: 'P9' })).statusCode,
    ).toBe(400);
    // One digit off a valid number always fails the check digit.
    const valid = testNhsNumber();
    const bad = `${valid.slice(0, 9)}${(Number(valid[9]) + 1) % 10}`;
    const badCheck = await admin.post('/api/admin/test-patients', { nhsNumber: bad, identityLevel: 'P9' });
    expect(badCheck.statusCode).toBe(400);
    expect(badCheck.json<{ code: string }>().code).toBe('invalid_nhs_number');
    expect(
      (
        await asStaff(on.app, p.serviceAdmin.cookie).post('/api/admin/test-patients', {
          nhsNumber: testNhsNumber(),
          identityLevel: 'P9',
        })
      ).statusCode,
    ).toBe(404);
    const q = await makeAdminParties(off.app, off.deps);
    expect(
      (
        await asStaff(off.app, q.orgAdmin.cookie).post('/api/admin/test-patients', {
          nhsNumber: testNhsNumber(),
          identityLevel: 'P9',
        })
      ).statusCode,
    ).toBe(404);
  });
});
