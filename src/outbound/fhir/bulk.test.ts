import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolPatient } from '../../identity/patients.js';
import type { Db } from '../../platform/db/types.js';
import { ServiceUnavailable } from '../../platform/http/errors.js';
import { submitBundle } from '../bulk.js';
import { BULK_CHUNK } from '../bulkRead.js';
import { closeBulkReaders } from '../bulkReaders.js';
import { cachedClientById } from '../clients/apiClients.js';
import { FALLBACK_EXTENSION_URL } from './fallbackExtension.js';
import { UNNOTIFIED_REASON } from '../push/pushPayload.js';
import { optInDevice } from '../push/testDevice.js';
import { verifyAudit } from '../../platform/audit/auditLog.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import {
  accessTokenFor,
  batchBundle,
  inAppRequest,
  makeSender,
  testNhsNumber,
  type TestSender,
} from '../testSenders.js';

const BULK = '/communication/in-app/FHIR/R4';
const REQUEST_ID = 'https://fhir.nhs.uk/NHSApp/request-id';
const onPostgres = process.env.CONFIDE_TEST_DB === 'postgres';
type Entry = {
  response: {
    status: string;
    location?: string;
    outcome?: { resourceType: string; issue: { code: string; diagnostics: string; expression?: string[] }[] };
  };
};
type BatchResponse = { resourceType: string; type: string; entry: Entry[] };

describe('POST /communication/in-app/FHIR/R4 (batch Bundle)', () => {
  let t: TestApp;
  let sender: TestSender;
  let token: string;
  let p9: string;
  beforeAll(async () => {
    t = await buildTestApp();
    sender = await makeSender(t.app, t.deps);
    token = await accessTokenFor(t.app, sender);
    p9 = testNhsNumber();
    await enrolPatient(t.deps, { nhsNumber: p9, identityLevel: 'P9' });
    // Opted in on a device: p9's messages are Delivered, each with one receipt and a push.
    await optInDevice(t.deps, p9);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: unknown, bearer = token) =>
    t.app.inject({
      method: 'POST',
      url: BULK,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify(body),
    });
  const idOf = (e: Entry) => e.response.location!.split('/')[1]!;

  it('accepts good entries and answers bad ones, one response per entry in order', async () => {
    const unknown = testNhsNumber();
    const res = await post(
      batchBundle([
        inAppRequest(p9, sender.odsCode),
        inAppRequest('9903002158', sender.odsCode),
        inAppRequest(unknown, sender.odsCode),
        inAppRequest(p9, 'B82041'),
        { resourceType: 'Patient' },
      ]),
    );
    expect(res.statusCode).toBe(200);
    const out = res.json<BatchResponse>();
    expect(out).toMatchObject({ resourceType: 'Bundle', type: 'batch-response' });
    expect(out.entry.map((e) => e.response.status)).toEqual([
      '201 Created',
      '400 Bad Request',
      '201 Created',
      '403 Forbidden',
      '400 Bad Request',
    ]);
    expect(out.entry[1]!.response.outcome!.issue[0]!.diagnostics).toBe('NHS Number is invalid');
    const receipts = await t.deps.db.query<{ message_id: string; code: string }>(
      'SELECT message_id, code FROM outbound_receipts WHERE message_id = ANY($1::uuid[])',
      [[idOf(out.entry[0]!), idOf(out.entry[2]!)]],
    );
    const byId = new Map(receipts.rows.map((r) => [r.message_id, r.code]));
    expect(byId.get(idOf(out.entry[0]!))).toBe('Delivered');
    expect(byId.get(idOf(out.entry[2]!))).toBe('Rejected');
    // The stored message reads back at its location, like a single send.
    const read = await t.app.inject({
      method: 'GET',
      url: `${BULK}/${out.entry[0]!.response.location!}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.statusCode).toBe(200);
    expect(await verifyAudit(t.deps.db, await t.deps.keyring.auditKey())).toMatchObject({ ok: true });
  });

  it('queues a push for a patient with a device, makes one without Unnotified at once, with every callback', async () => {
    // A client with a callback URL: every receipt written with the Bundle gets its callback.
    const withCallbacks = await makeSender(t.app, t.deps, { callbackUrl: 'https://receipts.confide.invalid/Task' });
    const deviceless = testNhsNumber();
    await enrolPatient(t.deps, { nhsNumber: deviceless, identityLevel: 'P9' });
    const res = await post(
      batchBundle([
        inAppRequest(p9, withCallbacks.odsCode),
        inAppRequest(deviceless, withCallbacks.odsCode),
        inAppRequest(testNhsNumber(), withCallbacks.odsCode),
      ]),
      await accessTokenFor(t.app, withCallbacks),
    );
    expect(res.statusCode).toBe(200);
    const out = res.json<BatchResponse>();
    expect(out.entry.map((e) => e.response.status)).toEqual(['201 Created', '201 Created', '201 Created']);
    const ids = out.entry.map(idOf);
    const { rows } = await t.deps.db.query<{ id: string; status: string; pushes: number; receipts: unknown }>(
      `SELECT m.id, m.status,
         (SELECT count(*)::int FROM outbound_pushes p WHERE p.message_id = m.id) AS pushes,
         (SELECT coalesce(json_agg(json_build_object('code', r.code, 'reason', r.reason,
            'callback', EXISTS (SELECT 1 FROM outbound_callbacks c WHERE c.receipt_id = r.id)) ORDER BY r.code), '[]')
          FROM outbound_receipts r WHERE r.message_id = m.id) AS receipts
       FROM outbound_messages m WHERE m.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const [withDevice, withoutDevice, rejected] = ids.map((id) => {
      const r = byId.get(id)!;
      const receipts = typeof r.receipts === 'string' ? (JSON.parse(r.receipts) as unknown) : r.receipts;
      return { status: r.status, pushes: r.pushes, receipts };
    });
    expect(withDevice).toEqual({
      status: 'Delivered',
      pushes: 1,
      receipts: [{ code: 'Delivered', reason: null, callback: true }],
    });
    expect(withoutDevice).toEqual({
      status: 'Unnotified',
      pushes: 0,
      receipts: [
        { code: 'Delivered', reason: null, callback: true },
        { code: 'Unnotified', reason: UNNOTIFIED_REASON.noDevice, callback: true },
      ],
    });
    expect(rejected).toEqual({
      status: 'Rejected',
      pushes: 0,
      receipts: [{ code: 'Rejected', reason: 'NHS number not found', callback: true }],
    });
  });

  it('writes thousands of messages across chunks and audits the Bundle', async () => {
    const n = 4_500;
    const res = await post(
      batchBundle(Array.from({ length: n }, (_, i) => inAppRequest(i % 3 ? p9 : testNhsNumber(), sender.odsCode))),
    );
    const out = res.json<BatchResponse>();
    expect(out.entry).toHaveLength(n);
    expect(out.entry.every((e) => e.response.status === '201 Created')).toBe(true);
    const ids = out.entry.map(idOf);
    expect(new Set(ids).size).toBe(n);
    const { rows } = await t.deps.db.query<{ n: number; bundles: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT bundle_id)::int AS bundles FROM outbound_messages WHERE id = ANY($1::uuid[])',
      [ids],
    );
    expect(rows[0]).toEqual({ n, bundles: 1 });
    const audits = await t.deps.db.query<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE action = 'outbound.bundle' AND actor_id = $1",
      [sender.id],
    );
    const total = audits.rows.reduce((s, r) => s + Number(/^(\d+) messages/.exec(r.reason)![1]), 0);
    expect(total).toBeGreaterThanOrEqual(n);
  });

  // The largest Bundle takes PGlite (one in-process thread) 20 to 30 seconds and PostgreSQL a few:
  // it runs on PostgreSQL only, and the Bundle one entry larger is refused on both (below).
  it.runIf(onPostgres)('takes a Bundle of the most entries allowed, answering and storing every one', async () => {
    // A sender of its own, so its messages are exactly this Bundle's.
    const big = await makeSender(t.app, t.deps);
    const patients = [p9, testNhsNumber(), testNhsNumber()];
    for (const nhsNumber of patients.slice(1)) await enrolPatient(t.deps, { nhsNumber, identityLevel: 'P9' });
    const res = await post(
      batchBundle(Array.from({ length: 50_000 }, (_, i) => inAppRequest(patients[i % patients.length]!, big.odsCode))),
      await accessTokenFor(t.app, big),
    );
    expect(res.statusCode).toBe(200);
    const out = res.json<BatchResponse>();
    expect(out).toMatchObject({ resourceType: 'Bundle', type: 'batch-response' });
    expect(out.entry).toHaveLength(50_000);
    expect(out.entry.filter((e) => e.response.status !== '201 Created')).toEqual([]);
    expect(new Set(out.entry.map(idOf)).size).toBe(50_000);
    const { rows } = await t.deps.db.query<{ n: number; delivered: number; bundles: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status <> 'Rejected')::int AS delivered,
         count(DISTINCT bundle_id)::int AS bundles
       FROM outbound_messages WHERE client_id = $1`,
      [big.id],
    );
    expect(rows[0]).toEqual({ n: 50_000, delivered: 50_000, bundles: 1 });
  });

  it('stores an entry’s own fallback policy as a single send does, and fails only an entry whose policy is malformed', async () => {
    const withFallback = (parts: unknown[]) => ({
      ...inAppRequest(p9, sender.odsCode),
      extension: [{ url: FALLBACK_EXTENSION_URL, extension: parts }],
    });
    const ownWindows = withFallback([
      { url: 'notNotifiedAfter', valueDuration: { value: 30, unit: 'min' } },
      { url: 'unreadAfter', valueDuration: { value: 12, unit: 'h' } },
    ]);
    const off = withFallback([
      { url: 'timeSensitive', valueBoolean: true },
      { url: 'enabled', valueBoolean: false },
    ]);
    const malformed = withFallback([{ url: 'unreadAfter', valueDuration: { value: 1, unit: 'min' } }]);
    const res = await post(batchBundle([ownWindows, malformed, inAppRequest(p9, sender.odsCode), off]));
    expect(res.statusCode).toBe(200);
    const out = res.json<BatchResponse>();
    expect(out.entry.map((e) => e.response.status)).toEqual([
      '201 Created',
      '400 Bad Request',
      '201 Created',
      '201 Created',
    ]);
    expect(out.entry[1]!.response.outcome).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        expect.objectContaining({
          code: 'invalid',
          diagnostics: 'Must be a duration between 5 minutes and 7 days (unit s, min, h or d)',
          expression: ['extension[0].extension[0]'],
        }),
      ],
    });
    // The same requests sent one at a time, to compare what is stored.
    const single = async (body: unknown) => {
      const one = await t.app.inject({
        method: 'POST',
        url: `${BULK}/CommunicationRequest`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
        payload: JSON.stringify(body),
      });
      expect(one.statusCode).toBe(201);
      return one.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
    };
    const policyOf = async (id: string) =>
      (
        await t.deps.db.query<{ notNotifiedS: number | null; unreadS: number | null; off: boolean }>(
          `SELECT fallback_not_notified_s AS "notNotifiedS", fallback_unread_s AS "unreadS", fallback_off AS off
           FROM outbound_messages WHERE id = $1`,
          [id],
        )
      ).rows[0];
    const [bulkOwn, , bulkDefault, bulkOff] = out.entry.map((e) => (e.response.location ? idOf(e) : ''));
    const expected = [
      [bulkOwn!, ownWindows, { notNotifiedS: 30 * 60, unreadS: 12 * 3_600, off: false }],
      [bulkDefault!, inAppRequest(p9, sender.odsCode), { notNotifiedS: null, unreadS: null, off: false }],
      [bulkOff!, off, { notNotifiedS: null, unreadS: 4 * 3_600, off: true }],
    ] as const;
    for (const [id, body, policy] of expected) {
      expect(await policyOf(id)).toEqual(policy);
      expect(await policyOf(await single(body))).toEqual(policy);
    }
  });

  it('answers request-id repeats within and across Bundles with the first result, and conflicts with 409', async () => {
    const rid = randomUUID();
    const same = inAppRequest(p9, sender.odsCode, { identifiers: [{ system: REQUEST_ID, value: rid }] });
    const other = inAppRequest(p9, sender.odsCode, {
      content: 'Different',
      identifiers: [{ system: REQUEST_ID, value: rid }],
    });
    const first = (await post(batchBundle([same, same, other]))).json<BatchResponse>();
    expect(first.entry.map((e) => e.response.status)).toEqual(['201 Created', '201 Created', '409 Conflict']);
    expect(idOf(first.entry[1]!)).toBe(idOf(first.entry[0]!));
    const again = (await post(batchBundle([same, other]))).json<BatchResponse>();
    expect(again.entry.map((e) => e.response.status)).toEqual(['201 Created', '409 Conflict']);
    expect(idOf(again.entry[0]!)).toBe(idOf(first.entry[0]!));
    const { rows } = await t.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbound_messages WHERE client_id = $1 AND request_id = $2',
      [sender.id, rid],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('answers every entry when a later chunk cannot be written: earlier ones 201, the rest 503', async () => {
    const client = (await cachedClientById(t.deps, sender.id))!;
    let calls = 0;
    // The real database, with the second chunk's transaction refused as under overload.
    const db: Db = {
      ...t.deps.db,
      tx: (fn) => (++calls === 2 ? Promise.reject(new ServiceUnavailable()) : t.deps.db.tx(fn)),
    };
    const errors: unknown[] = [];
    const body = batchBundle(Array.from({ length: 2_500 }, () => inAppRequest(p9, sender.odsCode)));
    const read = await submitBundle({ ...t.deps, db }, client, Buffer.from(JSON.stringify(body)), (err) =>
      errors.push(err),
    );
    if ('refused' in read) throw new Error('the Bundle was refused');
    const { responses } = read;
    expect(responses.slice(0, 2_000).every((r) => r.ok)).toBe(true);
    expect(responses.slice(2_000).every((r) => !r.ok && r.status === 503)).toBe(true);
    expect(errors).toHaveLength(1);
    const written = responses.filter((r) => r.ok).map((r) => (r.ok ? r.id : ''));
    const { rows } = await t.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbound_messages WHERE id = ANY($1::uuid[])',
      [written],
    );
    expect(rows[0]!.n).toBe(2_000);
  });

  it('answers every entry when its reader thread dies part-way: the chunks written 201, the rest 500', async () => {
    const client = (await cachedClientById(t.deps, sender.id))!;
    let calls = 0;
    // The reader dies as the first chunk is written: it has handed over at most the three chunks
    // it may read ahead of the writes, and those are written all the same.
    const db: Db = {
      ...t.deps.db,
      tx: async (fn) => {
        if (++calls === 1) await closeBulkReaders();
        return t.deps.db.tx(fn);
      },
    };
    const errors: unknown[] = [];
    const body = batchBundle(Array.from({ length: 5 * BULK_CHUNK }, () => inAppRequest(p9, sender.odsCode)));
    const read = await submitBundle({ ...t.deps, db }, client, Buffer.from(JSON.stringify(body)), (err) =>
      errors.push(err),
    );
    if ('refused' in read) throw new Error('the Bundle was refused');
    const { responses } = read;
    expect(responses).toHaveLength(5 * BULK_CHUNK);
    // Whole chunks written, at the front (how many the reader handed over before it died), and
    // every other entry 500: not written, to be sent again.
    const ok = responses.findIndex((r) => !r.ok);
    expect(ok % BULK_CHUNK).toBe(0);
    expect(ok / BULK_CHUNK).toBeGreaterThanOrEqual(1);
    expect(ok / BULK_CHUNK).toBeLessThanOrEqual(3);
    expect(responses.slice(ok).every((r) => !r.ok && r.status === 500)).toBe(true);
    expect(errors).toHaveLength(1);
    const written = responses.filter((r) => r.ok).map((r) => (r.ok ? r.id : ''));
    const { rows } = await t.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbound_messages WHERE id = ANY($1::uuid[])',
      [written],
    );
    expect(rows[0]!.n).toBe(ok);
    // The next Bundle gets a new reader.
    const again = await post(batchBundle([inAppRequest(p9, sender.odsCode)]));
    expect(again.json<BatchResponse>().entry[0]!.response.status).toBe('201 Created');
  });

  it('refuses what is not a batch Bundle, or too large a one, as a whole', async () => {
    const cases: [unknown, string][] = [
      [{ resourceType: 'Bundle', type: 'transaction', entry: [] }, "Bundle type must be 'batch'"],
      [{ resourceType: 'Bundle', type: 'batch', entry: [] }, 'Not specified'],
      [inAppRequest(p9, sender.odsCode), 'A Bundle is expected'],
      [
        { resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: 50_001 }, () => ({})) },
        'Exceeds maximum length',
      ],
    ];
    for (const [body, diagnostics] of cases) {
      const res = await post(body);
      expect(res.statusCode).toBe(400);
      expect(res.json<{ issue: { diagnostics: string }[] }>().issue[0]!.diagnostics).toContain(diagnostics);
    }
    const entries = await post({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: inAppRequest(p9, sender.odsCode), request: { method: 'DELETE', url: 'CommunicationRequest' } },
        'x',
        { resource: inAppRequest(p9, sender.odsCode), request: null },
        {
          resource: inAppRequest(p9, sender.odsCode, {
            identifiers: [{ system: 'https://fhir.nhs.uk/NHSApp/campaign-id', value: 'x\u0000y' }],
          }),
        },
      ],
    });
    expect(entries.json<BatchResponse>().entry.map((e) => e.response.status)).toEqual([
      '400 Bad Request',
      '400 Bad Request',
      '400 Bad Request',
      '400 Bad Request',
    ]);
    const noToken = await t.app.inject({ method: 'POST', url: BULK, payload: batchBundle([]) });
    expect(noToken.statusCode).toBe(401);
  });

  it('refuses a body that is not strict JSON as a whole, as every endpoint does, writing nothing', async () => {
    const raw = (payload: string | Buffer) =>
      t.app.inject({
        method: 'POST',
        url: BULK,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
        payload,
      });
    const good = JSON.stringify(batchBundle([inAppRequest(p9, sender.odsCode, { content: 'never written' })]));
    const cases: [string | Buffer, string][] = [
      [good.slice(0, -1), 'Invalid Json encountered.'],
      ['', 'Invalid Json encountered.'],
      // A key that would set the object's prototype, inside an entry.
      [
        good.replace(
          '"resourceType":"CommunicationRequest"',
          '"__proto__":{"x":1},"resourceType":"CommunicationRequest"',
        ),
        'Invalid Json encountered.',
      ],
      [
        Buffer.concat([Buffer.from(good.slice(0, -2)), Buffer.from([0xff]), Buffer.from(good.slice(-2))]),
        'not valid UTF-8',
      ],
    ];
    const before = await t.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbound_messages WHERE client_id = $1',
      [sender.id],
    );
    for (const [payload, diagnostics] of cases) {
      const res = await raw(payload);
      expect(res.statusCode).toBe(400);
      const body = res.json<{ resourceType: string; issue: { diagnostics: string }[] }>();
      expect(body.resourceType).toBe('OperationOutcome');
      expect(body.issue[0]!.diagnostics).toContain(diagnostics);
    }
    // No body at all, or a body sent as another type: not a Bundle, as before.
    for (const headers of [{}, { 'content-type': 'text/plain' }]) {
      const res = await t.app.inject({
        method: 'POST',
        url: BULK,
        headers: { authorization: `Bearer ${token}`, ...headers },
        payload: headers['content-type'] ? '4294967295' : undefined,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<{ issue: { diagnostics: string }[] }>().issue[0]!.diagnostics).toBe('A Bundle is expected');
    }
    const after = await t.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbound_messages WHERE client_id = $1',
      [sender.id],
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    // The same body, well formed, is written: the cases above failed for their flaw alone.
    expect((await raw(good)).json<BatchResponse>().entry[0]!.response.status).toBe('201 Created');
  });
});
