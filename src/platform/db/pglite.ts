import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, DbContext, Queryable } from './types.js';

/** dataDir undefined → in-memory (tests); otherwise a folder that persists across restarts. */
export async function openPglite(dataDir?: string): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir ?? 'memory://');
  const context: DbContext = { auditKey: null };
  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    context,
    async exec(sql: string) {
      await target.exec(sql);
    },
    async query<T>(sql: string, params?: readonly unknown[]) {
      const r = await target.query<T>(sql, params as unknown[] | undefined);
      // PGlite reports affectedRows 0 for SELECT; PostgreSQL's rowCount is the row count there.
      return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
    },
  });
  const db = wrap(pg);
  return {
    kind: 'pglite',
    ...db,
    write: (sql, params) => db.query(sql, params),
    // PGlite is a single connection: its transaction() holds the connection for the duration,
    // so concurrent callers queue behind it exactly as they would wait on a row lock.
    tx: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    close: () => pg.close(),
  };
}
