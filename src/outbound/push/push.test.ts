import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientChain } from '../../identity/patientSignIn/patientChain.js';
import { PATIENT_SESSION_COOKIE } from '../../identity/patientSignIn/patientSessions.js';
import type { TestDevice } from '../../testing/pushService.js';
import { MAX_PUSH_ATTEMPTS, PUSH_LEASE_MS, pushBackoffMs } from './dispatchPushes.js';
import { UNNOTIFIED_REASON } from './pushPayload.js';
import { startPushRunner } from './pushRunner.js';
import { DAYTIME, londonTime, pushTestBed, type PushBed } from './testPushBed.js';
import { pushSteps } from './testPushSteps.js';

let bed: PushBed;
beforeAll(async () => {
  bed = await pushTestBed();
});
afterAll(async () => {
  await bed?.close();
});

const { dispatch, receivedBy, codes, statusOf, displayed, optedIn } = pushSteps(() => bed);

describe('Web Push for outbound messages', () => {
  it('pushes an in-app message with the generic payload only, and a display report makes it Notified', async () => {
    const { patient, devices } = await optedIn();
    const [device] = devices as [TestDevice];
    const content = 'Your blood test from Tuesday shows low ferritin. Book at [your GP](https://www.nhs.uk/gp).';
    const id = await bed.send(patient.nhsNumber, { content });
    // Delivered to the inbox at once; the push is due now, not yet sent.
    expect(await codes(id)).toEqual(['Delivered']);
    const queued = (await bed.pushOf(id))!;
    expect(queued).toMatchObject({ state: 'due', attempts: 0 });
    expect(new Date(queued.due_at).getTime()).toBe(bed.now());

    expect(await dispatch()).toMatchObject({ attempted: 1, unnotified: 0, retrying: 0 });
    expect(bed.push.refused).toEqual([]);
    const [got, ...more] = receivedBy(device);
    expect(more).toEqual([]);
    // Exactly the generic notification: no content, no sender, no identifiers of the message.
    expect(got!.payload).toBe(`{"title":"NHS","body":"You have a new message.","tag":"${queued.id}","url":"/inbox"}`);
    for (const secret of ['ferritin', 'blood', bed.sender.odsCode, 'Test NHS Trust', patient.nhsNumber, id]) {
      expect(got!.payload).not.toContain(secret);
    }
    // Signed with the key the web app subscribes with, for this push service, for a day.
    const key = await bed.t.app.inject({ method: 'GET', url: '/api/patient/push/vapid-public-key' });
    expect(got!.vapid.publicKey).toBe(key.json<{ publicKey: string }>().publicKey);
    expect(got!.vapid.claims.aud).toBe(bed.push.origin);
    expect(got!.headers).toMatchObject({ ttl: '86400', urgency: 'normal', 'content-encoding': 'aes128gcm' });

    // NotificationAttempted, with its callback queued for the client.
    expect(await bed.receipts(id)).toEqual([
      { code: 'Delivered', reason: null, callback: true },
      { code: 'NotificationAttempted', reason: null, callback: true },
    ]);
    expect((await bed.pushOf(id))!.state).toBe('sent');
    // Nothing is sent twice.
    expect(await dispatch()).toMatchObject({ claimed: 0 });
    expect(receivedBy(device)).toHaveLength(1);

    // The service worker showed it and says so: Notified, once, whatever the number of reports.
    expect((await displayed(patient.session, queued.id)).statusCode).toBe(204);
    expect((await displayed(patient.session, queued.id)).statusCode).toBe(204);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted', 'Notified']);
    expect((await bed.receipts(id)).every((r) => r.callback)).toBe(true);
    expect(await statusOf(id)).toBe('Notified');
  });

  it('pushes a notification-channel message, which goes from Pending to NotificationAttempted', async () => {
    const { patient, devices } = await optedIn();
    const id = await bed.send(patient.nhsNumber, { channel: 'notification', content: 'Your results are ready' });
    expect(await codes(id)).toEqual([]);
    expect((await bed.pushOf(id))!.state).toBe('due');
    expect(await dispatch()).toMatchObject({ attempted: 1 });
    const [got] = receivedBy(devices[0]!);
    expect(JSON.parse(got!.payload)).toEqual({
      title: 'NHS',
      body: 'You have a new message.',
      tag: (await bed.pushOf(id))!.id,
      url: '/inbox',
    });
    expect(got!.payload).not.toContain('results');
    expect(await codes(id)).toEqual(['NotificationAttempted']);
  });

  it('sends to every device, and a rejected message queues no push at all', async () => {
    const { patient, devices } = await optedIn(3);
    const id = await bed.send(patient.nhsNumber);
    expect(await dispatch()).toMatchObject({ attempted: 1 });
    for (const d of devices) expect(receivedBy(d)).toHaveLength(1);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted']);

    const nobody = await bed.send('9990000018');
    expect(await codes(nobody)).toEqual(['Rejected']);
    expect(await bed.pushOf(nobody)).toBeUndefined();
  });

  it('records Delivered and Unnotified with their callbacks at once for a patient with no device, queuing no push', async () => {
    const patient = await bed.person();
    const before = bed.push.received.length;
    const id = await bed.send(patient.nhsNumber);
    // In the inbox, and nothing to push to: both receipts at acceptance, each with its callback.
    const atOnce = [
      { code: 'Delivered', reason: null, callback: true },
      { code: 'Unnotified', reason: UNNOTIFIED_REASON.noDevice, callback: true },
    ];
    expect(await bed.receipts(id)).toEqual(atOnce);
    expect(await statusOf(id)).toBe('Unnotified');
    expect(await bed.pushOf(id)).toBeUndefined();

    // A notification-channel message has no inbox to be Delivered to: Unnotified alone.
    const note = await bed.send(patient.nhsNumber, { channel: 'notification' });
    expect(await bed.receipts(note)).toEqual([
      { code: 'Unnotified', reason: UNNOTIFIED_REASON.noDevice, callback: true },
    ]);
    expect(await statusOf(note)).toBe('Unnotified');
    expect(await bed.pushOf(note)).toBeUndefined();

    // The dispatcher has nothing of theirs to send, and their receipts stay as they were.
    await dispatch();
    expect(bed.push.received.length).toBe(before);
    expect(await bed.receipts(id)).toEqual(atOnce);
    expect(await codes(note)).toEqual(['Unnotified']);
  });

  it('records Unnotified when dispatching if the patient removed their only device after the message was accepted', async () => {
    const { patient, devices } = await optedIn();
    const [device] = devices as [TestDevice];
    const id = await bed.send(patient.nhsNumber);
    expect(await codes(id)).toEqual(['Delivered']);
    expect(await statusOf(id)).toBe('Delivered');
    expect((await bed.pushOf(id))!.state).toBe('due');

    const off = await bed.t.app.inject({
      method: 'DELETE',
      url: '/api/patient/push-subscriptions',
      cookies: { [PATIENT_SESSION_COOKIE]: patient.session },
      payload: { endpoint: device.subscription.endpoint },
    });
    expect(off.statusCode, off.body).toBe(204);

    expect(await dispatch()).toMatchObject({ attempted: 0, unnotified: 1 });
    expect(receivedBy(device)).toEqual([]);
    expect(await bed.receipts(id)).toEqual([
      { code: 'Delivered', reason: null, callback: true },
      { code: 'Unnotified', reason: UNNOTIFIED_REASON.noDevice, callback: true },
    ]);
    expect((await bed.pushOf(id))!.state).toBe('unnotified');
    expect(await statusOf(id)).toBe('Unnotified');
  });

  it('removes a subscription its push service says is gone (410), and is Unnotified when none is left', async () => {
    const { patient, devices } = await optedIn(2);
    const [gone, alive] = devices as [TestDevice, TestDevice];
    gone.answer = 410;
    const first = await bed.send(patient.nhsNumber);
    expect(await dispatch()).toMatchObject({ attempted: 1 });
    expect(await codes(first)).toEqual(['Delivered', 'NotificationAttempted']);
    const left = await bed.t.deps.db.query('SELECT id FROM push_subscriptions WHERE patient_id = $1', [
      patient.patientId,
    ]);
    expect(left.rows).toHaveLength(1);
    const audit = await bed.t.deps.db.query<{ action: string; actor_kind: string; reason: string | null }>(
      `SELECT action, actor_kind, reason FROM audit_log WHERE chain = $1 ORDER BY position`,
      [patientChain(patient.patientId)],
    );
    expect(audit.rows.at(-1)).toEqual({
      action: 'patient.push_unsubscribe',
      actor_kind: 'system',
      reason: 'the push service said the subscription has expired',
    });

    alive.answer = 404;
    const second = await bed.send(patient.nhsNumber);
    expect(await dispatch()).toMatchObject({ attempted: 0, unnotified: 1 });
    expect(receivedBy(gone)).toHaveLength(1);
    expect(await bed.receipts(second)).toContainEqual({
      code: 'Unnotified',
      reason: UNNOTIFIED_REASON.expired,
      callback: true,
    });
    const none = await bed.t.deps.db.query('SELECT id FROM push_subscriptions WHERE patient_id = $1', [
      patient.patientId,
    ]);
    expect(none.rows).toEqual([]);
  });

  it('retries a failing push service with backoff, and gives up as Unnotified after the last try', async () => {
    const { patient, devices } = await optedIn();
    const [device] = devices as [TestDevice];
    device.answer = 500;
    const id = await bed.send(patient.nhsNumber);
    const start = bed.now();
    try {
      expect(await dispatch()).toMatchObject({ attempted: 0, unnotified: 0, retrying: 1 });
      // Not due again until its backoff has passed.
      expect(await dispatch()).toMatchObject({ claimed: 0 });
      let at = start;
      for (let attempt = 1; attempt < MAX_PUSH_ATTEMPTS; attempt++) {
        at += pushBackoffMs(attempt);
        bed.setClock(at - 1);
        expect(await dispatch()).toMatchObject({ claimed: 0 });
        bed.setClock(at);
        const last = attempt === MAX_PUSH_ATTEMPTS - 1;
        expect(await dispatch()).toMatchObject(last ? { unnotified: 1, retrying: 0 } : { retrying: 1 });
      }
      expect(receivedBy(device)).toHaveLength(MAX_PUSH_ATTEMPTS);
      expect(await bed.receipts(id)).toContainEqual({
        code: 'Unnotified',
        reason: UNNOTIFIED_REASON.failed,
        callback: true,
      });
      // The subscription stays: a server error says nothing about the device.
      const kept = await bed.t.deps.db.query('SELECT 1 FROM push_subscriptions WHERE patient_id = $1', [
        patient.patientId,
      ]);
      expect(kept.rows).toHaveLength(1);

      // A push service that recovers before the last try: NotificationAttempted.
      const later = await bed.send(patient.nhsNumber);
      expect(await dispatch()).toMatchObject({ retrying: 1 });
      device.answer = 201;
      bed.setClock(bed.now() + pushBackoffMs(1));
      expect(await dispatch()).toMatchObject({ attempted: 1 });
      expect(await codes(later)).toEqual(['Delivered', 'NotificationAttempted']);
    } finally {
      bed.setClock(DAYTIME());
    }
  });

  it('holds pushes between 22:00 and 06:00 London time, while the message is in the inbox at once', async () => {
    const { patient, devices } = await optedIn();
    const [device] = devices as [TestDevice];
    try {
      bed.setClock(londonTime(2, 23, 30));
      const id = await bed.send(patient.nhsNumber);
      expect(await codes(id)).toEqual(['Delivered']);
      const inbox = await bed.t.app.inject({
        method: 'GET',
        url: '/api/patient/messages',
        cookies: { [PATIENT_SESSION_COOKIE]: patient.session },
      });
      expect(inbox.json<{ messages: { id: string }[] }>().messages.map((m) => m.id)).toContain(id);
      const morning = londonTime(1, 6);
      expect(new Date((await bed.pushOf(id))!.due_at).getTime()).toBe(morning);

      expect(await dispatch()).toMatchObject({ claimed: 0 });
      bed.setClock(morning - 1);
      expect(await dispatch()).toMatchObject({ claimed: 0 });
      expect(receivedBy(device)).toEqual([]);
      bed.setClock(morning);
      expect(await dispatch()).toMatchObject({ attempted: 1 });
      expect(receivedBy(device)).toHaveLength(1);
      expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted']);
    } finally {
      bed.setClock(DAYTIME());
    }
  });

  it('never sends a message twice with dispatchers in parallel, nor while another holds its lease', async () => {
    const { patient, devices } = await optedIn();
    const [device] = devices as [TestDevice];
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await bed.send(patient.nhsNumber));
    // A dispatcher that claimed one and died: its lease keeps it from the others until it runs out.
    const lost = (await bed.pushOf(ids[0]!))!;
    await bed.t.deps.db.query('UPDATE outbound_pushes SET attempts = 1, leased_until = $2 WHERE id = $1', [
      lost.id,
      new Date(bed.now() + PUSH_LEASE_MS),
    ]);
    const results = await Promise.all([dispatch(7), dispatch(7), dispatch(7), dispatch()]);
    expect(results.reduce((n, r) => n + r.attempted, 0)).toBe(29);
    try {
      bed.setClock(bed.now() + PUSH_LEASE_MS);
      expect(await dispatch()).toMatchObject({ attempted: 1 });
    } finally {
      bed.setClock(DAYTIME());
    }
    const tags = receivedBy(device).map((r) => (JSON.parse(r.payload) as { tag: string }).tag);
    expect(tags).toHaveLength(30);
    expect(new Set(tags).size).toBe(30);
    for (const id of ids) expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted']);
  });

  it('queues a push for each delivered entry of a bulk Bundle', async () => {
    const { patient, devices } = await optedIn();
    const sent = await bed.sendBundle([patient.nhsNumber, '9990000018', patient.nhsNumber]);
    expect(sent.map((s) => s.status)).toEqual(['Delivered', 'Rejected', 'Delivered']);
    expect(await bed.pushOf(sent[1]!.id)).toBeUndefined();
    expect(await dispatch()).toMatchObject({ attempted: 2 });
    expect(receivedBy(devices[0]!)).toHaveLength(2);
    for (const s of [sent[0]!, sent[2]!]) expect(await codes(s.id)).toEqual(['Delivered', 'NotificationAttempted']);
  });

  it('sends due pushes on its own once started, and stops cleanly', async () => {
    const { patient, devices } = await optedIn();
    const id = await bed.send(patient.nhsNumber);
    const runner = startPushRunner(bed.t.deps, bed.t.app.log);
    try {
      for (let waited = 0; receivedBy(devices[0]!).length === 0 && waited < 5_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await runner.stop();
    }
    expect(receivedBy(devices[0]!)).toHaveLength(1);
    expect(await codes(id)).toEqual(['Delivered', 'NotificationAttempted']);
  });
});
