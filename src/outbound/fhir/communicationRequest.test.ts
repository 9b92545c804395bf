import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolPatient } from '../../identity/patients.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { issueAccessToken } from '../auth/accessTokens.js';
import { ACCESS_TOKEN_KEY_PURPOSE } from '../auth/tokenRoute.js';
import { UNNOTIFIED_REASON } from '../push/pushPayload.js';
import { optInDevice } from '../push/testDevice.js';
import {
  accessTokenFor,
  currentStatus,
  forgedToken,
  inAppRequest,
  makeSender,
  testNhsNumber,
  type TestSender,
} from '../testSenders.js';

const IN_APP = '/communication/in-app/FHIR/R4/CommunicationRequest';
const NOTIFICATION = '/communication/notification/FHIR/R4/CommunicationRequest';
const CAMPAIGN = 'https://fhir.nhs.uk/NHSApp/campaign-id';
const REQUEST_ID = 'https://fhir.nhs.uk/NHSApp/request-id';

type Outcome = { resourceType: string; issue: { code: string; diagnostics: string; expression?: string[] }[] };

describe('NHS App–compatible CommunicationRequest endpoints', () => {
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
    // Opted in to notifications on a device: messages to p9 wait for their push.
    await optInDevice(t.deps, p9);
  });
  afterAll(async () => {
    await t.close();
  });

  const send = (url: string, body: unknown, headers: Record<string, string> = {}, bearer = token) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/fhir+json', ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const messagesOf = async (clientId: string) =>
    (
      await t.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbound_messages WHERE client_id = $1', [
        clientId,
      ])
    ).rows[0]!.n;
  const receiptsOf = async (messageId: string) =>
    (
      await t.deps.db.query<{ code: string; reason: string | null }>(
        'SELECT code, reason FROM outbound_receipts WHERE message_id = $1',
        [messageId],
      )
    ).rows;
  const statusOf = (messageId: string) => currentStatus(t.deps.db, messageId);
  const pushesOf = async (messageId: string) =>
    (
      await t.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbound_pushes WHERE message_id = $1', [
        messageId,
      ])
    ).rows[0]!.n;
  const idOf = (res: { json: <T>() => T }) => res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;

  it('delivers an in-app message to a P9 patient: 201, the resource echoed, Location, receipt and audit', async () => {
    const res = await send(
      IN_APP,
      inAppRequest(p9, sender.odsCode, {
        identifiers: [
          { system: CAMPAIGN, value: 'flu-2026' },
          { system: 'https://example.org/ignored', value: 'x' },
        ],
      }),
      { 'x-correlation-id': '11C46F5F-CDEF-4865-94B2-0EE0EDCC26DA' },
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.headers['x-correlation-id']).toBe('11C46F5F-CDEF-4865-94B2-0EE0EDCC26DA');
    const body = res.json<{ identifier: { system: string; value: string }[]; recipient: unknown[] }>();
    expect(body.identifier[0]!.system).toBe('https://fhir.nhs.uk/Id/nhs-app-communication-id');
    const id = body.identifier[0]!.value;
    expect(body.identifier.slice(1)).toEqual([{ system: CAMPAIGN, value: 'flu-2026' }]);
    expect(res.headers.location).toBe(new URL(`${IN_APP}/${id}`, t.deps.config.publicUrl).toString());
    expect(body).toMatchObject({
      resourceType: 'CommunicationRequest',
      status: 'active',
      requester: { type: 'Organization' },
    });
    expect(await receiptsOf(id)).toEqual([{ code: 'Delivered', reason: null }]);
    expect(await statusOf(id)).toBe('Delivered');
    expect(await pushesOf(id)).toBe(1);
    const audit = await t.deps.db.query<{ action: string }>('SELECT action FROM audit_log WHERE target_id = $1', [id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['outbound.in_app']);
    // Stored sealed: neither the NHS number nor the text is in the row.
    const raw = await t.deps.db.query<{ t: string }>(
      'SELECT outbound_messages::text AS t FROM outbound_messages WHERE id = $1',
      [id],
    );
    expect(raw.rows[0]!.t).not.toContain(p9);
    expect(raw.rows[0]!.t).not.toContain('appointment');
    // The sender can read it back at its Location; no X-Correlation-ID is invented when none was sent.
    const read = await t.app.inject({
      method: 'GET',
      url: `${IN_APP}/${id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(body);
    expect(read.headers['x-correlation-id']).toBeUndefined();
  });

  it('accepts a message for an NHS number with no P9 patient and rejects it by receipt', async () => {
    const p5 = testNhsNumber();
    await enrolPatient(t.deps, { nhsNumber: p5, identityLevel: 'P5' });
    for (const nhs of [testNhsNumber(), p5]) {
      const res = await send(IN_APP, inAppRequest(nhs, sender.odsCode));
      expect(res.statusCode).toBe(201);
      const id = res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
      expect(await receiptsOf(id)).toEqual([{ code: 'Rejected', reason: 'NHS number not found' }]);
      expect(await statusOf(id)).toBe('Rejected');
      expect(await pushesOf(id)).toBe(0);
    }
  });

  it('takes a push notification and holds it for the push service (Pending, no receipt yet)', async () => {
    const res = await send(NOTIFICATION, {
      resourceType: 'CommunicationRequest',
      status: 'active',
      payload: [{ contentReference: { display: 'You have a new message.', reference: 'https://www.nhs.uk/inbox' } }],
      recipient: [{ type: 'Patient', identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: p9 } }],
    });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
    expect(res.headers.location).toContain(`${NOTIFICATION}/${id}`);
    expect(await receiptsOf(id)).toEqual([]);
    expect(await statusOf(id)).toBe('Pending');
    expect(await pushesOf(id)).toBe(1);
  });

  it('makes a message for a patient with no device Unnotified at once, with no push queued', async () => {
    const deviceless = testNhsNumber();
    await enrolPatient(t.deps, { nhsNumber: deviceless, identityLevel: 'P9' });
    // In-app: in the inbox (Delivered) and, with nothing to push to, Unnotified with the reason.
    const inApp = await send(IN_APP, inAppRequest(deviceless, sender.odsCode));
    expect(inApp.statusCode).toBe(201);
    const inAppId = idOf(inApp);
    expect(await statusOf(inAppId)).toBe('Unnotified');
    expect(await receiptsOf(inAppId)).toEqual(
      expect.arrayContaining([
        { code: 'Delivered', reason: null },
        { code: 'Unnotified', reason: UNNOTIFIED_REASON.noDevice },
      ]),
    );
    expect(await receiptsOf(inAppId)).toHaveLength(2);
    expect(await pushesOf(inAppId)).toBe(0);

    // Notification: nothing in the inbox to deliver, so Unnotified alone.
    const notification = await send(NOTIFICATION, {
      resourceType: 'CommunicationRequest',
      status: 'active',
      payload: [{ contentReference: { display: 'You have a new message.', reference: 'https://www.nhs.uk/inbox' } }],
      recipient: [{ type: 'Patient', identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: deviceless } }],
    });
    expect(notification.statusCode).toBe(201);
    const notificationId = idOf(notification);
    expect(await statusOf(notificationId)).toBe('Unnotified');
    expect(await receiptsOf(notificationId)).toEqual([{ code: 'Unnotified', reason: UNNOTIFIED_REASON.noDevice }]);
    expect(await pushesOf(notificationId)).toBe(0);
    // This client has no callback URL: no callback is queued for any of them.
    const callbacks = await t.deps.db.query(
      'SELECT 1 FROM outbound_callbacks c JOIN outbound_receipts r ON r.id = c.receipt_id WHERE r.message_id = ANY($1::uuid[])',
      [[inAppId, notificationId]],
    );
    expect(callbacks.rows).toEqual([]);
  });

  it('refuses each broken rule with an OperationOutcome naming the field, writing nothing', async () => {
    const good = () => inAppRequest(p9, sender.odsCode);
    const withPayload = (content: string) => inAppRequest(p9, sender.odsCode, { content });
    const cases: [string, unknown, string, string?][] = [
      ['no resourceType', { ...good(), resourceType: undefined }, 'Root object has no type indication (resourceType)'],
      [
        'wrong resourceType',
        { ...good(), resourceType: 'communicationrequest' },
        "Cannot locate type information for type 'communicationrequest'",
        'resourceType',
      ],
      ['status draft', { ...good(), status: 'draft' }, "Must be 'active'", 'status'],
      ['no recipient', { ...good(), recipient: [] }, 'Not specified', 'recipient'],
      [
        'two recipients',
        { ...good(), recipient: [...(good().recipient as unknown[]), ...(good().recipient as unknown[])] },
        'Exceeds maximum length',
        'recipient',
      ],
      [
        'bad check digit',
        inAppRequest('9903002158', sender.odsCode),
        'NHS Number is invalid',
        'recipient[0].identifier.value',
      ],
      [
        'nine digits',
        inAppRequest('990300215', sender.odsCode),
        'NHS Number is invalid',
        'recipient[0].identifier.value',
      ],
      [
        'recipient system',
        {
          ...good(),
          recipient: [{ identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: p9 } }],
        },
        'Identifier system is invalid',
        'recipient[0].identifier.system',
      ],
      ['no requester', { ...good(), requester: undefined }, 'Not specified', 'requester'],
      [
        'requester system',
        {
          ...good(),
          requester: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: sender.odsCode } },
        },
        'Identifier system is invalid',
        'requester.identifier.system',
      ],
      ['content too long', withPayload('a'.repeat(5001)), 'Exceeds maximum length', 'payload[0].contentString'],
      ['HTML', withPayload('Hello <b>there</b>'), 'HTML is not allowed', 'payload[0].contentString'],
      ['no payload', { ...good(), payload: [] }, 'Not specified', 'payload'],
      [
        'identifier too long',
        { ...good(), identifier: [{ system: CAMPAIGN, value: 'x'.repeat(129) }] },
        'Exceeds maximum length',
        'identifier[0].value',
      ],
      [
        'two campaign ids',
        {
          ...good(),
          identifier: [
            { system: CAMPAIGN, value: 'a' },
            { system: CAMPAIGN, value: 'b' },
          ],
        },
        'Multiple Campaign IDs specified',
        'identifier',
      ],
      [
        'two request ids',
        {
          ...good(),
          identifier: [
            { system: REQUEST_ID, value: 'a' },
            { system: REQUEST_ID, value: 'a' },
          ],
        },
        'Multiple Request IDs specified',
        'identifier',
      ],
      ['not an object', [good()], 'Invalid Json encountered.'],
      // PostgreSQL text cannot hold NUL: refused here, never a 500 from the database.
      [
        'NUL in an identifier',
        { ...good(), identifier: [{ system: CAMPAIGN, value: 'x\u0000y' }] },
        'Invalid characters',
        'identifier[0].value',
      ],
      ['NUL in the content', withPayload('Hello\u0000there'), 'Invalid characters', 'payload[0].contentString'],
      [
        'a tag split by a carriage return',
        { ...good(), identifier: [{ system: CAMPAIGN, value: '<img src=x onerror=alert(1)\r>' }] },
        'HTML is not allowed',
        'identifier[0].value',
      ],
    ];
    const before = await messagesOf(sender.id);
    for (const [what, body, diagnostics, expression] of cases) {
      const res = await send(IN_APP, body);
      expect(res.statusCode, what).toBe(400);
      const outcome = res.json<Outcome>();
      expect(outcome.resourceType, what).toBe('OperationOutcome');
      expect(outcome.issue[0], what).toMatchObject({ code: 'invalid', diagnostics });
      if (expression) expect(outcome.issue[0]!.expression, what).toEqual([expression]);
    }
    const links = await send(
      IN_APP,
      withPayload('See [this](https://evil.example/x) and [that](http://www.nhs.uk/y).'),
    );
    expect(links.statusCode).toBe(400);
    expect(links.json<Outcome>().issue.length).toBeGreaterThanOrEqual(2);
    const display = await send(NOTIFICATION, {
      resourceType: 'CommunicationRequest',
      status: 'active',
      payload: [{ contentReference: { display: 'x'.repeat(201) } }],
      recipient: [{ identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: p9 } }],
    });
    expect(display.statusCode).toBe(400);
    expect(display.json<Outcome>().issue[0]).toMatchObject({
      diagnostics: 'Exceeds maximum length',
      expression: ['payload[0].contentReference.display'],
    });
    // Several problems at once are all reported, as the NHS App does.
    const many = await send(IN_APP, { ...good(), status: 'draft', recipient: [] });
    expect(many.json<Outcome>().issue.map((i) => i.expression?.[0])).toEqual(['status', 'recipient']);
    expect(await messagesOf(sender.id)).toBe(before);
  });

  /** A 400 OperationOutcome with this one `invalid` issue. */
  const expectOneInvalid = (res: { statusCode: number; json<T>(): T }, diagnostics: string, expression: string) => {
    expect(res.statusCode).toBe(400);
    const outcome = res.json<Outcome>();
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue).toEqual([
      expect.objectContaining({ code: 'invalid', diagnostics, expression: [expression] }),
    ]);
  };

  it('refuses an identifier system given twice, even one it otherwise ignores, writing nothing', async () => {
    const other = 'https://example.org/ids';
    const once = await send(IN_APP, inAppRequest(p9, sender.odsCode, { identifiers: [{ system: other, value: 'a' }] }));
    expect(once.statusCode).toBe(201);
    const before = await messagesOf(sender.id);
    const twice = await send(
      IN_APP,
      inAppRequest(p9, sender.odsCode, {
        identifiers: [
          { system: other, value: 'a' },
          { system: CAMPAIGN, value: 'flu-2026' },
          { system: other, value: 'b' },
        ],
      }),
    );
    expectOneInvalid(twice, 'Identifier system is repeated', 'identifier');
    expect(await messagesOf(sender.id)).toBe(before);
  });

  it('takes a notification display of exactly 200 characters and refuses one of 201', async () => {
    const notification = (display: string) => ({
      resourceType: 'CommunicationRequest',
      status: 'active',
      payload: [{ contentReference: { display } }],
      recipient: [{ type: 'Patient', identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: p9 } }],
    });
    const longest = await send(NOTIFICATION, notification('x'.repeat(200)));
    expect(longest.statusCode).toBe(201);
    expect(await statusOf(idOf(longest))).toBe('Pending');
    const before = await messagesOf(sender.id);
    const tooLong = await send(NOTIFICATION, notification('x'.repeat(201)));
    expectOneInvalid(tooLong, 'Exceeds maximum length', 'payload[0].contentReference.display');
    expect(await messagesOf(sender.id)).toBe(before);
  });

  it('refuses a requester other than the client’s own organisation with 403', async () => {
    const res = await send(IN_APP, inAppRequest(p9, 'B82041'));
    expect(res.statusCode).toBe(403);
    expect(res.json<Outcome>().issue[0]).toMatchObject({
      code: 'security',
      expression: ['requester.identifier.value'],
    });
  });

  it('answers bad JSON, bad UTF-8 and oversized bodies with an OperationOutcome', async () => {
    const bad = await send(IN_APP, '{ bad Json');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Outcome>().issue[0]).toMatchObject({ code: 'invalid', diagnostics: 'Invalid Json encountered.' });
    const utf8 = await t.app.inject({
      method: 'POST',
      url: IN_APP,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expect(utf8.statusCode).toBe(400);
    expect(utf8.json<Outcome>().resourceType).toBe('OperationOutcome');
    const huge = await send(IN_APP, inAppRequest(p9, sender.odsCode, { content: 'a'.repeat(2_000_000) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json<Outcome>().issue[0]!.code).toBe('too-long');
  });

  it('stops every token issued before a key was revoked', async () => {
    const leaky = await makeSender(t.app, t.deps);
    const leaked = await accessTokenFor(t.app, leaky);
    expect((await send(IN_APP, inAppRequest(p9, leaky.odsCode), {}, leaked)).statusCode).toBe(201);
    // Tokens count whole seconds: revoke in a later second than the token was issued.
    await new Promise((r) => setTimeout(r, 1100));
    const revoke = await t.app.inject({
      method: 'POST',
      url: `/api/admin/api-clients/${leaky.id}/keys/${leaky.kid}/revoke`,
      headers: { cookie: leaky.adminCookie },
      payload: {},
    });
    expect(revoke.statusCode).toBe(200);
    expect((await send(IN_APP, inAppRequest(p9, leaky.odsCode), {}, leaked)).statusCode).toBe(401);
  });

  it('refuses missing, forged, expired and disabled-client tokens with 401', async () => {
    const body = inAppRequest(p9, sender.odsCode);
    const noToken = await t.app.inject({ method: 'POST', url: IN_APP, payload: body });
    expect(noToken.statusCode).toBe(401);
    expect(noToken.json<Outcome>().issue[0]).toMatchObject({ code: 'forbidden', diagnostics: 'Invalid Access Token' });
    expect((await send(IN_APP, body, {}, forgedToken(token))).statusCode).toBe(401);
    const key = await t.deps.keyring.derivedKey(ACCESS_TOKEN_KEY_PURPOSE);
    const old = issueAccessToken(key, sender.id, new Date(Date.now() - 3_600_000)).token;
    const expired = await send(IN_APP, body, {}, old);
    expect(expired.statusCode).toBe(401);
    expect(expired.json<Outcome>().issue[0]).toMatchObject({ code: 'expired', diagnostics: 'Access Token expired' });

    const other = await makeSender(t.app, t.deps);
    const otherToken = await accessTokenFor(t.app, other);
    await t.app.inject({
      method: 'POST',
      url: `/api/admin/api-clients/${other.id}/disable`,
      headers: { cookie: other.adminCookie },
      payload: {},
    });
    expect((await send(IN_APP, inAppRequest(p9, other.odsCode), {}, otherToken)).statusCode).toBe(401);
  });

  it('answers a repeated request-id with the first result and refuses it for a different request', async () => {
    const requestId = randomUUID();
    const body = inAppRequest(p9, sender.odsCode, { identifiers: [{ system: REQUEST_ID, value: requestId }] });
    const [a, b] = await Promise.all([send(IN_APP, body), send(IN_APP, body)]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json()).toEqual(b.json());
    expect(a.headers.location).toBe(b.headers.location);
    const before = await messagesOf(sender.id);
    const changed = await send(
      IN_APP,
      inAppRequest(p9, sender.odsCode, {
        content: 'Something else',
        identifiers: [{ system: REQUEST_ID, value: requestId }],
      }),
    );
    expect(changed.statusCode).toBe(409);
    expect(changed.json<Outcome>().issue[0]!.code).toBe('duplicate');
    expect(await messagesOf(sender.id)).toBe(before);
  });

  it('ignores fields the NHS App ignores', async () => {
    const res = await send(IN_APP, { ...inAppRequest(p9, sender.odsCode), priority: 'urgent', doNotPerform: false });
    expect(res.statusCode).toBe(201);
  });

  it('limits each client to its own rate, with 429 and Retry-After', async () => {
    const slow = await makeSender(t.app, t.deps, { rateLimitPerMinute: 2 });
    const slowToken = await accessTokenFor(t.app, slow);
    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await send(IN_APP, inAppRequest(p9, slow.odsCode), {}, slowToken));
    expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 429]);
    const throttled = responses[2]!;
    expect(throttled.json<Outcome>().issue[0]!.code).toBe('throttled');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not slowed by it.
    expect((await send(IN_APP, inAppRequest(p9, sender.odsCode))).statusCode).toBe(201);
  });

  it('shows a message only to the client that sent it', async () => {
    const res = await send(IN_APP, inAppRequest(p9, sender.odsCode));
    const id = res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
    const other = await makeSender(t.app, t.deps);
    const otherToken = await accessTokenFor(t.app, other);
    const read = await t.app.inject({
      method: 'GET',
      url: `${IN_APP}/${id}`,
      headers: { authorization: `Bearer ${otherToken}` },
    });
    expect(read.statusCode).toBe(404);
    expect(read.json<Outcome>().issue[0]!.code).toBe('not-found');
  });
});
