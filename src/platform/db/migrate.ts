import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Db } from './types.js';

export const MIGRATIONS_DIR = new URL('../../../migrations/', import.meta.url);
// Any constant works; it only has to be the same on every node so two starting nodes never race.
const MIGRATION_LOCK_KEY = 727_001;

type Migration = { version: number; name: string; sql: string; checksum: string };

export function readMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(new URL(file, dir), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/**
 * Applies pending migrations in order, each in its own transaction, under a session advisory lock.
 * Forward only: an applied migration whose file has changed is an error, never silently re-run.
 */
export async function migrate(db: Db, dir?: URL): Promise<{ applied: string[] }> {
  const migrations = readMigrations(dir);
  const applied: string[] = [];
  await db.tx(async (q) => {
    // Transaction-scoped lock: released on commit/rollback, and works on a pooled connection.
    await q.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await q.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await q.query<{ version: number; checksum: string; name: string }>(
      'SELECT version, checksum, name FROM schema_migrations',
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const m of migrations) {
      const prior = done.get(m.version);
      if (prior) {
        if (prior.checksum !== m.checksum) {
          throw new Error(
            `migration ${m.version}_${m.name} has changed since it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
    }
  });
  return { applied };
}
