import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { DEMO_PATIENTS, seedDemo } from './seedDemo.js';

describe('seedDemo', () => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'confide-demo-'));
    t = await buildTestApp({ config: { dataDir } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds once, keeps its logins on a second run, and enrols the test patients', async () => {
    const first = await seedDemo(t.deps);
    const second = await seedDemo(t.deps);
    expect(second).toEqual(first);
    const levels = await Promise.all(
      DEMO_PATIENTS.map(async (p) => {
        const { rows } = await t.deps.db.query<{ identity_level: string }>(
          'SELECT identity_level FROM patients WHERE nhs_number_hmac = $1',
          [await t.deps.keyring.lookupHmac(p.nhsNumber)],
        );
        return rows.map((r) => r.identity_level);
      }),
    );
    expect(levels).toEqual([['P9'], ['P9'], ['P5']]);
  });
});
