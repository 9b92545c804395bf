import { createHash } from 'node:crypto';
import pg from 'pg';
import { ServiceUnavailable } from '../http/errors.js';
import type { Db, DbContext, Queryable, QueryResult } from './types.js';

// int8 (counts, sequence numbers) as JS numbers, matching PGlite; values stay far below 2^53.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Writes queued behind this many waiting callers are refused at once (503, retry shortly) instead
 * of joining a queue that only grows: under overload, accepted requests keep their latency and the
 * reads that deliver live updates are not starved. Reads are never refused.
 */
const DEFAULT_MAX_WAITING_WRITES = 64;
/** Generic-plan writes are the group-committed sends: a few in flight per sending client. */
const GENERIC_PLAN_CONNECTIONS = 8;

const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `c${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    // Bounded: SQL texts are the application's own constants, so this stays small.
    if (statementNames.size < 5000) statementNames.set(sql, name);
  }
  return name;
}

export function openPostgres(connectionString: string, opts: { max?: number; maxWaitingWrites?: number } = {}): Db {
  const maxWaitingWrites = opts.maxWaitingWrites ?? DEFAULT_MAX_WAITING_WRITES;
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 20, types });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Connections for writes asking for generic plans (WriteOptions): a setting of the session, so
  // they are kept apart, made when first wanted, and run nothing else.
  let genericPool: pg.Pool | null = null;
  const genericPlans = () => {
    if (!genericPool) {
      genericPool = new pg.Pool({
        connectionString,
        max: GENERIC_PLAN_CONNECTIONS,
        types,
        options: '-c plan_cache_mode=force_generic_plan',
      });
      genericPool.on('error', () => undefined);
    }
    return genericPool;
  };

  const query = async <T>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    // Parameterised statements are prepared once per connection under a name derived from their
    // text, so the hot paths skip parsing and planning on every call.
    const r = params?.length
      ? await client.query({ name: statementName(sql), text: sql, values: params as unknown[] })
      : await client.query(sql);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 } satisfies QueryResult<T>;
  };

  const context: DbContext = { auditKey: null };
  return {
    kind: 'postgres',
    context,
    query: (sql, params) => query(pool, sql, params),
    async tx(fn) {
      if (pool.waitingCount >= maxWaitingWrites) throw new ServiceUnavailable();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const q: Queryable = {
          context,
          query: (sql, params) => query(client, sql, params),
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async write(sql, params, writeOpts) {
      const target = writeOpts?.genericPlan ? genericPlans() : pool;
      if (target.waitingCount >= maxWaitingWrites) throw new ServiceUnavailable();
      return query(target, sql, params);
    },
    async exec(sql) {
      await pool.query(sql);
    },
    close: async () => {
      await Promise.all([pool.end(), genericPool?.end()]);
    },
  };
}
