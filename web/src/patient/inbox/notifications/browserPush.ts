/**
 * The browser's side of Web Push: the service worker (web/public/sw.js, served at /sw.js so its
 * scope is the whole site) and this browser's push subscription.
 */

export const SERVICE_WORKER_URL = '/sw.js';
const SCOPE = '/';

/** Service workers, the Push API and notifications: a browser needs all three to show a push. */
export function browserSupportsPush(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** This browser's subscription, if it has one; never registers anything. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration(SCOPE);
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** Registers /sw.js and waits until it is active: only an active worker can be subscribed. */
export async function activeRegistration(timeoutMs = 15_000): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: SCOPE });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('the service worker did not start')), timeoutMs);
  });
  try {
    // `ready` never settles if the worker fails to install; a person must not wait for ever.
    return await Promise.race([navigator.serviceWorker.ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Subscribes with the server's key. `userVisibleOnly`: every push shows a notification (browsers
 * require it, and sw.js always shows one). A subscription left from an earlier server key cannot
 * be reused with a new one (InvalidStateError), so it is replaced, once.
 */
export async function subscribeThisBrowser(
  registration: ServiceWorkerRegistration,
  publicKey: string,
): Promise<PushSubscription> {
  const options = { userVisibleOnly: true, applicationServerKey: base64UrlToBytes(publicKey) };
  try {
    return await registration.pushManager.subscribe(options);
  } catch (err) {
    if (!(err instanceof DOMException && err.name === 'InvalidStateError')) throw err;
    await (await registration.pushManager.getSubscription())?.unsubscribe();
    return registration.pushManager.subscribe(options);
  }
}

/** Unpadded (or padded) base64url → bytes; the VAPID key is a 65-byte P-256 point sent this way. */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
