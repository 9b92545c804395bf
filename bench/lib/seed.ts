/**
 * Database set-up for the benchmarks. There is no public API to create organisations yet, so the
 * organisation, services and staff are written through the project's own service functions,
 * straight to the database the server uses; all load then goes over HTTP and WebSocket.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createStaffAccount } from '../../src/identity/staffAccounts.js';
import { createOrganisation, type Organisation } from '../../src/organisations/organisations.js';
import { createService } from '../../src/organisations/services.js';
import { KeyRing } from '../../src/platform/crypto/keyring.js';
import { loadMasterKeys } from '../../src/platform/crypto/masterKeys.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { openPostgres } from '../../src/platform/db/postgres.js';
import { ALWAYS_OPEN } from '../../src/testing/factories.js';
import { mapLimit } from './http.js';

export function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** A fresh, empty database named confide_bench_<random>. */
export async function createBenchDatabase(adminUrl: string): Promise<string> {
  const name = `confide_bench_${randomBytes(5).toString('hex')}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  return name;
}

export async function dropBenchDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^confide_bench_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a bench database`);
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

/** pg_stat_database counters for one database, read from the admin connection. */
export async function readDatabaseStats(
  adminUrl: string,
  name: string,
): Promise<{ xactCommit: number; xactRollback: number; tupInserted: number; tupUpdated: number } | null> {
  const c = new pg.Client({ connectionString: adminUrl });
  try {
    await c.connect();
    const { rows } = await c.query<{
      xact_commit: string;
      xact_rollback: string;
      tup_inserted: string;
      tup_updated: string;
    }>('SELECT xact_commit, xact_rollback, tup_inserted, tup_updated FROM pg_stat_database WHERE datname = $1', [name]);
    const r = rows[0];
    return r
      ? {
          xactCommit: Number(r.xact_commit),
          xactRollback: Number(r.xact_rollback),
          tupInserted: Number(r.tup_inserted),
          tupUpdated: Number(r.tup_updated),
        }
      : null;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export type SeededService = { id: string; slug: string; staff: { id: string; email: string; password: string } };

/**
 * `organisations` organisations (NHS trusts; 1 by default) sharing `services` services round-robin,
 * each service with always-open hours and one clinician who is a member of that service only, so
 * each staff console hears one service.
 */
export async function seedOrganisations(
  url: string,
  masterKey: string,
  organisations: number,
  services: number,
  log: (line: string) => void,
): Promise<{ organisationIds: string[]; services: SeededService[] }> {
  const db = openPostgres(url, { max: 4 });
  try {
    await migrate(db);
    const keyring = new KeyRing(db, loadMasterKeys({ masterKey, previousMasterKeys: [], dataDir: '/nonexistent' }));
    // The server's own audit key (same master key), so entries written here verify with the rest.
    db.context.auditKey = await keyring.auditKey();
    const deps = { db, keyring };
    const tag = randomBytes(3).toString('hex');
    const orgs: Organisation[] = [];
    for (let o = 0; o < organisations; o++) {
      orgs.push(
        await createOrganisation(deps, {
          name: `Bench Community Health NHS Trust ${tag} ${o}`,
          odsCode: `B${tag}${o}`.toUpperCase().slice(0, 10),
        }),
      );
    }
    const password = randomBytes(15).toString('base64url');
    let done = 0;
    const seeded = await mapLimit(
      Array.from({ length: services }, (_, i) => i),
      2,
      async (i): Promise<SeededService> => {
        const org = orgs[i % organisations]!;
        const slug = `bench-${tag}-${i}`;
        const service = await createService(deps, org.id, {
          slug,
          name: `Bench service ${i}`,
          audience: 'Benchmark',
          weekly: ALWAYS_OPEN,
        });
        const email = `clinician-${i}-${tag}@bench.confide.local`;
        const staff = await createStaffAccount(deps, {
          organisationId: org.id,
          email,
          name: `Clinician ${i}`,
          password,
          memberships: [{ serviceId: service.id, role: 'clinician' }],
        });
        if (++done % 10 === 0 || done === services) log(`seeded ${done}/${services} services and clinicians`);
        return { id: service.id, slug, staff: { id: staff.id, email, password } };
      },
    );
    return { organisationIds: orgs.map((o) => o.id), services: seeded };
  } finally {
    await db.close();
  }
}
