/**
 * Set-up for the outbound benchmark, through the project's own functions where they exist: an
 * organisation, its administrator, a registered API client with a real RS512 key pair, and P9
 * patients. There is no bulk enrolment function, so patients are written here in chunks with one
 * `unnest` INSERT each, sealed and hashed exactly as `enrolPatient` does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { createStaffAccount } from '../../src/identity/staffAccounts.js';
import { registerApiClient } from '../../src/outbound/clients/apiClients.js';
import { rsaKeyPair } from '../../src/outbound/testSenders.js';
import { createOrganisation } from '../../src/organisations/organisations.js';
import { KeyRing, PLATFORM_SCOPE } from '../../src/platform/crypto/keyring.js';
import { loadMasterKeys } from '../../src/platform/crypto/masterKeys.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { openPostgres } from '../../src/platform/db/postgres.js';
import type { Db } from '../../src/platform/db/types.js';
import { mapLimit } from './http.js';

export type BenchDeps = { db: Db; keyring: KeyRing; now: () => Date };

export type Sender = {
  organisationId: string;
  odsCode: string;
  clientId: string;
  apiKey: string;
  kid: string;
  privateKey: CryptoKey;
};

/** The bench's own connection to the server's database, with the server's key ring (same master key). */
export async function openBenchDeps(url: string, masterKey: string): Promise<BenchDeps> {
  const db = openPostgres(url, { max: 4 });
  await migrate(db);
  const keyring = new KeyRing(db, loadMasterKeys({ masterKey, previousMasterKeys: [], dataDir: '/nonexistent' }));
  // Audit entries written here must verify with the server's, so they use the server's key.
  db.context.auditKey = await keyring.auditKey();
  return { db, keyring, now: () => new Date() };
}

/** A sending system as an organisation administrator would register it. */
export async function seedSender(deps: BenchDeps): Promise<Sender> {
  const tag = randomBytes(4).toString('hex').toUpperCase();
  const org = await createOrganisation(deps, { name: `Bench Outbound NHS Trust ${tag}`, odsCode: `B${tag}` });
  const admin = await createStaffAccount(deps, {
    organisationId: org.id,
    email: `outbound-admin-${tag.toLowerCase()}@bench.confide.local`,
    name: 'Outbound administrator',
    password: randomBytes(15).toString('base64url'),
    isOrgAdmin: true,
  });
  const kid = `bench-${tag.toLowerCase()}`;
  const { privateKey, publicJwk } = await rsaKeyPair(kid);
  if (!publicJwk.n || !publicJwk.e) throw new Error('generated key has no modulus or exponent');
  const client = await registerApiClient(
    deps,
    { staffId: admin.id, organisationId: org.id, isOrgAdmin: true, roles: new Map(), ip: null },
    {
      name: `Bench sender ${tag}`,
      odsCode: org.odsCode,
      allowedLinkDomains: ['www.nhs.uk'],
      // The schema's maximum: the bench measures the server, not its per-client throttle.
      rateLimitPerMinute: 1_000_000,
      jwks: { keys: [{ kty: 'RSA', kid, n: publicJwk.n, e: publicJwk.e, alg: 'RS512', use: 'sig' }] },
    },
  );
  return {
    organisationId: org.id,
    odsCode: org.odsCode,
    clientId: client.id,
    apiKey: client.apiKey,
    kid,
    privateKey,
  };
}

const ENROL_CHUNK = 5_000;

/** P9 patients for these NHS numbers; an existing patient is raised to P9, as enrolPatient does. */
export async function enrolPatients(deps: BenchDeps, nhsNumbers: readonly string[]): Promise<void> {
  const seal = await deps.keyring.sealer(PLATFORM_SCOPE);
  const chunks: string[][] = [];
  for (let i = 0; i < nhsNumbers.length; i += ENROL_CHUNK) chunks.push(nhsNumbers.slice(i, i + ENROL_CHUNK));
  const now = deps.now();
  await mapLimit(chunks, 2, async (chunk) => {
    const hmacs = await Promise.all(chunk.map((n) => deps.keyring.lookupHmac(n)));
    await deps.db.query(
      `INSERT INTO patients (id, nhs_number_hmac, nhs_number_enc, identity_level, created_at)
       SELECT t.id, t.hmac, t.enc, 'P9', $4 FROM unnest($1::uuid[], $2::bytea[], $3::bytea[]) AS t(id, hmac, enc)
       ON CONFLICT (nhs_number_hmac) DO UPDATE SET identity_level = 'P9'`,
      [chunk.map(() => randomUUID()), hmacs, chunk.map((n) => seal(n)), now],
    );
  });
}

/**
 * Run between phases, so that none pays for the one before: the previous phase's rows vacuumed
 * and analysed now rather than by autovacuum during the next, and its dirty pages written out
 * now rather than by a checkpoint in the middle of the next. A role that may not do either
 * (against `--url`) only loses that evenness, so failures are reported and passed over.
 */
export async function settleDatabase(deps: BenchDeps, log: (line: string) => void): Promise<void> {
  for (const sql of [
    'VACUUM (ANALYZE) patients, outbound_messages, outbound_receipts, push_subscriptions, outbound_pushes',
    'CHECKPOINT',
  ]) {
    try {
      await deps.db.exec(sql);
    } catch (err) {
      log(`warning: ${sql.split(' ')[0]} between phases failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
