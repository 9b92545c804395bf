import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSender, accessTokenFor, testNhsNumber } from '../outbound/testSenders.js';
import { makeStaff } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { SESSION_GRACE_MS, sweepExpiredCredentials } from './expiredCredentials.js';
import { createPatientSession } from './patientSignIn/patientSessions.js';
import { enrolPatient } from './patients.js';
import { createSession } from './sessions.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('the expired credential sweep', () => {
  let t: TestApp;
  let clock = Date.now();
  beforeAll(async () => {
    t = await buildTestApp({ now: () => new Date(clock) });
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async (table: string) =>
    (await t.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const counts = async () => ({
    jtis: await count('api_assertion_jtis'),
    staff: await count('sessions'),
    patients: await count('patient_sessions'),
  });

  it('removes a jti once its assertion has expired, and a session a day after its own end', async () => {
    const start = clock;
    const sender = await makeSender(t.app, t.deps);
    await accessTokenFor(t.app, sender);
    const staff = await makeStaff(t.deps, sender.organisationId);
    const patientId = await enrolPatient(t.deps, { nhsNumber: testNhsNumber(), identityLevel: 'P9' });
    await t.deps.db.tx(async (q) => {
      await createSession(q, t.deps, staff.id);
      await createPatientSession(q, t.deps, patientId, 'P9');
    });
    const before = await counts();
    expect(before).toMatchObject({ jtis: 1, patients: 1 });
    // The sender's admin signed in too: two staff sessions.
    expect(before.staff).toBe(2);

    // Nothing has ended yet.
    expect(await sweepExpiredCredentials(t.deps)).toBe(0);
    expect(await counts()).toEqual(before);

    // The assertion (good for at most 5 minutes) has expired; the sessions have not.
    clock = start + 10 * MINUTE;
    expect(await sweepExpiredCredentials(t.deps)).toBe(1);
    expect(await counts()).toEqual({ ...before, jtis: 0 });

    // The sessions have ended, but are kept for a day after.
    const ended =
      start + Math.max(t.deps.config.sessionAbsoluteHours, t.deps.config.patientSessionAbsoluteHours) * HOUR;
    clock = ended + SESSION_GRACE_MS - MINUTE;
    expect(await sweepExpiredCredentials(t.deps)).toBe(0);
    expect(await counts()).toEqual({ ...before, jtis: 0 });

    // A day on they go; a session started now stays.
    clock = ended + SESSION_GRACE_MS + MINUTE;
    await t.deps.db.tx((q) => createSession(q, t.deps, staff.id));
    expect(await sweepExpiredCredentials(t.deps)).toBe(2);
    expect(await counts()).toEqual({ jtis: 0, staff: 1, patients: 0 });
  });

  it('deletes a batch at a time, saying how many went', async () => {
    const sender = await makeSender(t.app, t.deps);
    const expired = new Date(clock - HOUR);
    await t.deps.db.query(
      `INSERT INTO api_assertion_jtis (client_id, jti, expires_at)
       SELECT $1, 'jti-' || n, $2 FROM generate_series(1, 5) AS n`,
      [sender.id, expired],
    );
    const batches: number[] = [];
    for (let n = -1; n !== 0;) {
      n = await sweepExpiredCredentials(t.deps, { limit: 2 });
      batches.push(n);
    }
    expect(batches).toEqual([2, 2, 1, 0]);
    expect(await count('api_assertion_jtis')).toBe(0);
  });
});
