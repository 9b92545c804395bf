import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { endpointHmac } from '../../src/outbound/push/subscriptions.js';
import type { PushSubscriptionJson } from '../../src/testing/pushService.js';
import type { E2E } from './harness.js';
import { assert, eventually } from './support.js';

/**
 * Why the browser's push backend is replaced, and nothing else is.
 *
 * `pushManager.subscribe()` asks the browser's own push service (Firebase Cloud Messaging, for
 * Chromium) for an endpoint, and that push service later wakes the browser. Neither can happen
 * here: this Chromium has no internet, and Playwright's browser contexts are like incognito
 * windows, where Chromium has no Push API at all (subscribe() fails at once with "Registration
 * failed - permission denied"; the tests use that real failure for the error message).
 *
 * So, for the tests that need a subscription, an init script replaces only
 * `PushManager.prototype.subscribe` and `getSubscription` with a stand-in that hands out a device
 * made by the local push service (src/testing/pushService.ts): its endpoint on 127.0.0.1, its own
 * P-256 public key and auth secret. The stand-in keeps Chromium's rules: it refuses unless
 * `userVisibleOnly` is true, an applicationServerKey is given, notifications are allowed and a
 * service worker is active. Everything around it is real: the permission, registering /sw.js,
 * fetching the VAPID key, the POST and DELETE to the server, the server encrypting and signing the
 * push, the push service checking and decrypting it, and the real sw.js handling that payload
 * (handed to it through DevTools' ServiceWorker.deliverPushMessage, as the browser does when its
 * push service delivers one). The subscription is kept in localStorage, so a reload finds it as
 * getSubscription() would.
 */
export async function replacePushBackend(context: BrowserContext, device: PushSubscriptionJson): Promise<void> {
  await context.addInitScript((subscription: PushSubscriptionJson) => {
    if (typeof PushManager === 'undefined') return;
    const KEY = 'e2e.pushStandIn';
    const calls: { userVisibleOnly: unknown; applicationServerKey: string | null }[] = [];
    (window as unknown as { __pushSubscribeCalls: typeof calls }).__pushSubscribeCalls = calls;
    const toBase64Url = (key: unknown): string | null => {
      if (key === null || key === undefined) return null;
      if (typeof key === 'string') return key;
      const bytes = key instanceof ArrayBuffer ? new Uint8Array(key) : new Uint8Array((key as ArrayBufferView).buffer);
      return btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    };
    const made = (applicationServerKey: string | null) => ({
      endpoint: subscription.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey },
      toJSON: () => ({ endpoint: subscription.endpoint, expirationTime: null, keys: { ...subscription.keys } }),
      unsubscribe: async () => {
        localStorage.removeItem(KEY);
        return true;
      },
    });
    PushManager.prototype.subscribe = async function subscribe(options?: PushSubscriptionOptionsInit) {
      const applicationServerKey = toBase64Url(options?.applicationServerKey);
      calls.push({ userVisibleOnly: options?.userVisibleOnly, applicationServerKey });
      if (options?.userVisibleOnly !== true || !applicationServerKey) {
        throw new DOMException('Registration failed - userVisibleOnly and applicationServerKey', 'NotAllowedError');
      }
      if (Notification.permission !== 'granted') {
        throw new DOMException('Registration failed - permission denied', 'NotAllowedError');
      }
      if (!(await navigator.serviceWorker.getRegistration('/'))?.active) {
        throw new DOMException('Subscription failed - no active Service Worker', 'AbortError');
      }
      localStorage.setItem(KEY, applicationServerKey);
      return made(applicationServerKey) as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async function getSubscription() {
      const key = localStorage.getItem(KEY);
      return key === null ? null : (made(key) as unknown as PushSubscription);
    };
  }, device);
}

/** Counts Notification.requestPermission() calls, to prove the page asks only when a button is used. */
export async function countPermissionRequests(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    if (typeof Notification === 'undefined') return;
    const w = window as unknown as { __permissionRequests: number };
    w.__permissionRequests = 0;
    const real = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = (...args: Parameters<typeof Notification.requestPermission>) => {
      w.__permissionRequests++;
      return real(...args);
    };
  });
}

export async function browserPushState(page: Page) {
  return page.evaluate(async () => {
    const w = window as unknown as {
      __pushSubscribeCalls?: { userVisibleOnly: unknown; applicationServerKey: string | null }[];
      __permissionRequests?: number;
    };
    const registrations = await navigator.serviceWorker.getRegistrations();
    return {
      permission: Notification.permission,
      permissionRequests: w.__permissionRequests ?? null,
      subscribeCalls: w.__pushSubscribeCalls ?? [],
      standInSubscribed: localStorage.getItem('e2e.pushStandIn') !== null,
      registrations: registrations.map((r) => ({ scope: r.scope, active: r.active?.scriptURL ?? null })),
    };
  });
}

/** The patient's stored push subscriptions, and whether one of them is this endpoint. */
export async function storedSubscriptions(e2e: E2E, patientId: string, endpoint: string) {
  const { rows } = await e2e.deps.db.query<{ mine: boolean }>(
    'SELECT endpoint_hmac = $2 AS mine FROM push_subscriptions WHERE patient_id = $1',
    [patientId, await endpointHmac(e2e.deps, endpoint)],
  );
  return { count: rows.length, thisDevice: rows.some((r) => r.mine) };
}

export async function patientIdOf(e2e: E2E, nhsNumber: string): Promise<string> {
  const { rows } = await e2e.deps.db.query<{ id: string }>('SELECT id FROM patients WHERE nhs_number_hmac = $1', [
    await e2e.deps.keyring.lookupHmac(nhsNumber),
  ]);
  assert(rows[0], 'No patient has this NHS number');
  return rows[0].id;
}

/** The id DevTools gives the service worker registration of the site root, once it is active. */
export async function serviceWorkerRegistrationId(cdp: CDPSession, baseUrl: string): Promise<string> {
  let found: string | null = null;
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    for (const r of registrations) if (!r.isDeleted && r.scopeURL === `${baseUrl}/`) found = r.registrationId;
  });
  await cdp.send('ServiceWorker.enable');
  return eventually(
    async () => found,
    (id): id is string => id !== null,
    'the service worker registration in DevTools',
  ) as Promise<string>;
}
