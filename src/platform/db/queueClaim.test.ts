import { beforeAll, describe, expect, it } from 'vitest';
import { PUSH_CLAIM_SQL } from '../../outbound/push/dispatchPushes.js';
import { useMigratedDatabase } from '../../testing/testDatabase.js';
import { claimInQueueOrder, QUEUE_PLAN_SQL } from './queueClaim.js';

describe('queue claims', () => {
  const database = useMigratedDatabase();
  const db = () => database().db;
  const due = 20_000;
  beforeAll(async () => {
    // A queue filled in a burst: analysed while empty, then 20,000 pushes due at once. Autovacuum
    // is kept off this table so that it cannot analyse it again while the file runs.
    await db().exec('ALTER TABLE outbound_pushes SET (autovacuum_enabled = off)');
    await db().exec('ANALYZE outbound_pushes');
    await db().query(
      `INSERT INTO outbound_pushes (id, message_id, patient_id, due_at, created_at)
       SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), now() - n * interval '1 millisecond', now()
       FROM generate_series(1, $1) AS n`,
      [due],
    );
  });

  const plan = (settings: string | null) =>
    db().tx(async (q) => {
      if (settings) await q.exec(settings);
      const { rows } = await q.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${PUSH_CLAIM_SQL}`, [
        new Date(),
        new Date(Date.now() + 60_000),
        500,
      ]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });

  it('is planned from the stale statistics as a read and sort of every due row without the settings', async () => {
    // Why the settings exist: the planner expects a couple of dozen due rows, not 20,000.
    expect(await plan(null)).toMatch(/Sort Key: outbound_pushes.due_at/);
  });

  it("walks the due index in order and stops at the limit, whatever the table's statistics say", async () => {
    const ordered = await plan(QUEUE_PLAN_SQL);
    expect(ordered).toMatch(/Index Scan using outbound_pushes_due on outbound_pushes/);
    expect(ordered).not.toMatch(/Sort|Seq Scan|Bitmap/);
  });

  it('claims the rows due earliest first, a batch at a time, each once', async () => {
    const { rows: earliest } = await db().query<{ id: string }>(
      "SELECT id FROM outbound_pushes WHERE state = 'due' ORDER BY due_at LIMIT 1000",
    );
    const lease = new Date(Date.now() + 60_000);
    const first = await claimInQueueOrder<{ id: string }>(db(), PUSH_CLAIM_SQL, [new Date(), lease, 500]);
    const second = await claimInQueueOrder<{ id: string }>(db(), PUSH_CLAIM_SQL, [new Date(), lease, 500]);
    const claimed = [...first, ...second].map((r) => r.id);
    expect(claimed).toHaveLength(1000);
    expect(new Set(claimed)).toEqual(new Set(earliest.map((r) => r.id)));
  });
});
