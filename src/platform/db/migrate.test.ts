import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/testDatabase.js';
import { migrate, readMigrations } from './migrate.js';

describe('migrations', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it('applies every migration once and is re-runnable', async () => {
    const first = await migrate(tdb.db);
    expect(first.applied.length).toBe(readMigrations().length);
    const second = await migrate(tdb.db);
    expect(second.applied).toEqual([]);
    const { rows } = await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0]!.n).toBe(readMigrations().length);
  });

  it('concurrent runs apply a migration once, and a changed applied file is refused', async () => {
    const fresh = await createTestDatabase();
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'confide-mig-'));
      writeFileSync(path.join(dir, '0001_probe.sql'), 'CREATE TABLE probe (id int);');
      const url = pathToFileURL(dir + '/');
      const [a, b] = await Promise.all([migrate(fresh.db, url), migrate(fresh.db, url)]);
      expect([...a.applied, ...b.applied]).toEqual(['0001_probe']);
      writeFileSync(path.join(dir, '0001_probe.sql'), 'CREATE TABLE probe (id bigint);');
      await expect(migrate(fresh.db, url)).rejects.toThrow(/has changed/);
    } finally {
      await fresh.drop();
    }
  });
});
