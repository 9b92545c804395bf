import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CryptoKey } from 'jose';
import { enrolPatient } from '../identity/patients.js';
import { KeyRing } from '../platform/crypto/keyring.js';
import { loadMasterKeys } from '../platform/crypto/masterKeys.js';
import { migrate } from '../platform/db/migrate.js';
import { makeOrganisation, makeStaff } from '../testing/factories.js';
import { mapLimit } from '../testing/mapLimit.js';
import { ServerProcess } from '../testing/serverProcess.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../testing/testDatabase.js';
import { SIGNATURE_HEADER } from './callbacks/signature.js';
import { registerApiClient } from './clients/apiClients.js';
import { rsaKeyPair } from './testSenders.js';

/** A receipt callback as the client's receiver got it. */
export type Delivery = { key: string; signature: string; body: string; at: number };
export type CrashSender = { clientId: string; apiKey: string; kid: string; privateKey: CryptoKey; odsCode: string };

/**
 * What the crash test (crashSafety.test.ts) runs against: a migrated PostgreSQL database, a
 * sending client with a callback URL served by a local receiver that records every delivery, the
 * enrolled P9 patients, and a real server process on that database with the same master key.
 */
export type CrashBed = {
  tdb: TestDatabase;
  keyring: KeyRing;
  sender: CrashSender;
  callbackSecret: string;
  /** NHS number to patient id, for each enrolled patient. */
  patientOf: Map<string, string>;
  deliveries: Delivery[];
  server: ServerProcess;
  close(): Promise<void>;
};

export async function crashTestBed(enrolled: readonly string[]): Promise<CrashBed> {
  const masterKey = randomBytes(32).toString('base64');
  const tdb = await createTestDatabase();
  const deliveries: Delivery[] = [];
  let receiver: http.Server | null = null;
  try {
    await migrate(tdb.db);
    const keyring = new KeyRing(tdb.db, loadMasterKeys({ masterKey, previousMasterKeys: [], dataDir: '/nonexistent' }));
    // Audit entries written here must verify with the server's key: the same master key's.
    tdb.db.context.auditKey = await keyring.auditKey();
    const deps = { db: tdb.db, keyring, now: () => new Date() };

    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        deliveries.push({
          key: String(req.headers['idempotency-key']),
          signature: String(req.headers[SIGNATURE_HEADER]),
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/receipts`;

    const org = await makeOrganisation(deps);
    const admin = await makeStaff(deps, org.id, { isOrgAdmin: true });
    const kid = 'crash-test';
    const { privateKey, publicJwk } = await rsaKeyPair(kid);
    const client = await registerApiClient(
      { ...deps, config: testConfig({ allowPrivateCallbacks: true }) },
      { staffId: admin.id, organisationId: org.id, isOrgAdmin: true, roles: new Map(), ip: null },
      {
        name: 'Crash test sender',
        odsCode: org.odsCode,
        allowedLinkDomains: ['www.nhs.uk'],
        rateLimitPerMinute: 1_000_000,
        callbackUrl,
        jwks: { keys: [{ kty: 'RSA', kid, n: publicJwk.n!, e: publicJwk.e!, alg: 'RS512', use: 'sig' }] },
      },
    );
    const patientOf = new Map<string, string>();
    await mapLimit(enrolled, 8, async (nhsNumber) => {
      patientOf.set(nhsNumber, await enrolPatient(deps, { nhsNumber, identityLevel: 'P9' }));
    });
    const server = await ServerProcess.start({
      databaseUrl: tdb.url!,
      masterKey,
      env: { OUTBOUND_ALLOW_PRIVATE_CALLBACKS: 'true' },
    });
    const bed: CrashBed = {
      tdb,
      keyring,
      sender: { clientId: client.id, apiKey: client.apiKey, kid, privateKey, odsCode: org.odsCode },
      callbackSecret: client.callbackSecret!,
      patientOf,
      deliveries,
      server,
      async close() {
        await bed.server.kill();
        receiver!.closeAllConnections();
        await new Promise((resolve) => receiver!.close(resolve));
        await tdb.drop();
      },
    };
    return bed;
  } catch (err) {
    receiver?.closeAllConnections();
    receiver?.close();
    await tdb.drop();
    throw err;
  }
}

export type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One HTTP exchange; rejects when the connection fails or closes before the whole answer came. */
export function call(
  agent: http.Agent,
  base: URL,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        agent,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('answer cut off')));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const length = res.headers['content-length'];
          if (!res.complete || (length !== undefined && Number(length) !== bytes.length)) {
            reject(new Error('answer cut off'));
            return;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8') });
        });
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
