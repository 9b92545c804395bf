import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CryptoKey } from 'jose';
import { expect } from 'vitest';
import { CALLBACK_PATH } from '../identity/patientSignIn/oidcClient.js';
import { PATIENT_SESSION_COOKIE } from '../identity/patientSignIn/patientSessions.js';
import { SIGN_IN_COOKIE } from '../identity/patientSignIn/signInAttempts.js';
import { enrolPatient } from '../identity/patients.js';
import { KeyRing } from '../platform/crypto/keyring.js';
import { loadMasterKeys } from '../platform/crypto/masterKeys.js';
import type { Deps } from '../platform/deps.js';
import { migrate } from '../platform/db/migrate.js';
import { makeOrganisation, makeStaff } from '../testing/factories.js';
import { mapLimit } from '../testing/mapLimit.js';
import { startOidcProvider, type TestOidcProvider } from '../testing/oidcProvider.js';
import { startPushService, type TestDevice, type TestPushService } from '../testing/pushService.js';
import { freePort, ServerProcess } from '../testing/serverProcess.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../testing/testDatabase.js';
import { SIGNATURE_HEADER, verifyCallbackSignature } from './callbacks/signature.js';
import { registerApiClient } from './clients/apiClients.js';
import { listInbox } from './inbox/patientInbox.js';
import { RECEIPT_REPORT_PATH } from './receipts/receiptReport.js';
import type { ReceiptTask } from './receipts/taskResource.js';
import { subscribePush } from './push/subscriptions.js';
import { TOKEN_PATH } from './auth/tokenRoute.js';
import { rsaKeyPair, signAssertion, tokenForm } from './testSenders.js';

/** A receipt callback as the client's receiver got it. */
export type Delivery = { key: string; signature: string; body: string; at: number };
export type CrashSender = { clientId: string; apiKey: string; kid: string; privateKey: CryptoKey; odsCode: string };

/**
 * What the crash test (crashSafety.test.ts) runs against: a migrated PostgreSQL database, a
 * sending client with a callback URL served by a local receiver that records every delivery, the
 * enrolled P9 patients (some with a device of a local push service), a local OpenID Connect
 * provider they sign in at, and a real server process on that database with the same master key.
 */
export type CrashBed = {
  tdb: TestDatabase;
  keyring: KeyRing;
  sender: CrashSender;
  callbackSecret: string;
  /** NHS number to patient id, for each enrolled patient. */
  patientOf: Map<string, string>;
  deliveries: Delivery[];
  /** The push service the devices belong to; it decrypts and checks every push. */
  push: TestPushService;
  /** NHS number to the patient's one device, for each patient given one. */
  deviceOf: Map<string, TestDevice>;
  server: ServerProcess;
  /**
   * Signs the enrolled patient in at the server through the provider, as their browser would, and
   * answers the patient session cookie's value.
   */
  signIn(server: ServerProcess, nhsNumber: string): Promise<string>;
  close(): Promise<void>;
};

/**
 * The server's settings beyond the production-like base. A push endpoint on 127.0.0.1 over plain
 * http needs PUSH_ALLOW_LOCAL_ENDPOINTS, and a provider on 127.0.0.1 over plain http needs
 * PATIENT_OIDC_ALLOW_HTTP; the configuration refuses both under NODE_ENV=production. The server
 * reads NODE_ENV for nothing else (LOG_LEVEL and SECURE_COOKIES are set by the base), so it runs
 * as 'test' and otherwise as in production.
 */
function serverSettings(provider: TestOidcProvider): Record<string, string> {
  const oidc = provider.config;
  return {
    NODE_ENV: 'test',
    OUTBOUND_ALLOW_PRIVATE_CALLBACKS: 'true',
    PUSH_ALLOW_LOCAL_ENDPOINTS: 'true',
    PATIENT_OIDC_ISSUER: oidc.issuer,
    PATIENT_OIDC_CLIENT_ID: oidc.clientId,
    PATIENT_OIDC_PRIVATE_KEY: oidc.privateKeyPem,
    PATIENT_OIDC_KID: oidc.kid ?? '',
    PATIENT_OIDC_SCOPES: oidc.scopes,
    PATIENT_OIDC_ALLOW_HTTP: 'true',
  };
}

/** The value of the cookie `name` an answer set, or null. */
function setCookie(res: Answer, name: string): string | null {
  for (const line of res.headers['set-cookie'] ?? []) {
    const pair = line.split(';')[0]!;
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === name && pair.slice(eq + 1) !== '') return pair.slice(eq + 1);
  }
  return null;
}

export async function crashTestBed(
  enrolled: readonly string[],
  /** Enrolled patients who also opt in to notifications on one device of the push service. */
  withDevice: readonly string[],
): Promise<CrashBed> {
  const masterKey = randomBytes(32).toString('base64');
  const tdb = await createTestDatabase();
  const deliveries: Delivery[] = [];
  let receiver: http.Server | null = null;
  let provider: TestOidcProvider | null = null;
  let push: TestPushService | null = null;
  try {
    await migrate(tdb.db);
    const keyring = new KeyRing(tdb.db, loadMasterKeys({ masterKey, previousMasterKeys: [], dataDir: '/nonexistent' }));
    // Audit entries written here must verify with the server's key: the same master key's.
    tdb.db.context.auditKey = await keyring.auditKey();
    const deps = { db: tdb.db, keyring, now: () => new Date(), config: testConfig({ pushAllowLocalEndpoints: true }) };

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
    push = await startPushService();
    const deviceOf = new Map<string, TestDevice>();
    for (const nhsNumber of withDevice) {
      const device = push.newDevice();
      // What the opt-in route does for the signed-in patient, without a sign-in first.
      await subscribePush(
        deps,
        { patientId: patientOf.get(nhsNumber)!, identityLevel: 'P9' },
        device.subscription,
        null,
      );
      deviceOf.set(nhsNumber, device);
    }

    // The provider registers the callback URL, so the server's port (kept across restarts) comes first.
    const port = await freePort();
    provider = await startOidcProvider({ redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}` });
    const accountOf = new Map<string, string>();
    for (const nhsNumber of enrolled) {
      accountOf.set(
        nhsNumber,
        provider.addAccount({ nhsNumber, identityLevel: 'P9', givenName: 'Pat', familyName: 'Example' }),
      );
    }
    const server = await ServerProcess.start({ databaseUrl: tdb.url!, masterKey, port, env: serverSettings(provider) });
    const agent = new http.Agent({ keepAlive: false });
    const signIn = async (srv: ServerProcess, nhsNumber: string): Promise<string> => {
      const started = await call(agent, srv.url, 'GET', '/api/patient/sign-in', {});
      const handle = setCookie(started, SIGN_IN_COOKIE);
      if (started.status !== 302 || !handle) throw new Error(`sign-in answered ${started.status} ${started.body}`);
      const back = await provider!.browse(String(started.headers.location), { as: accountOf.get(nhsNumber)! });
      if (back.origin !== srv.url.origin) throw new Error(`the provider sent the browser to ${back.origin}`);
      const done = await call(agent, srv.url, 'GET', `${back.pathname}${back.search}`, {
        cookie: `${SIGN_IN_COOKIE}=${handle}`,
      });
      const session = setCookie(done, PATIENT_SESSION_COOKIE);
      if (done.status !== 302 || !session) throw new Error(`the callback answered ${done.status} ${done.body}`);
      return session;
    };
    const bed: CrashBed = {
      tdb,
      keyring,
      sender: { clientId: client.id, apiKey: client.apiKey, kid, privateKey, odsCode: org.odsCode },
      callbackSecret: client.callbackSecret!,
      patientOf,
      deliveries,
      push,
      deviceOf,
      server,
      signIn,
      async close() {
        await bed.server.kill();
        agent.destroy();
        receiver!.closeAllConnections();
        await new Promise((resolve) => receiver!.close(resolve));
        await provider!.close();
        await push!.close();
        await tdb.drop();
      },
    };
    return bed;
  } catch (err) {
    receiver?.closeAllConnections();
    receiver?.close();
    await provider?.close();
    await push?.close();
    await tdb.drop();
    throw err;
  }
}

/**
 * Every message id the patient's inbox lists, page by page as the web app loads it (following
 * `next`), in the order listed; an id listed twice is there twice.
 */
export async function inboxIds(agent: http.Agent, base: URL, session: string): Promise<string[]> {
  const ids: string[] = [];
  let query = '';
  for (;;) {
    const res = await call(agent, base, 'GET', `/api/patient/messages${query}`, {
      cookie: `${PATIENT_SESSION_COOKIE}=${session}`,
    });
    if (res.status !== 200) throw new Error(`the inbox answered ${res.status} ${res.body.slice(0, 300)}`);
    const page = JSON.parse(res.body) as {
      messages: { id: string }[];
      next: { before: string; beforeId: string } | null;
    };
    ids.push(...page.messages.map((m) => m.id));
    if (!page.next) return ids;
    query = `?before=${encodeURIComponent(page.next.before)}&beforeId=${page.next.beforeId}`;
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

/** The same list as `inboxIds`, through the function behind the inbox route, for any patient. */
export async function inboxIdsOf(deps: Pick<Deps, 'db' | 'keyring'>, patientId: string): Promise<string[]> {
  const ids: string[] = [];
  let page: Awaited<ReturnType<typeof listInbox>> | null = null;
  do {
    const after = page?.next ? { before: new Date(page.next.before), beforeId: page.next.beforeId } : {};
    page = await listInbox(deps, { patientId, identityLevel: 'P9' }, { ip: null, ...after });
    ids.push(...page.messages.map((m) => m.id));
  } while (page.next);
  return ids;
}

/**
 * What is wrong with an inbox as listed (`who` names it): a message listed twice, one of `present`
 * missing, or one listed that is in neither `present` nor `allowed` (someone else's, or never
 * accepted).
 */
export function inboxProblems(who: string, listed: string[], present: string[], allowed: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const id of listed) {
    if (seen.has(id)) out.push(`${who}: ${id} listed twice`);
    seen.add(id);
  }
  const may = new Set([...present, ...allowed]);
  for (const id of present) if (!seen.has(id)) out.push(`${who}: ${id} answered 201 but not listed`);
  for (const id of seen) if (!may.has(id)) out.push(`${who}: ${id} listed but never accepted for them`);
  return out;
}

/**
 * Every receipt the client's report lists for these days, by id, paging through each day as a
 * client would; throws on a page that is not 200 or a receipt listed twice. Answers the pages read.
 */
export async function reportedReceipts(
  agent: http.Agent,
  base: URL,
  auth: Record<string, string>,
  days: Iterable<string>,
): Promise<{ reported: Map<string, ReceiptTask>; pages: number }> {
  const reported = new Map<string, ReceiptTask>();
  let pages = 0;
  for (const day of days) {
    for (let page = 1; ; page++) {
      const res = await call(agent, base, 'GET', `${RECEIPT_REPORT_PATH}?day=${day}&page=${page}`, auth);
      if (res.status !== 200) throw new Error(`the report answered ${res.status} ${res.body.slice(0, 500)}`);
      pages++;
      const bundle = JSON.parse(res.body) as { entry: { resource: ReceiptTask }[]; link: { relation: string }[] };
      for (const { resource } of bundle.entry) {
        if (reported.has(resource.id)) throw new Error(`${resource.id} reported twice`);
        reported.set(resource.id, resource);
      }
      if (!bundle.link.some((l) => l.relation === 'next')) break;
    }
  }
  return { reported, pages };
}

/**
 * What is wrong with the callbacks posted, against the receipts reported (by id): each post must be
 * signed with the client's secret, keyed by its receipt's id, be that receipt as reported, and, if
 * posted again, carry the same body.
 */
export function postProblems(
  deliveries: readonly Delivery[],
  callbackSecret: string,
  reported: ReadonlyMap<string, ReceiptTask>,
): string[] {
  const now = new Date();
  const bodyOf = new Map<string, string>();
  const bad: string[] = [];
  for (const d of deliveries) {
    const task = JSON.parse(d.body) as ReceiptTask;
    if (!verifyCallbackSignature(callbackSecret, d.body, d.signature, now, 3_600)) bad.push(`${d.key}: signature`);
    if (task.id !== d.key || !reported.has(d.key)) bad.push(`${d.key}: not the receipt ${task.id}`);
    if (JSON.stringify(task) !== JSON.stringify(reported.get(d.key))) bad.push(`${d.key}: differs from the report`);
    if (bodyOf.has(d.key) && bodyOf.get(d.key) !== d.body) bad.push(`${d.key}: repeated with another body`);
    bodyOf.set(d.key, d.body);
  }
  return bad;
}

/** A bearer token for the sender from the server's token endpoint, over real HTTP, as a header. */
export async function bearerOver(
  agent: http.Agent,
  srv: ServerProcess,
  sender: CrashSender,
): Promise<{ authorization: string }> {
  const assertion = await signAssertion(sender, new URL(TOKEN_PATH, srv.url).toString());
  const res = await call(
    agent,
    srv.url,
    'POST',
    TOKEN_PATH,
    { 'content-type': 'application/x-www-form-urlencoded' },
    Buffer.from(tokenForm(assertion)),
  );
  expect(res.status, res.body).toBe(200);
  return { authorization: `Bearer ${(JSON.parse(res.body) as { access_token: string }).access_token}` };
}

/** The message id of each entry of a batch-response answered 201; null for the others. */
export function bundleEntryIds(res: Answer): (string | null)[] {
  const bundle = JSON.parse(res.body) as {
    type: string;
    entry: { response: { status: string; location?: string } }[];
  };
  expect(bundle.type).toBe('batch-response');
  return bundle.entry.map((e) =>
    e.response.status === '201 Created'
      ? /^CommunicationRequest\/([0-9a-f-]{36})$/.exec(e.response.location!)![1]!
      : null,
  );
}

/** The message id in a single send's Location header. */
export function locationId(res: Answer): string {
  return /\/CommunicationRequest\/([0-9a-f-]{36})$/.exec(String(res.headers.location))![1]!;
}
