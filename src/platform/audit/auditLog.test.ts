import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/testDatabase.js';
import { migrate } from '../db/migrate.js';
import { appendAudit, recordAudit, verifyAudit } from './auditLog.js';

async function fill(tdb: TestDatabase, chain: string, n: number) {
  for (let i = 0; i < n; i++) {
    await recordAudit(tdb.db, {
      chain,
      actorKind: 'staff',
      actorId: `s${i}`,
      action: 'conversation.view',
      targetKind: 'conversation',
      targetId: `c${i}`,
    });
  }
}

describe('audit chain', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    await migrate(tdb.db);
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it('verifies an intact log, with concurrent writers on several chains', async () => {
    await Promise.all([fill(tdb, 'org-1', 20), fill(tdb, 'org-1', 20), fill(tdb, 'org-2', 10)]);
    const result = await verifyAudit(tdb.db, 7);
    expect(result).toEqual({ ok: true, chains: 2, entries: 50 });
  });

  it('rolls back with the change it describes', async () => {
    await expect(
      tdb.db.tx(async (q) => {
        await appendAudit(q, { chain: 'org-3', actorKind: 'system', actorId: null, action: 'x' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const { rows } = await tdb.db.query("SELECT 1 FROM audit_log WHERE chain = 'org-3'");
    expect(rows).toHaveLength(0);
    expect((await verifyAudit(tdb.db)).ok).toBe(true);
  });

  it('names the first edited entry', async () => {
    const t = await createTestDatabase();
    try {
      await migrate(t.db);
      await fill(t, 'org-x', 5);
      await t.db.query("UPDATE audit_log SET actor_id = 'someone-else' WHERE chain = 'org-x' AND position = 3");
      expect(await verifyAudit(t.db)).toMatchObject({
        ok: false,
        chain: 'org-x',
        position: 3,
        problem: 'entry content does not match its hash',
      });
    } finally {
      await t.drop();
    }
  });

  it('names a deleted entry in the middle and at the end', async () => {
    const t = await createTestDatabase();
    try {
      await migrate(t.db);
      await fill(t, 'org-y', 5);
      await t.db.query("DELETE FROM audit_log WHERE chain = 'org-y' AND position = 5");
      expect(await verifyAudit(t.db)).toMatchObject({ ok: false, chain: 'org-y', position: 5 });
      await t.db.query("DELETE FROM audit_log WHERE chain = 'org-y' AND position = 2");
      expect(await verifyAudit(t.db)).toMatchObject({
        ok: false,
        chain: 'org-y',
        position: 2,
        problem: 'entry 2 is missing',
      });
    } finally {
      await t.drop();
    }
  });
});
