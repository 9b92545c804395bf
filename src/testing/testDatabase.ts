import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../config.js';
import { migrate } from '../platform/db/migrate.js';
import { openPglite } from '../platform/db/pglite.js';
import { openPostgres } from '../platform/db/postgres.js';
import type { Db } from '../platform/db/types.js';

/**
 * The suite runs twice in CI: on embedded PGlite (default) and on PostgreSQL
 * (CONFIDE_TEST_DB=postgres). Each test file gets its own database, dropped afterwards.
 */
const target = process.env.CONFIDE_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
const adminUrl = process.env.CONFIDE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = { db: Db; url: string | null; drop: () => Promise<void> };

export async function createTestDatabase(): Promise<TestDatabase> {
  if (target === 'pglite') {
    const db = await openPglite();
    return { db, url: null, drop: () => db.close() };
  }
  const name = `confide_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), { max: 10 });
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A migrated database for the tests of the enclosing describe block (or file): created before
 * them, dropped after. Call the returned function inside a test or hook to reach it.
 */
export function useMigratedDatabase(): () => TestDatabase {
  let tdb: TestDatabase | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    await migrate(tdb.db);
  });
  afterAll(async () => {
    await tdb?.drop();
  });
  return () => {
    if (!tdb) throw new Error('the test database is made in beforeAll');
    return tdb;
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig(
    { NODE_ENV: 'test', MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    { serveWeb: false, ...overrides },
  );
}
