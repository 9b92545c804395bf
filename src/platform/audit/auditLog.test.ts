import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/testDatabase.js';
import { migrate } from '../db/migrate.js';
import { appendAudit, auditBatchCte, GENESIS_HASH, recordAudit, verifyAudit } from './auditLog.js';

const KEY = randomBytes(32);

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
    tdb.db.context.auditKey = KEY;
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it('verifies an intact log, with concurrent writers on several chains', async () => {
    await Promise.all([fill(tdb, 'org-1', 20), fill(tdb, 'org-1', 20), fill(tdb, 'org-2', 10)]);
    const result = await verifyAudit(tdb.db, KEY, 7);
    expect(result).toEqual({ ok: true, chains: 2, entries: 50 });
  });

  it('appends a batch inside one statement, for the rows written only, interleaved with other appends', async () => {
    // `written` stands for the rows a write statement changed: only those targets are audited.
    const batch = async (targets: string[], written: string[], ip: string | null) => {
      const values: unknown[] = [written];
      const param = (v: unknown) => {
        values.push(v);
        return `$${values.length}`;
      };
      const cte = auditBatchCte(tdb.db, param, {
        chain: 'org-batch',
        actorKind: 'api_client',
        actorId: 'client-1',
        action: 'outbound.in_app',
        targetKind: 'outbound_message',
        targets: targets.map((id) => ({ id, ip })),
        written: 'w',
      });
      const { rows } = await tdb.db.write<{ appended: number }>(
        `WITH w AS (SELECT unnest($1::text[]) AS id), ${cte} SELECT appended FROM audit_batch`,
        values,
      );
      return rows[0]!.appended;
    };
    const results = await Promise.all([
      batch(['m1', 'm2', 'm3', 'm4', 'm5'], ['m1', 'm3', 'm5'], '192.0.2.1'),
      batch(['m6', 'm7'], ['m6', 'm7'], null),
      fill(tdb, 'org-batch', 4),
      batch(['m8'], [], '192.0.2.2'),
      batch(['m9'], ['m9'], '192.0.2.3'),
    ]);
    expect([results[0], results[1], results[3], results[4]]).toEqual([3, 2, 0, 1]);
    const { rows } = await tdb.db.query<{ position: string; target_id: string }>(
      "SELECT position, target_id FROM audit_log WHERE chain = 'org-batch' ORDER BY position",
    );
    expect(rows.map((r) => Number(r.position))).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(
      rows
        .map((r) => r.target_id)
        .filter((t) => t.startsWith('m'))
        .sort(),
    ).toEqual(['m1', 'm3', 'm5', 'm6', 'm7', 'm9'].sort());
    expect(await verifyAudit(tdb.db, KEY, 4)).toMatchObject({ ok: true });
    // A batch entry edited afterwards is caught like any other.
    await tdb.db.query("UPDATE audit_log SET ip = '198.51.100.9' WHERE chain = 'org-batch' AND target_id = 'm9'");
    expect(await verifyAudit(tdb.db, KEY)).toMatchObject({ ok: false, chain: 'org-batch' });
    await tdb.db.query("UPDATE audit_log SET ip = '192.0.2.3' WHERE chain = 'org-batch' AND target_id = 'm9'");
    expect((await verifyAudit(tdb.db, KEY)).ok).toBe(true);
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
    expect((await verifyAudit(tdb.db, KEY)).ok).toBe(true);
  });

  it('names the first edited entry', async () => {
    const t = await createTestDatabase();
    try {
      await migrate(t.db);
      t.db.context.auditKey = KEY;
      await fill(t, 'org-x', 5);
      await t.db.query("UPDATE audit_log SET actor_id = 'someone-else' WHERE chain = 'org-x' AND position = 3");
      expect(await verifyAudit(t.db, KEY)).toMatchObject({
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
      t.db.context.auditKey = KEY;
      await fill(t, 'org-y', 5);
      await t.db.query("DELETE FROM audit_log WHERE chain = 'org-y' AND position = 5");
      expect(await verifyAudit(t.db, KEY)).toMatchObject({ ok: false, chain: 'org-y', position: 5 });
      await t.db.query("DELETE FROM audit_log WHERE chain = 'org-y' AND position = 2");
      expect(await verifyAudit(t.db, KEY)).toMatchObject({
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

describe('audit chain against someone who can write to the database', () => {
  it('detects a chain recomputed without the key', async () => {
    const t = await createTestDatabase();
    try {
      await migrate(t.db);
      t.db.context.auditKey = KEY;
      await fill(t, 'org-z', 3);
      // Rewrite entry 2 and recompute every later hash and the head with a key of the attacker's own.
      await t.db.query("UPDATE audit_log SET actor_id = 'covered-up' WHERE chain = 'org-z' AND position = 2");
      const { rows } = await t.db.query<{
        id: number;
        chain: string;
        at: Date;
        actor_kind: string;
        actor_id: string | null;
        action: string;
        target_kind: string | null;
        target_id: string | null;
        ip: string | null;
        reason: string | null;
      }>(
        "SELECT id, chain, at, actor_kind, actor_id, action, target_kind, target_id, ip, reason FROM audit_log WHERE chain = 'org-z' ORDER BY position",
      );
      const forged = randomBytes(32);
      let prev: Buffer = GENESIS_HASH;
      for (const r of rows) {
        const canon = JSON.stringify([
          r.chain,
          new Date(r.at).toISOString(),
          r.actor_kind,
          r.actor_id,
          r.action,
          r.target_kind,
          r.target_id,
          r.ip,
          r.reason,
        ]);
        const hash = createHmac('sha256', forged).update(prev).update(canon).digest();
        await t.db.query('UPDATE audit_log SET prev_hash = $2, hash = $3 WHERE id = $1', [r.id, prev, hash]);
        prev = hash;
      }
      await t.db.query("UPDATE audit_heads SET hash = $1 WHERE chain = 'org-z'", [prev]);
      expect(await verifyAudit(t.db, KEY)).toMatchObject({ ok: false, chain: 'org-z', position: 1 });
    } finally {
      await t.drop();
    }
  });

  it('detects a conversation chain deleted with its head', async () => {
    const t = await createTestDatabase();
    try {
      await migrate(t.db);
      t.db.context.auditKey = KEY;
      const id = '00000000-0000-4000-8000-000000000001';
      await recordAudit(t.db, {
        chain: 'org-c',
        actorKind: 'service_user',
        actorId: id,
        action: 'conversation.start',
        targetKind: 'conversation',
        targetId: id,
      });
      await recordAudit(t.db, {
        chain: `conversation:${id}`,
        actorKind: 'service_user',
        actorId: id,
        action: 'conversation.start',
        targetKind: 'conversation',
        targetId: id,
      });
      expect((await verifyAudit(t.db, KEY)).ok).toBe(true);
      await t.db.query('DELETE FROM audit_log WHERE chain = $1', [`conversation:${id}`]);
      await t.db.query('DELETE FROM audit_heads WHERE chain = $1', [`conversation:${id}`]);
      expect(await verifyAudit(t.db, KEY)).toMatchObject({ ok: false, chain: `conversation:${id}` });
    } finally {
      await t.drop();
    }
  });
});
