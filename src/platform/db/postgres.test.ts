import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/testDatabase.js';
import { ServiceUnavailable } from '../http/errors.js';
import { openPostgres } from './postgres.js';

// PostgreSQL's pool only: the embedded database has one connection and no pool to saturate.
describe.skipIf(process.env.CONFIDE_TEST_DB !== 'postgres')('PostgreSQL pool under overload', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it('refuses a write with 503 when the queue is full, and still serves reads', async () => {
    const db = openPostgres(tdb.url!, { max: 1, maxWaitingWrites: 1 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = db.tx(async () => held);
    await new Promise((r) => setTimeout(r, 50));
    const second = db.tx(async (q) => (await q.query<{ n: number }>('SELECT 2 AS n')).rows[0]!.n);
    await new Promise((r) => setTimeout(r, 50));
    await expect(db.tx(async () => 3)).rejects.toBeInstanceOf(ServiceUnavailable);
    await expect(db.write('SELECT 3', [])).rejects.toBeInstanceOf(ServiceUnavailable);
    const read = db.query<{ n: number }>('SELECT 4 AS n');
    release();
    await first;
    expect(await second).toBe(2);
    expect((await read).rows[0]!.n).toBe(4);
    await db.close();
  });

  it('runs a write asking for a generic plan on connections that plan once, and only that write', async () => {
    const db = openPostgres(tdb.url!, { max: 2 });
    const mode = async (genericPlan?: boolean) =>
      (await db.write<{ mode: string }>('SELECT current_setting($1) AS mode', ['plan_cache_mode'], { genericPlan }))
        .rows[0]!.mode;
    expect(await mode(true)).toBe('force_generic_plan');
    expect(await mode()).toBe('auto');
    const shown = "SELECT current_setting('plan_cache_mode') AS mode";
    expect((await db.query<{ mode: string }>(shown)).rows[0]!.mode).toBe('auto');
    expect(await db.tx(async (q) => (await q.query<{ mode: string }>(shown)).rows[0]!.mode)).toBe('auto');
    // Closing ends both sets of connections (a connection left open would hold the test's end).
    await db.close();
  });
});
