import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATIENT_SESSION_COOKIE } from '../../identity/patientSignIn/patientSessions.js';
import { signedInAs } from '../../identity/patientSignIn/testSignIn.js';
import { startOidcProvider, type TestOidcProvider } from '../../testing/oidcProvider.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { optInDevice } from '../push/testDevice.js';
import { recordReceipt } from '../receipts/recordReceipt.js';
import {
  currentStatus,
  accessTokenFor,
  batchBundle,
  inAppRequest,
  makeSender,
  testNhsNumber,
  type TestSender,
} from '../testSenders.js';

const PUBLIC_URL = 'https://patients.confide.test';

describe('the patient inbox', () => {
  let provider: TestOidcProvider;
  let t: TestApp;
  let sender: TestSender;
  let token: string;
  beforeAll(async () => {
    provider = await startOidcProvider({ redirectUri: `${PUBLIC_URL}/api/patient/sign-in/callback` });
    t = await buildTestApp({ config: { publicUrl: PUBLIC_URL, patientOidc: provider.config } });
    sender = await makeSender(t.app, t.deps);
    token = await accessTokenFor(t.app, sender);
  });
  afterAll(async () => {
    await t?.close();
    await provider?.close();
  });

  const person = async (identityLevel: 'P9' | 'P5') => {
    const nhsNumber = testNhsNumber();
    const sub = provider.addAccount({
      nhsNumber,
      identityLevel,
      givenName: 'Pat',
      familyName: 'Example',
      email: `${nhsNumber}@example.com`,
      phone: '+447700900123',
    });
    return { nhsNumber, session: await signedInAs(t, provider, sub) };
  };
  const send = async (nhsNumber: string, content: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/communication/in-app/FHIR/R4/CommunicationRequest',
      headers: { authorization: `Bearer ${token}` },
      payload: inAppRequest(nhsNumber, sender.odsCode, { content }),
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
  };
  const inbox = (session: string) =>
    t.app.inject({ method: 'GET', url: '/api/patient/messages', cookies: { [PATIENT_SESSION_COOKIE]: session } });
  const read = (session: string, id: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/patient/messages/${id}/read`,
      cookies: { [PATIENT_SESSION_COOKIE]: session },
      payload: {},
    });
  /** The message's receipt codes, in alphabetical order (receipts written together share a time). */
  const receipts = async (id: string) =>
    (
      await t.deps.db.query<{ code: string }>(
        'SELECT code FROM outbound_receipts WHERE message_id = $1 ORDER BY code',
        [id],
      )
    ).rows.map((r) => r.code);

  it('shows a P9 patient their messages with a verified sender, newest first, and audits the read', async () => {
    const me = await person('P9');
    const first = await send(me.nhsNumber, 'First: see [your results](https://www.nhs.uk/results).');
    const second = await send(me.nhsNumber, '## Second\n\n**Bold** text.');
    const res = await inbox(me.session);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      messages: {
        id: string;
        content: string;
        read: boolean;
        sender: { name: string; odsCode: string; verified: boolean; linkDomains: string[] };
      }[];
      unread: number;
    }>();
    expect(body.messages.map((m) => m.id)).toEqual([second, first]);
    expect(body.unread).toBe(2);
    expect(body.messages[1]!.content).toBe('First: see [your results](https://www.nhs.uk/results).');
    const org = await t.deps.db.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [
      sender.organisationId,
    ]);
    // The test sender registered www.nhs.uk as its one link domain.
    expect(body.messages[0]!.sender).toEqual({
      name: org.rows[0]!.name,
      odsCode: sender.odsCode,
      verified: true,
      linkDomains: ['www.nhs.uk'],
    });
    const audits = await t.deps.db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action = 'patient.inbox_read' AND chain LIKE 'patient:%'",
    );
    expect(audits.rows.length).toBeGreaterThan(0);
  });

  const statusOf = (id: string) => currentStatus(t.deps.db, id);

  it("gives each message its sender's link domains as they are now, so a domain given up links no more", async () => {
    const me = await person('P9');
    const own = await makeSender(t.app, t.deps, { allowedLinkDomains: ['www.nhs.uk'] });
    const res = await t.app.inject({
      method: 'POST',
      url: '/communication/in-app/FHIR/R4/CommunicationRequest',
      headers: { authorization: `Bearer ${await accessTokenFor(t.app, own)}` },
      payload: inAppRequest(me.nhsNumber, own.odsCode, { content: 'See [results](https://www.nhs.uk/results).' }),
    });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
    const domainsOf = async () =>
      (await inbox(me.session))
        .json<{ messages: { id: string; sender: { linkDomains: string[] } }[] }>()
        .messages.find((m) => m.id === id)!.sender.linkDomains;
    expect(await domainsOf()).toEqual(['www.nhs.uk']);
    const changed = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/api-clients/${own.id}`,
      headers: { cookie: own.adminCookie },
      payload: { allowedLinkDomains: ['results.example.org'] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(await domainsOf()).toEqual(['results.example.org']);
  });

  it('pages through messages written together without skipping any', async () => {
    const { nhsNumber, session } = await person('P9');
    // One Bundle: its 60 messages share one time, and the first page ends inside them.
    const res = await t.app.inject({
      method: 'POST',
      url: '/communication/in-app/FHIR/R4',
      headers: { authorization: `Bearer ${token}` },
      payload: batchBundle(
        Array.from({ length: 60 }, (_, i) => inAppRequest(nhsNumber, sender.odsCode, { content: `Message ${i}` })),
      ),
    });
    expect(res.statusCode).toBe(200);
    const seen: string[] = [];
    let query = '';
    for (let page = 0; page < 5; page++) {
      const listed = await t.app.inject({
        method: 'GET',
        url: `/api/patient/messages${query}`,
        cookies: { [PATIENT_SESSION_COOKIE]: session },
      });
      expect(listed.statusCode, listed.body).toBe(200);
      const body = listed.json<{ messages: { id: string }[]; next: { before: string; beforeId: string } | null }>();
      seen.push(...body.messages.map((m) => m.id));
      if (!body.next) break;
      query = `?before=${encodeURIComponent(body.next.before)}&beforeId=${body.next.beforeId}`;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
  });

  it('marks a message read once, sending the Read receipt once', async () => {
    const me = await person('P9');
    await optInDevice(t.deps, me.nhsNumber);
    const id = await send(me.nhsNumber, 'Please read me.');
    expect(await receipts(id)).toEqual(['Delivered']);
    expect((await read(me.session, id)).statusCode).toBe(200);
    expect((await read(me.session, id)).statusCode).toBe(200);
    expect(await receipts(id)).toEqual(['Delivered', 'Read']);
    // A push held overnight and sent after the patient read it does not turn the status back.
    await recordReceipt(t.deps.db, { messageId: id, code: 'NotificationAttempted', at: new Date() });
    expect(await statusOf(id)).toBe('Read');
    const after = (await inbox(me.session)).json<{ messages: { id: string; read: boolean }[]; unread: number }>();
    expect(after.messages.find((m) => m.id === id)!.read).toBe(true);
    expect(after.unread).toBe(0);

    // A patient with no device: Unnotified at once, yet in the inbox, and reading it makes it Read.
    const deviceless = await person('P9');
    const unnotified = await send(deviceless.nhsNumber, 'Read me without a push.');
    expect(await receipts(unnotified)).toEqual(['Delivered', 'Unnotified']);
    expect(await statusOf(unnotified)).toBe('Unnotified');
    const listed = (await inbox(deviceless.session)).json<{ messages: { id: string }[] }>().messages;
    expect(listed.map((m) => m.id)).toEqual([unnotified]);
    expect((await read(deviceless.session, unnotified)).statusCode).toBe(200);
    expect(await receipts(unnotified)).toEqual(['Delivered', 'Read', 'Unnotified']);
    expect(await statusOf(unnotified)).toBe('Read');
  });

  it('opens one message by its id for its own patient only, audited, without marking it read', async () => {
    const a = await person('P9');
    const b = await person('P9');
    const id = await send(a.nhsNumber, 'Just this one, from a [link](https://www.nhs.uk/x).');
    const open = (session: string | null, messageId: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/patient/messages/${messageId}`,
        ...(session ? { cookies: { [PATIENT_SESSION_COOKIE]: session } } : {}),
      });
    const mine = await open(a.session, id);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({
      id,
      content: 'Just this one, from a [link](https://www.nhs.uk/x).',
      read: false,
      sender: { odsCode: sender.odsCode, verified: true },
    });
    expect(await receipts(id)).toEqual(['Delivered', 'Unnotified']);
    // Someone else's message and a missing one answer alike.
    const theirs = await open(b.session, id);
    const missing = await open(a.session, '00000000-0000-4000-8000-000000000000');
    expect([theirs.statusCode, missing.statusCode]).toEqual([404, 404]);
    expect(theirs.json()).toEqual(missing.json());
    expect((await open(a.session, 'not-an-id')).statusCode).toBe(400);
    expect((await open((await person('P5')).session, id)).statusCode).toBe(403);
    expect((await open(null, id)).statusCode).toBe(401);
    const audited = await t.deps.db.query<{ actor_kind: string }>(
      "SELECT actor_kind FROM audit_log WHERE action = 'patient.message_view' AND target_id = $1",
      [id],
    );
    expect(audited.rows).toEqual([{ actor_kind: 'service_user' }]);
  });

  it('keeps each patient to their own messages, and P5 sessions out', async () => {
    const a = await person('P9');
    const b = await person('P9');
    const forA = await send(a.nhsNumber, 'For A only.');
    expect((await inbox(b.session)).json<{ messages: { id: string }[] }>().messages.map((m) => m.id)).not.toContain(
      forA,
    );
    expect((await read(b.session, forA)).statusCode).toBe(404);
    // A has no device: the receipts written at acceptance, and no Read.
    expect(await receipts(forA)).toEqual(['Delivered', 'Unnotified']);
    const p5 = await person('P5');
    expect((await inbox(p5.session)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/patient/messages' })).statusCode).toBe(401);
  });
});
