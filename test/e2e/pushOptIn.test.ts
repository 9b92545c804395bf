import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { dispatchDuePushes } from '../../src/outbound/push/dispatchPushes.js';
import { patientChain } from '../../src/identity/patientSignIn/patientChain.js';
import { currentStatus } from '../../src/outbound/testSenders.js';
import { startPushService, type TestPushService } from '../../src/testing/pushService.js';
import { startE2E, type E2E } from './harness.js';
import { makePerson, makeSending, sendInApp, signInWithNhsLogin, type Person } from './patientFlows.js';
import {
  browserPushState,
  countPermissionRequests,
  patientIdOf,
  replacePushBackend,
  serviceWorkerRegistrationId,
  storedSubscriptions,
} from './pushFlows.js';
import { assert, byName, eventually, focused, gone, inScenario, see, tabTo, type Scenario } from './support.js';

// How the browser's push service is stood in for, and why: see replacePushBackend in pushFlows.ts.

let e2e: E2E;
let push: TestPushService;
beforeAll(async () => {
  e2e = await startE2E({ patientSignIn: true, localPushEndpoints: true });
  push = await startPushService();
});
afterAll(async () => {
  await e2e?.close();
  await push?.close();
});

const SECTION = 'Notifications on this device';
const OFF = 'Notifications are off for this browser.';
const ON = 'Notifications are on for this browser.';
const TURN_ON = 'Turn on notifications';
const TURN_OFF = 'Turn off notifications';
const GENERIC = { title: 'NHS', body: 'You have a new message.' };

const statusOf = (messageId: string) => currentStatus(e2e.deps.db, messageId);

/**
 * Sends the message's push as the server's dispatcher does. A message accepted between 22:00 and
 * 06:00 London time is held until 06:00, so the dispatcher is run at its due time if that is later.
 */
async function dispatchPushOf(messageId: string): Promise<void> {
  const { rows } = await e2e.deps.db.query<{ due_at: Date }>(
    'SELECT due_at FROM outbound_pushes WHERE message_id = $1',
    [messageId],
  );
  assert(rows[0], 'No push was queued for the message');
  const at = new Date(Math.max(Date.now(), new Date(rows[0].due_at).getTime()));
  await dispatchDuePushes({ ...e2e.deps, now: () => at });
}

/** A phone whose browser is signed in to the inbox, watched for permission requests. */
async function signedInPhone(
  s: Scenario,
  person: Person,
  prepare: (context: BrowserContext) => Promise<unknown> = async () => undefined,
): Promise<Page> {
  const page = await s.phone();
  await countPermissionRequests(page.context());
  await prepare(page.context());
  await page.goto('/inbox');
  await signInWithNhsLogin(page, e2e, person);
  await see(page.getByRole('heading', { level: 2, name: SECTION }), 'the notifications section');
  return page;
}

const grant = async (context: BrowserContext) => {
  await context.grantPermissions(['notifications'], { origin: e2e.baseUrl });
};

describe('notifications on this device', () => {
  it('a P9 patient turns them on, gets a push the service worker shows and reports without a session, and turns them off', () =>
    inScenario(e2e, 'push-opt-in', async (s) => {
      const sending = await makeSending(e2e);
      const person = await makePerson(e2e, 'P9');
      const patientId = await patientIdOf(e2e, person.nhsNumber);
      const device = push.newDevice();
      const phone = await signedInPhone(s, person, async (context) => {
        await grant(context);
        await replacePushBackend(context, device.subscription);
      });

      // ----- On load: off, and nothing asked of the browser: no permission prompt, no service worker.
      await see(phone.getByText(OFF, { exact: true }), 'notifications off');
      await see(phone.getByText(/never shows what the message says or who sent it/), 'what a notification shows');
      const atLoad = await browserPushState(phone);
      assert(atLoad.permissionRequests === 0, `The page asked for permission on load (${atLoad.permissionRequests})`);
      assert(atLoad.registrations.length === 0, `A service worker was registered on load: ${JSON.stringify(atLoad)}`);
      await s.axe(phone, 'inbox with notifications off');

      // ----- Turn on, by keyboard: permission, /sw.js, the server's key, subscribe, POST.
      await tabTo(phone, byName(TURN_ON), 'the Turn on button');
      await phone.keyboard.press('Enter');
      await see(phone.getByText(ON, { exact: true }), 'notifications on');
      const after = await focused(phone);
      assert(after.name === TURN_OFF, `Focus should stay on the button, now "${TURN_OFF}", not on "${after.name}"`);
      const key = (await (await fetch(`${e2e.baseUrl}/api/patient/push/vapid-public-key`)).json()) as {
        publicKey: string;
      };
      const on = await browserPushState(phone);
      assert(on.permissionRequests === 1, `Expected one permission request, got ${on.permissionRequests}`);
      assert(
        JSON.stringify(on.registrations) ===
          JSON.stringify([{ scope: `${e2e.baseUrl}/`, active: `${e2e.baseUrl}/sw.js` }]),
        `The service worker should be /sw.js with scope /: ${JSON.stringify(on.registrations)}`,
      );
      assert(
        JSON.stringify(on.subscribeCalls) ===
          JSON.stringify([{ userVisibleOnly: true, applicationServerKey: key.publicKey }]),
        `subscribe() should get userVisibleOnly and the server's VAPID key: ${JSON.stringify(on.subscribeCalls)}`,
      );
      const stored = await eventually(
        () => storedSubscriptions(e2e, patientId, device.subscription.endpoint),
        (r) => r.count === 1,
        'the subscription stored for the patient',
      );
      assert(stored.thisDevice, 'The stored subscription should be this browser’s endpoint');
      await s.axe(phone, 'inbox with notifications on');

      // ----- A reload finds it on, from the browser's subscription.
      await phone.reload();
      await see(phone.getByText(ON, { exact: true }), 'notifications still on after a reload');

      // ----- A message: the server encrypts the generic notification to this device; the push service decrypts it.
      const content = 'Your blood test results are ready. Call us to book a review.';
      const messageId = await sendInApp(e2e, sending, person.nhsNumber, content);
      assert((await statusOf(messageId)) === 'Delivered', `Expected Delivered, got ${await statusOf(messageId)}`);
      await dispatchPushOf(messageId);
      const received = push.received.filter((r) => r.endpoint === device.subscription.endpoint);
      assert(
        received.length === 1,
        `Expected one push to the device, got ${received.length} (${JSON.stringify(push.refused)})`,
      );
      const payload = JSON.parse(received[0]!.payload) as { title: string; body: string; tag: string; url: string };
      assert(
        payload.title === GENERIC.title && payload.body === GENERIC.body && payload.url === '/inbox',
        `The push should be the generic notification only: ${received[0]!.payload}`,
      );
      for (const secret of [
        'blood',
        'review',
        sending.senderName,
        sending.sender.odsCode,
        person.nhsNumber,
        messageId,
      ]) {
        assert(!received[0]!.payload.includes(secret), `The push payload gives away ${JSON.stringify(secret)}`);
      }
      assert((await statusOf(messageId)) === 'NotificationAttempted', 'Expected NotificationAttempted');

      // ----- Hours later the session is long gone: no cookies at all. The real sw.js gets the push,
      // shows it and reports it, and the message is Notified.
      await phone.context().clearCookies();
      const me = await phone.evaluate(async () => (await fetch('/api/patient/me')).status);
      assert(me === 401, `With the cookies cleared /api/patient/me answers ${me}`);
      const reports: { cookie: boolean; status: number }[] = [];
      phone.context().on('requestfinished', (request) => {
        if (!request.url().endsWith('/api/patient/push-displayed')) return;
        void Promise.all([request.allHeaders(), request.response()]).then(([headers, response]) =>
          reports.push({ cookie: 'cookie' in headers, status: response?.status() ?? 0 }),
        );
      });
      const cdp = await phone.context().newCDPSession(phone);
      const registrationId = await serviceWorkerRegistrationId(cdp, e2e.baseUrl);
      await cdp.send('ServiceWorker.deliverPushMessage', {
        origin: e2e.baseUrl,
        registrationId,
        data: received[0]!.payload,
      });
      await eventually(
        () => statusOf(messageId),
        (status) => status === 'Notified',
        'the message Notified',
      );
      const shown = await phone.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
        })),
      );
      assert(
        JSON.stringify(shown) === JSON.stringify([{ ...GENERIC, tag: payload.tag }]),
        `The service worker should show the generic notification: ${JSON.stringify(shown)}`,
      );
      await eventually(
        async () => reports,
        (r) => r.length === 1,
        'the service worker’s display report',
      );
      assert(
        reports[0]!.status === 204 && !reports[0]!.cookie,
        `The report should be accepted without a cookie: ${JSON.stringify(reports)}`,
      );
      const audit = await e2e.deps.db.query<{ actor_kind: string; target_id: string }>(
        "SELECT actor_kind, target_id FROM audit_log WHERE chain = $1 AND action = 'patient.push_displayed'",
        [patientChain(patientId)],
      );
      assert(
        JSON.stringify(audit.rows) === JSON.stringify([{ actor_kind: 'anonymous', target_id: messageId }]),
        `The report should be audited once, by nobody signed in: ${JSON.stringify(audit.rows)}`,
      );

      // ----- Signed in again, the browser is still subscribed; Turn off removes it here and on the server.
      await phone.goto('/inbox');
      await signInWithNhsLogin(phone, e2e, person);
      await see(phone.getByText(ON, { exact: true }), 'notifications on after signing in again');
      await phone.getByRole('button', { name: TURN_OFF }).click();
      await see(phone.getByText(OFF, { exact: true }), 'notifications off');
      await see(phone.getByRole('button', { name: TURN_ON }), 'the Turn on button again');
      await eventually(
        () => storedSubscriptions(e2e, patientId, device.subscription.endpoint),
        (r) => r.count === 0,
        'the subscription removed on the server',
      );
      const off = await browserPushState(phone);
      assert(!off.standInSubscribed, 'The browser should no longer be subscribed');
      // With no device left, a new message cannot be pushed: Unnotified at once.
      const next = await sendInApp(e2e, sending, person.nhsNumber, 'Another message.');
      assert((await statusOf(next)) === 'Unnotified', `Expected Unnotified, got ${await statusOf(next)}`);
      await s.axe(phone, 'inbox with notifications turned off');
    }));

  it('says when notifications are blocked, and offers them again once allowed in the browser settings', () =>
    inScenario(e2e, 'push-blocked', async (s) => {
      const person = await makePerson(e2e, 'P9');
      const patientId = await patientIdOf(e2e, person.nhsNumber);
      // Not granted: headless Chromium answers the permission request with "denied", as a person choosing Block.
      const phone = await signedInPhone(s, person);
      await phone.getByRole('button', { name: TURN_ON }).click();
      await see(
        phone.getByText('Notifications are blocked for this website in your browser settings.', { exact: true }),
        'the blocked explanation',
      );
      await see(phone.getByText('allow notifications for this website', { exact: true }), 'how to allow them');
      await gone(phone.getByRole('button', { name: TURN_ON }), 'the Turn on button');
      const f = await focused(phone);
      assert(f.name.startsWith('Notifications are blocked'), `Focus should move to the explanation, not "${f.name}"`);
      const state = await browserPushState(phone);
      assert(state.permission === 'denied', `Permission is ${state.permission}`);
      assert((await storedSubscriptions(e2e, patientId, 'none')).count === 0, 'Nothing should be stored');
      await s.axe(phone, 'notifications blocked');

      // Allowed in the settings: the page notices without a reload.
      await grant(phone.context());
      await see(phone.getByRole('button', { name: TURN_ON }), 'the Turn on button once allowed');
      await see(phone.getByText(OFF, { exact: true }), 'notifications off once allowed');
    }));

  it('explains a browser that cannot show notifications, and a push service it cannot reach', () =>
    inScenario(e2e, 'push-unsupported', async (s) => {
      const person = await makePerson(e2e, 'P9');
      const patientId = await patientIdOf(e2e, person.nhsNumber);
      const old = await signedInPhone(s, person, (context) =>
        context.addInitScript(() => {
          // A browser without the Push API.
          delete (window as unknown as { PushManager?: unknown }).PushManager;
        }),
      );
      await see(old.getByText('This browser cannot show notifications.', { exact: true }), 'the unsupported message');
      assert((await old.getByRole('button', { name: TURN_ON }).count()) === 0, 'No Turn on button should be shown');
      await s.axe(old, 'browser without push');

      // The real Chromium push backend, which cannot reach its push service from here.
      const offline = await signedInPhone(s, person, grant);
      await offline.getByRole('button', { name: TURN_ON }).click();
      await see(offline.getByRole('alert'), 'the error summary');
      await see(
        offline.getByText('Your browser could not turn on notifications. Try again later.', { exact: true }),
        'the browser’s failure explained',
      );
      await see(offline.getByText(OFF, { exact: true }), 'notifications still off');
      assert((await storedSubscriptions(e2e, patientId, 'none')).count === 0, 'Nothing should be stored');
      await s.axe(offline, 'push service unreachable');
    }));

  it('tells someone below P9 that notifications need full verification, and keeps nothing when the server refuses', () =>
    inScenario(e2e, 'push-not-verified', async (s) => {
      const p5 = await makePerson(e2e, 'P5');
      const page = await s.phone();
      await page.goto('/inbox');
      await signInWithNhsLogin(page, e2e, p5);
      await see(
        page.getByRole('heading', { level: 1, name: 'Your identity is not fully verified yet' }),
        'not verified',
      );
      await see(page.getByText(/also be able to turn on notifications/), 'notifications after verification');
      assert((await page.getByRole('button', { name: TURN_ON }).count()) === 0, 'No Turn on button below P9');

      // A session below P9 that reaches the control (its level checked before the page loaded):
      // the server answers 403, and the browser's subscription is undone.
      const person = await makePerson(e2e, 'P9');
      const patientId = await patientIdOf(e2e, person.nhsNumber);
      const device = push.newDevice();
      const phone = await signedInPhone(s, person, async (context) => {
        await grant(context);
        await replacePushBackend(context, device.subscription);
      });
      await see(phone.getByText(OFF, { exact: true }), 'notifications off');
      await e2e.deps.db.query("UPDATE patient_sessions SET identity_level = 'P5' WHERE patient_id = $1", [patientId]);
      await phone.getByRole('button', { name: TURN_ON }).click();
      await see(phone.getByText('Notifications are not available yet.', { exact: true }), 'not available yet');
      await see(phone.getByText(/once NHS login has fully verified who you are/), 'why');
      const state = await browserPushState(phone);
      assert(state.subscribeCalls.length === 1 && !state.standInSubscribed, 'The browser should not stay subscribed');
      assert((await storedSubscriptions(e2e, patientId, device.subscription.endpoint)).count === 0, 'Nothing stored');
      await s.axe(phone, 'notifications need verification');
    }));
});
