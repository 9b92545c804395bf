import type { LightMyRequestResponse } from 'fastify';
import type { Config } from '../../config.js';
import { PATIENT_SESSION_COOKIE } from '../../identity/patientSignIn/patientSessions.js';
import { signedInAs } from '../../identity/patientSignIn/testSignIn.js';
import { fromLondon, londonDateOf } from '../../platform/calendar/index.js';
import { startOidcProvider, type TestOidcProvider } from '../../testing/oidcProvider.js';
import { startPushService, type TestPushService } from '../../testing/pushService.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { CHANNEL_PATH } from '../fhir/systems.js';
import {
  accessTokenFor,
  batchBundle,
  inAppRequest,
  makeSender,
  testNhsNumber,
  type TestSender,
} from '../testSenders.js';

/**
 * Test set-up for Web Push: the app, a local OpenID Connect provider to sign patients in, a local
 * push service standing in for the browsers' push services, and an API client with a callback URL.
 * The app's clock is settable; by default it reads 14:00 London time three days ago, so pushes are
 * never held by quiet hours whenever the tests run. Sign-ins and the access token are taken at
 * real time (the provider and client assertions are checked against it) and stay valid at the
 * earlier clock.
 */

export const PUBLIC_URL = 'https://patients.confide.test';

/** An instant by London wall-clock time, `daysAgo` days before today (London's today). */
export function londonTime(daysAgo: number, hour: number, minute = 0, second = 0): number {
  const today = londonDateOf(Date.now());
  return fromLondon({ ...today, day: today.day - daysAgo, hour, minute, second, millisecond: 0 }).getTime();
}

export type Patient = { nhsNumber: string; session: string; patientId: string };

export type PushBed = {
  t: TestApp;
  provider: TestOidcProvider;
  push: TestPushService;
  sender: TestSender;
  /** Sets the app's clock (ms), or real time with null. */
  setClock(ms: number | null): void;
  now(): number;
  person(identityLevel?: 'P9' | 'P5'): Promise<Patient>;
  subscribe(session: string, subscription: object): Promise<LightMyRequestResponse>;
  /** Sends a message to the NHS number and returns its id. */
  send(nhsNumber: string, opts?: { channel?: 'in_app' | 'notification'; content?: string }): Promise<string>;
  /** Sends a bulk Bundle of in-app messages; answers each entry's message id and status. */
  sendBundle(nhsNumbers: string[]): Promise<{ id: string; status: string }[]>;
  receipts(messageId: string): Promise<{ code: string; reason: string | null; callback: boolean }[]>;
  pushOf(messageId: string): Promise<{ id: string; due_at: Date; state: string; attempts: number } | undefined>;
  close(): Promise<void>;
};

export const DAYTIME = () => londonTime(3, 14);

export async function pushTestBed(
  config: Partial<Config> = {},
  opts: { logStream?: { write(line: string): void } } = {},
): Promise<PushBed> {
  const provider = await startOidcProvider({ redirectUri: `${PUBLIC_URL}/api/patient/sign-in/callback` });
  const push = await startPushService();
  let clock: number | null = null;
  const t = await buildTestApp({
    config: {
      publicUrl: PUBLIC_URL,
      patientOidc: provider.config,
      pushAllowLocalEndpoints: true,
      allowPrivateCallbacks: true,
      ...config,
    },
    now: () => new Date(clock ?? Date.now()),
    ...opts,
  });
  // Never delivered here (nothing runs deliverDueCallbacks): only whether one is queued matters.
  const sender = await makeSender(t.app, t.deps, { callbackUrl: 'http://127.0.0.1:9/callbacks' });
  const token = await accessTokenFor(t.app, sender);
  clock = DAYTIME();

  const atRealTime = async <T>(fn: () => Promise<T>): Promise<T> => {
    const saved = clock;
    clock = null;
    try {
      return await fn();
    } finally {
      clock = saved;
    }
  };

  return {
    t,
    provider,
    push,
    sender,
    setClock: (ms) => void (clock = ms),
    now: () => clock ?? Date.now(),
    async person(identityLevel = 'P9') {
      const nhsNumber = testNhsNumber();
      const sub = provider.addAccount({ nhsNumber, identityLevel, givenName: 'Pat', familyName: 'Example' });
      const session = await atRealTime(() => signedInAs(t, provider, sub));
      const { rows } = await t.deps.db.query<{ id: string }>('SELECT id FROM patients WHERE nhs_number_hmac = $1', [
        await t.deps.keyring.lookupHmac(nhsNumber),
      ]);
      return { nhsNumber, session, patientId: rows[0]!.id };
    },
    subscribe(session, subscription: object) {
      return t.app.inject({
        method: 'POST',
        url: '/api/patient/push-subscriptions',
        cookies: { [PATIENT_SESSION_COOKIE]: session },
        payload: subscription,
      });
    },
    async send(nhsNumber, opts = {}) {
      const channel = opts.channel ?? 'in_app';
      const body =
        channel === 'in_app'
          ? inAppRequest(nhsNumber, sender.odsCode, opts.content === undefined ? {} : { content: opts.content })
          : {
              resourceType: 'CommunicationRequest',
              status: 'active',
              payload: [{ contentReference: { display: opts.content ?? 'Your results are ready' } }],
              recipient: [
                { type: 'Patient', identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } },
              ],
            };
      const res = await t.app.inject({
        method: 'POST',
        url: CHANNEL_PATH[channel],
        headers: { authorization: `Bearer ${token}` },
        payload: body,
      });
      if (res.statusCode !== 201) throw new Error(`send answered ${res.statusCode} ${res.body}`);
      return res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
    },
    async sendBundle(nhsNumbers) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/communication/in-app/FHIR/R4',
        headers: { authorization: `Bearer ${token}` },
        payload: batchBundle(nhsNumbers.map((n) => inAppRequest(n, sender.odsCode))),
      });
      if (res.statusCode !== 200) throw new Error(`bundle answered ${res.statusCode} ${res.body}`);
      const ids = res
        .json<{ entry: { response: { location: string } }[] }>()
        .entry.map((e) => e.response.location.split('/')[1]!);
      const { rows } = await t.deps.db.query<{ id: string; status: string }>(
        'SELECT id, status FROM outbound_messages WHERE id = ANY($1::uuid[])',
        [ids],
      );
      const status = new Map(rows.map((r) => [r.id, r.status]));
      return ids.map((id) => ({ id, status: status.get(id)! }));
    },
    async receipts(messageId) {
      const { rows } = await t.deps.db.query<{ code: string; reason: string | null; callback: boolean }>(
        `SELECT r.code, r.reason, c.receipt_id IS NOT NULL AS callback
         FROM outbound_receipts r LEFT JOIN outbound_callbacks c ON c.receipt_id = r.id
         WHERE r.message_id = $1 ORDER BY r.at, r.code`,
        [messageId],
      );
      return rows;
    },
    async pushOf(messageId) {
      const { rows } = await t.deps.db.query<{ id: string; due_at: Date; state: string; attempts: number }>(
        'SELECT id, due_at, state, attempts FROM outbound_pushes WHERE message_id = $1',
        [messageId],
      );
      return rows[0];
    },
    async close() {
      await t.close();
      await provider.close();
      await push.close();
    },
  };
}
