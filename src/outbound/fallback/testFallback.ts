import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { enrolPatient } from '../../identity/patients.js';
import { startNotifyService, type TestNotify } from '../../testing/notifyService.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { FALLBACK_EXTENSION_URL } from '../fhir/fallbackExtension.js';
import { CHANNEL_PATH, type Channel } from '../fhir/systems.js';
import { accessTokenFor, inAppRequest, makeSender, testNhsNumber, type TestSender } from '../testSenders.js';
import { pollFallbackStatuses } from './fallbackStatus.js';
import { runFallbacks } from './runFallbacks.js';

export const HOUR = 3_600_000;

/**
 * A test app wired to a local GOV.UK Notify, a sender with Notify templates, and helpers to send
 * messages and run the fallback jobs as they would run some time from now (messages are sent on
 * the real clock).
 */
export type FallbackParties = {
  notify: TestNotify;
  t: TestApp;
  sender: TestSender;
  token: string;
  smsTemplate: string;
  emailTemplate: string;
  patient(contact: { phone?: string; email?: string }): Promise<string>;
  /** Sends on a channel and answers the communication id. */
  send(nhsNumber: string, opts?: { channel?: Channel; fallback?: unknown[] }): Promise<string>;
  runAt(later: number, opts?: { limit?: number }): ReturnType<typeof runFallbacks>;
  /** Runs the fallback job as it would run when the message is exactly `age` ms old. */
  runAtAge(id: string, age: number): ReturnType<typeof runFallbacks>;
  pollAt(later: number, opts?: { limit?: number }): ReturnType<typeof pollFallbackStatuses>;
  /** GET …/CommunicationRequest/:id as the sender (or another token). */
  read(id: string, opts?: { channel?: Channel; token?: string }): Promise<{ status: number; body: ReadBack }>;
  close(): Promise<void>;
};

export type ReadBack = {
  extension?: { url: string; extension: Record<string, string>[] }[];
  [key: string]: unknown;
};

export async function fallbackParties(): Promise<FallbackParties> {
  const notify = await startNotifyService();
  const t = await buildTestApp({
    config: { notify: { apiKey: notify.apiKey, baseUrl: notify.baseUrl, timeoutMs: 10_000 } },
  });
  const smsTemplate = randomUUID();
  const emailTemplate = randomUUID();
  const sender = await makeSender(t.app, t.deps, { notifyTemplates: { sms: smsTemplate, email: emailTemplate } });
  const token = await accessTokenFor(t.app, sender);
  const later = (ms: number) => ({ ...t.deps, now: () => new Date(Date.now() + ms) });
  return {
    notify,
    t,
    sender,
    token,
    smsTemplate,
    emailTemplate,
    async patient(contact) {
      const nhsNumber = testNhsNumber();
      await enrolPatient(t.deps, { nhsNumber, identityLevel: 'P9', ...contact });
      return nhsNumber;
    },
    async send(nhsNumber, opts = {}) {
      const channel = opts.channel ?? 'in_app';
      const base =
        channel === 'in_app'
          ? inAppRequest(nhsNumber, sender.odsCode, { content: 'Private content that must never leave by SMS.' })
          : {
              resourceType: 'CommunicationRequest',
              status: 'active',
              payload: [{ contentReference: { display: 'Private notification text.' } }],
              recipient: [
                { type: 'Patient', identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } },
              ],
            };
      const res = await t.app.inject({
        method: 'POST',
        url: CHANNEL_PATH[channel],
        headers: { authorization: `Bearer ${token}` },
        payload: {
          ...base,
          ...(opts.fallback ? { extension: [{ url: FALLBACK_EXTENSION_URL, extension: opts.fallback }] } : {}),
        },
      });
      if (res.statusCode !== 201) throw new Error(`send: ${res.statusCode} ${res.body}`);
      return res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
    },
    runAt: (ms, opts = {}) => runFallbacks(later(ms), opts),
    async runAtAge(id, age) {
      const { rows } = await t.deps.db.query<{ created_at: Date }>(
        'SELECT created_at FROM outbound_messages WHERE id = $1',
        [id],
      );
      const at = new Date(rows[0]!.created_at.getTime() + age);
      return runFallbacks({ ...t.deps, now: () => at });
    },
    pollAt: (ms, opts = {}) => pollFallbackStatuses(later(ms), opts),
    async read(id, opts = {}) {
      const res = await t.app.inject({
        method: 'GET',
        url: `${CHANNEL_PATH[opts.channel ?? 'in_app']}/${id}`,
        headers: { authorization: `Bearer ${opts.token ?? token}` },
      });
      return { status: res.statusCode, body: res.json<ReadBack>() };
    },
    async close() {
      await t.close();
      await notify.close();
    },
  };
}

/**
 * The parties for one describe block: made before its tests and closed after them, and before
 * each test the fallbacks left due by earlier tests are sent and forgotten, so each starts with
 * nothing due. Read them through the returned function once the block is running.
 */
export function useFallbackParties(): () => FallbackParties {
  let parties: FallbackParties | undefined;
  const p = () => {
    if (!parties) throw new Error('the fallback parties are made in beforeAll');
    return parties;
  };
  beforeAll(async () => {
    parties = await fallbackParties();
  });
  afterAll(async () => {
    await parties?.close();
  });
  beforeEach(async () => {
    await p().runAt(48 * HOUR, { limit: 10_000 });
    p().notify.sent.length = 0;
  });
  return p;
}
