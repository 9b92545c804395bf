import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolPatient } from '../../identity/patients.js';
import { FhirError } from '../../platform/fhir/operationOutcome.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { optInDevice } from '../push/testDevice.js';
import {
  accessTokenFor,
  forgedToken,
  inAppRequest,
  makeSender,
  testNhsNumber,
  type TestSender,
} from '../testSenders.js';
import { receiptReport, type ReceiptReportBundle } from './receiptReport.js';

const REPORT = '/communication/report/receipts/FHIR/R4/Task';
const IN_APP = '/communication/in-app/FHIR/R4/CommunicationRequest';
const CAMPAIGN = 'https://fhir.nhs.uk/NHSApp/campaign-id';
const REQUEST_ID = 'https://fhir.nhs.uk/NHSApp/request-id';
const COMMUNICATION_ID = 'https://fhir.nhs.uk/Id/nhs-app-communication-id';
const STATUS = 'https://fhir.nhs.uk/CodeSystem/NHSApp-Communication-Status';
const DAY_MS = 86_400_000;

type Outcome = {
  resourceType: string;
  issue: { severity: string; code: string; diagnostics: string; expression?: string[] }[];
};
type Identifier = { system: string; value: string };
type Sent = { id: string; identifiers: Identifier[]; delivered: boolean };

/** "Today" must not change while the test sends and reads: start clear of UTC midnight. */
async function clearOfMidnight(): Promise<void> {
  const left = DAY_MS - (Date.now() % DAY_MS);
  if (left < 45_000) await new Promise((resolve) => setTimeout(resolve, left + 1000));
}

describe('receipt report (FHIR Task searchset)', () => {
  let t: TestApp;
  let sender: TestSender;
  let token: string;
  let other: TestSender;
  let otherToken: string;
  let otherMessage: string;
  let today: string;
  const sent: Sent[] = [];

  const url = (query: string) => new URL(`${REPORT}?${query}`, t.deps.config.publicUrl).toString();
  const get = (query: string, bearer: string | null = token, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: `${REPORT}${query === '' ? '' : `?${query}`}`,
      headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
    });
  const send = async (bearer: string, body: unknown): Promise<string> => {
    const res = await t.app.inject({
      method: 'POST',
      url: IN_APP,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ identifier: Identifier[] }>().identifier[0]!.value;
  };
  const reportAudits = async (clientId: string) =>
    (
      await t.deps.db.query<{ action: string; target_kind: string; target_id: string | null; reason: string }>(
        'SELECT action, target_kind, target_id, reason FROM audit_log WHERE chain = $1 ORDER BY position',
        [`outbound:${clientId}:report`],
      )
    ).rows;
  const insertReceipt = (messageId: string, clientId: string, code: string, at: string, id = randomUUID()) =>
    t.deps.db.query(
      'INSERT INTO outbound_receipts (id, message_id, client_id, code, reason, at) VALUES ($1, $2, $3, $4, NULL, $5)',
      [id, messageId, clientId, code, new Date(at)],
    );

  beforeAll(async () => {
    t = await buildTestApp();
    await clearOfMidnight();
    today = new Date().toISOString().slice(0, 10);
    sender = await makeSender(t.app, t.deps);
    token = await accessTokenFor(t.app, sender);
    other = await makeSender(t.app, t.deps);
    otherToken = await accessTokenFor(t.app, other);
    const p9 = testNhsNumber();
    await enrolPatient(t.deps, { nhsNumber: p9, identityLevel: 'P9' });
    // With a device, each message starts with exactly one receipt: Delivered (or Rejected).
    await optInDevice(t.deps, p9);

    const plan: [nhs: string, identifiers: Identifier[]][] = [
      [
        p9,
        [
          { system: CAMPAIGN, value: 'flu-2026' },
          { system: REQUEST_ID, value: 'req-1' },
        ],
      ],
      [testNhsNumber(), [{ system: CAMPAIGN, value: 'flu-2026' }]],
      [p9, []],
      [testNhsNumber(), [{ system: REQUEST_ID, value: 'req-2' }]],
      [p9, [{ system: REQUEST_ID, value: 'req-3' }]],
    ];
    for (const [nhs, identifiers] of plan) {
      const id = await send(token, inAppRequest(nhs, sender.odsCode, { identifiers }));
      sent.push({ id, identifiers, delivered: nhs === p9 });
    }
    otherMessage = await send(otherToken, inAppRequest(p9, other.odsCode));
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers today's receipts of the calling client as Tasks, in (at, id) order", async () => {
    const started = Date.now();
    const res = await get(`day=${today}`, token, { 'x-correlation-id': 'report-1' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.headers['x-correlation-id']).toBe('report-1');
    expect(res.headers.link).toBe(`<${url(`day=${today}&page=1`)}>; rel="last"`);
    const bundle = res.json<ReceiptReportBundle>();

    const stored = await t.deps.db.query<{ id: string; message_id: string; at: Date; created_at: Date }>(
      `SELECT r.id, r.message_id, r.at, m.created_at FROM outbound_receipts r JOIN outbound_messages m ON m.id = r.message_id
       WHERE r.message_id = ANY($1::uuid[])`,
      [sent.map((s) => s.id)],
    );
    expect(stored.rows).toHaveLength(sent.length);
    const order = [...stored.rows].sort(
      (a, b) => new Date(a.at).getTime() - new Date(b.at).getTime() || (a.id < b.id ? -1 : 1),
    );
    const expected = order.map((r) => {
      const s = sent.find((x) => x.id === r.message_id)!;
      const at = new Date(r.at);
      // Accepted and receipted in the one statement, within this test run.
      expect(at.getTime()).toBeLessThanOrEqual(started);
      expect(at.toISOString().slice(0, 10)).toBe(today);
      return {
        fullUrl: new URL(`${REPORT}/${r.id}`, t.deps.config.publicUrl).toString(),
        resource: {
          resourceType: 'Task',
          id: r.id,
          intent: 'order',
          identifier: [...s.identifiers, { system: COMMUNICATION_ID, value: s.id }],
          status: s.delivered ? 'completed' : 'rejected',
          ...(s.delivered ? {} : { statusReason: { text: 'NHS number not found' } }),
          code: { coding: [{ system: STATUS, code: s.delivered ? 'Delivered' : 'Rejected' }] },
          authoredOn: new Date(r.created_at).toISOString(),
          lastModified: at.toISOString(),
        },
      };
    });
    expect(bundle).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      total: sent.length,
      link: [
        { relation: 'self', url: url(`day=${today}&page=1`) },
        { relation: 'last', url: url(`day=${today}&page=1`) },
      ],
      entry: expected,
    });
    // Campaign and request identifiers come first, in that order, as the NHS App writes them.
    expect(
      bundle.entry.find((e) => e.resource.identifier.some((i) => i.value === 'req-1'))!.resource.identifier,
    ).toEqual([
      { system: CAMPAIGN, value: 'flu-2026' },
      { system: REQUEST_ID, value: 'req-1' },
      { system: COMMUNICATION_ID, value: sent[0]!.id },
    ]);
    expect(JSON.stringify(bundle)).not.toContain(otherMessage);

    // The other client sees its one receipt and nothing of this client's.
    const theirs = (await get(`day=${today}&page=1`, otherToken)).json<ReceiptReportBundle>();
    expect(theirs.total).toBe(1);
    expect(theirs.entry.map((e) => e.resource.identifier)).toEqual([
      [{ system: COMMUNICATION_ID, value: otherMessage }],
    ]);

    expect(await reportAudits(sender.id)).toContainEqual({
      action: 'outbound.receipt_report',
      target_kind: 'receipt_report',
      target_id: null,
      reason: `${today} page 1`,
    });
  });

  it('keeps to the UTC day asked for and pages through it with next and last links', async () => {
    const [m1, m2, m3, m4, m5] = sent.map((s) => s.id) as [string, string, string, string, string];
    await insertReceipt(m1, sender.id, 'Notified', '2021-03-08T23:59:59.999Z');
    await insertReceipt(m1, sender.id, 'NotificationAttempted', '2021-03-09T00:00:00.000Z');
    await insertReceipt(m4, sender.id, 'Read', '2021-03-09T11:00:00.000Z');
    // Three at the same instant: ordered by receipt id.
    for (const m of [m1, m2, m3]) await insertReceipt(m, sender.id, 'Read', '2021-03-09T12:00:00.000Z');
    await insertReceipt(m5, sender.id, 'Read', '2021-03-09T13:00:00.000Z');
    await insertReceipt(m2, sender.id, 'Notified', '2021-03-09T23:59:59.999Z');
    await insertReceipt(m1, sender.id, 'Unnotified', '2021-03-10T00:00:00.000Z');
    await insertReceipt(otherMessage, other.id, 'Read', '2021-03-09T12:00:00.000Z');

    const { rows } = await t.deps.db.query<{ id: string }>(
      `SELECT id FROM outbound_receipts WHERE client_id = $1 AND at >= '2021-03-09T00:00:00Z' AND at < '2021-03-10T00:00:00Z'`,
      [sender.id],
    );
    expect(rows).toHaveLength(7);
    const day = '2021-03-09';
    const pages: ReceiptReportBundle[] = [];
    for (let page = 1; page <= 3; page++) pages.push(await receiptReport(t.deps, { id: sender.id }, day, page, 3));
    expect(pages.map((p) => p.entry.length)).toEqual([3, 3, 1]);
    expect(pages.every((p) => p.total === 7)).toBe(true);
    expect(pages.map((p) => p.link)).toEqual([
      [
        { relation: 'self', url: url(`day=${day}&page=1`) },
        { relation: 'next', url: url(`day=${day}&page=2`) },
        { relation: 'last', url: url(`day=${day}&page=3`) },
      ],
      [
        { relation: 'self', url: url(`day=${day}&page=2`) },
        { relation: 'next', url: url(`day=${day}&page=3`) },
        { relation: 'last', url: url(`day=${day}&page=3`) },
      ],
      [
        { relation: 'self', url: url(`day=${day}&page=3`) },
        { relation: 'last', url: url(`day=${day}&page=3`) },
      ],
    ]);
    const tasks = pages.flatMap((p) => p.entry.map((e) => e.resource));
    const readsAtNoon = tasks.filter((x) => x.lastModified === '2021-03-09T12:00:00.000Z').map((x) => x.id);
    expect(readsAtNoon).toHaveLength(3);
    expect(readsAtNoon).toEqual([...readsAtNoon].sort());
    expect(tasks.map((x) => [x.code.coding[0].code, x.lastModified, x.status])).toEqual([
      ['NotificationAttempted', '2021-03-09T00:00:00.000Z', 'completed'],
      ['Read', '2021-03-09T11:00:00.000Z', 'completed'],
      ['Read', '2021-03-09T12:00:00.000Z', 'completed'],
      ['Read', '2021-03-09T12:00:00.000Z', 'completed'],
      ['Read', '2021-03-09T12:00:00.000Z', 'completed'],
      ['Read', '2021-03-09T13:00:00.000Z', 'completed'],
      ['Notified', '2021-03-09T23:59:59.999Z', 'completed'],
    ]);
    expect(tasks.every((x) => !('statusReason' in x))).toBe(true);
    expect(tasks[1]!.identifier.at(-1)).toEqual({ system: COMMUNICATION_ID, value: m4 });
    await expect(receiptReport(t.deps, { id: sender.id }, day, 4, 3)).rejects.toSatisfy(
      (e) => e instanceof FhirError && e.status === 404 && e.issues[0]?.diagnostics === 'Report not found',
    );

    // Through HTTP the whole day fits one page; the next page is not found.
    const res = await get(`day=${day}`);
    expect(res.statusCode).toBe(200);
    expect(res.json<ReceiptReportBundle>().entry.map((e) => e.resource.id)).toEqual(tasks.map((x) => x.id));
    const beyond = await get(`day=${day}&page=2`);
    expect(beyond.statusCode).toBe(404);
    expect(beyond.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(beyond.json<Outcome>()).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Report not found' }],
    });
    expect((await get(`day=${day}&page=2147483647`)).statusCode).toBe(404);
    const next = (await get('day=2021-03-10')).json<ReceiptReportBundle>();
    expect(next.entry.map((e) => e.resource.code.coding[0].code)).toEqual(['Unnotified']);
  });

  it('answers a day with no receipts with an empty searchset, and 404 past its one page', async () => {
    for (const day of ['2020-01-01', '0001-01-01', '9999-12-31']) {
      const res = await get(`day=${day}`);
      expect(res.statusCode, day).toBe(200);
      expect(res.headers.link, day).toBe(`<${url(`day=${day}&page=1`)}>; rel="last"`);
      expect(res.json(), day).toEqual({
        resourceType: 'Bundle',
        type: 'searchset',
        total: 0,
        link: [
          { relation: 'self', url: url(`day=${day}&page=1`) },
          { relation: 'last', url: url(`day=${day}&page=1`) },
        ],
        entry: [],
      });
    }
    expect((await get('day=2020-01-01&page=2')).statusCode).toBe(404);
    expect(await reportAudits(sender.id)).toContainEqual(expect.objectContaining({ reason: '9999-12-31 page 1' }));
  });

  it('refuses each bad query with the NHS App’s OperationOutcome, auditing nothing', async () => {
    const bad = (expression: string, diagnostics: string) => ({
      severity: 'error',
      code: 'invalid',
      diagnostics,
      expression: [expression],
    });
    const cases: [string, ReturnType<typeof bad>[]][] = [
      ['', [bad('day', 'Not specified')]],
      ['page=1', [bad('day', 'Not specified')]],
      ['day=', [bad('day', 'Not specified')]],
      ...['2021-02-30', '2021-13-01', '09-03-2021', '2021-3-9', '2021-03-08T01:00:00', 'yesterday', '0000-01-01'].map(
        (d): [string, ReturnType<typeof bad>[]] => [`day=${encodeURIComponent(d)}`, [bad('day', 'Invalid format')]],
      ),
      ...['A', '-1', '0', '2147483648', '', '1.5'].map((p): [string, ReturnType<typeof bad>[]] => [
        `day=${today}&page=${p}`,
        [bad('page', 'Invalid format')],
      ]),
      [`day=${today}&day=${today}`, [bad('day', 'A single value is expected')]],
      [`day=${today}&page=1&page=2`, [bad('page', 'A single value is expected')]],
      ['day=abc&page=abc', [bad('day', 'Invalid format'), bad('page', 'Invalid format')]],
      ['page=0', [bad('day', 'Not specified'), bad('page', 'Invalid format')]],
    ];
    const audits = (await reportAudits(sender.id)).length;
    for (const [query, issues] of cases) {
      const res = await get(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type'], query).toMatch(/^application\/fhir\+json/);
      expect(res.json<Outcome>(), query).toEqual({ resourceType: 'OperationOutcome', issue: issues });
    }
    expect(await reportAudits(sender.id)).toHaveLength(audits);
  });

  it('refuses a request with no token or a bad token with 401', async () => {
    for (const bearer of [null, forgedToken(token)]) {
      const res = await get(`day=${today}`, bearer);
      expect(res.statusCode).toBe(401);
      expect(res.json<Outcome>().issue[0]).toMatchObject({ code: 'forbidden', diagnostics: 'Invalid Access Token' });
    }
  });
});
