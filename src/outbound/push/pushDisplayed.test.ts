import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATIENT_SESSION_COOKIE } from '../../identity/patientSignIn/patientSessions.js';
import { DISPLAY_REPORTS_PER_MINUTE } from './routes.js';
import { DAYTIME, pushTestBed, type PushBed } from './testPushBed.js';
import { pushSteps } from './testPushSteps.js';

let bed: PushBed;
beforeAll(async () => {
  bed = await pushTestBed();
});
afterAll(async () => {
  await bed?.close();
});

const {
  dispatch,
  receivedBy,
  codes,
  statusOf,
  displayed,
  report,
  randomAddress,
  displayAudit,
  pushedMessage,
  optedIn,
} = pushSteps(() => bed);

describe('display reports', () => {
  it('records Notified from a report with no session, or a session that has ended, audited as anonymous', async () => {
    const { patient, id, tag } = await pushedMessage();
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted']);

    // The notification is shown hours later: the session has ended, but the browser still sends its cookie.
    const signOut = await bed.t.app.inject({
      method: 'POST',
      url: '/api/patient/sign-out',
      cookies: { [PATIENT_SESSION_COOKIE]: patient.session },
      payload: {},
    });
    expect(signOut.statusCode).toBe(204);
    const ended = await report(tag, { session: patient.session });
    expect(ended.statusCode, ended.body).toBe(204);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted', 'Notified']);
    expect(await statusOf(id)).toBe('Notified');
    expect((await bed.receipts(id)).every((r) => r.callback)).toBe(true);
    expect((await bed.pushOf(id))!.state).toBe('notified');
    // No cookie at all: accepted, and changes nothing the second time.
    expect((await report(tag)).statusCode).toBe(204);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted', 'Notified']);
    // Audited once, on the patient's chain, never as the patient: nobody signed in made the report.
    expect(await displayAudit(patient.patientId)).toEqual([
      {
        actor_kind: 'anonymous',
        actor_id: null,
        target_id: id,
        reason: 'reported without a session, by the notification tag',
      },
    ]);
  });

  it('counts a display reported before the dispatcher has recorded the send, once and in order', async () => {
    const { patient, devices } = await optedIn();
    const id = await bed.send(patient.nhsNumber);
    // A fast device: it shows the notification and reports it before its push service has even
    // answered the dispatcher, so the push is still being dispatched when the report comes.
    const answers: number[] = [];
    bed.push.onPush = async (push) => {
      answers.push((await report((JSON.parse(push.payload) as { tag: string }).tag)).statusCode);
    };
    bed.setClock(bed.now() + 1000);
    try {
      expect(await dispatch()).toMatchObject({ claimed: 1, retrying: 0, unnotified: 0 });
    } finally {
      bed.push.onPush = null;
      bed.setClock(DAYTIME());
    }
    expect(answers).toEqual([204]);
    expect(receivedBy(devices[0]!)).toHaveLength(1);
    const { rows } = await bed.t.deps.db.query<{ code: string }>(
      'SELECT code FROM outbound_receipts WHERE message_id = $1 ORDER BY at, id',
      [id],
    );
    expect(rows.map((r) => r.code)).toEqual(['Delivered', 'NotificationAttempted', 'Notified']);
    expect(await statusOf(id)).toBe('Notified');
    expect((await bed.receipts(id)).every((r) => r.callback)).toBe(true);
    const push = (await bed.pushOf(id))!;
    expect(push.state).toBe('notified');
    // Nothing is due again: it is not sent twice.
    expect(await dispatch()).toMatchObject({ claimed: 0 });
    expect(await displayAudit(patient.patientId)).toHaveLength(1);
  });

  it('answers an unknown tag and a push not yet sent alike with 404, and records nothing', async () => {
    const { patient, devices } = await optedIn();
    const due = await bed.send(patient.nhsNumber);
    const tag = (await bed.pushOf(due))!.id;
    const unknown = await report(randomUUID());
    expect(unknown.statusCode).toBe(404);
    const notSent = await report(tag);
    expect(notSent.statusCode).toBe(404);
    expect(notSent.json()).toEqual(unknown.json());
    // Nor with the owner's session: it was never shown, since it was never sent.
    expect((await report(tag, { session: patient.session })).json()).toEqual(unknown.json());
    expect(await codes(due)).toEqual(['Delivered']);
    expect((await bed.pushOf(due))!.state).toBe('due');

    // A push that ended Unnotified (every try failed) is not shown later either.
    devices[0]!.answer = 404;
    expect(await dispatch()).toMatchObject({ unnotified: 1 });
    expect((await bed.pushOf(due))!.state).toBe('unnotified');
    expect((await report(tag)).json()).toEqual(unknown.json());
    expect(await codes(due)).toEqual(['Delivered', 'Unnotified']);
    expect(await displayAudit(patient.patientId)).toEqual([]);
    expect((await report('not-a-tag')).statusCode).toBe(400);
  });

  it("keeps a live session to its own patient's tags: someone else's is 404, as an unknown tag", async () => {
    const { patient, id, tag } = await pushedMessage();
    const other = await bed.person();
    const res = await displayed(other.session, tag);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual((await displayed(other.session, randomUUID())).json());
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted']);
    expect(await displayAudit(other.patientId)).toEqual([]);

    expect((await displayed(patient.session, tag)).statusCode).toBe(204);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted', 'Notified']);
    expect(await displayAudit(patient.patientId)).toEqual([
      { actor_kind: 'service_user', actor_id: patient.patientId, target_id: id, reason: null },
    ]);
  });

  it(`limits each address to ${DISPLAY_REPORTS_PER_MINUTE} reports a minute, then answers 429 with Retry-After`, async () => {
    const { id, tag } = await pushedMessage();
    const remoteAddress = randomAddress();
    for (let i = 0; i < DISPLAY_REPORTS_PER_MINUTE; i++) {
      const res = await report(randomUUID(), { remoteAddress });
      if (res.statusCode !== 404) expect.fail(`report ${i + 1} answered ${res.statusCode} ${res.body}`);
    }
    const over = await report(tag, { remoteAddress });
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted']);
    // Another address is not held back.
    expect((await report(tag)).statusCode).toBe(204);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted', 'Notified']);
  });

  it('refuses a report from another site, with or without a session', async () => {
    const { patient, id, tag } = await pushedMessage();
    const refusals: [string, Record<string, string>, string?][] = [
      ['another origin', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
      ['another origin, no fetch metadata', { origin: 'https://evil.example' }],
      ['a sibling subdomain', { origin: 'https://evil.confide.test' }],
      ['an opaque origin', { origin: 'null' }],
      ['marked cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['marked same-site', { 'sec-fetch-site': 'same-site' }],
    ];
    for (const session of [undefined, patient.session]) {
      for (const [name, headers] of refusals) {
        const res = await report(tag, { headers, ...(session === undefined ? {} : { session }) });
        expect(res.statusCode, name).toBe(403);
        expect(res.json<{ code: string }>().code, name).toBe('cross_site_request');
      }
    }
    // What a cross-site HTML form could send.
    const form = await bed.t.app.inject({
      method: 'POST',
      url: '/api/patient/push-displayed',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ tag }),
    });
    expect(form.statusCode).toBe(415);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted']);
    // A client that is not a browser sends no Origin: the tag alone decides.
    const bare = await bed.t.app.inject({ method: 'POST', url: '/api/patient/push-displayed', payload: { tag } });
    expect(bare.statusCode).toBe(204);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted', 'Notified']);
  });
});
