import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError, NETWORK_ERROR_MESSAGE } from '../../../shared/api/http.js';
import { getVapidPublicKey, inboxKeys, removePushSubscription, savePushSubscription } from '../inboxApi.js';
import { activeRegistration, browserSupportsPush, currentSubscription, subscribeThisBrowser } from './browserPush.js';

/**
 * Whether this browser shows notifications of new messages:
 * - `checking`: asking the browser, on load;
 * - `unsupported`: no service workers, Push API or notifications (or not allowed to use them here);
 * - `off` / `on`: whether the browser holds a push subscription;
 * - `blocked`: the person (or their browser's settings) refused notifications for this site;
 * - `notVerified`: the server refused: only a fully verified (P9) sign-in may opt in.
 */
export type DeviceNotifications = 'checking' | 'unsupported' | 'off' | 'on' | 'blocked' | 'notVerified';

/** A failure with words for the person; anything else gets a general message. */
class Problem extends Error {}

const TURN_ON_FAILED = 'We could not turn on notifications. Try again later.';
const BROWSER_REFUSED = 'Your browser could not turn on notifications. Try again later.';
const NOT_ALLOWED =
  'Notifications were not allowed, so they are still off. To turn them on, select ‘Turn on notifications’ again and choose Allow.';
const TURN_OFF_FAILED = 'We could not turn off notifications. Try again.';

type Outcome = { state: DeviceNotifications; say: string };

/** What the browser says now: its permission, then its subscription. */
async function fromBrowser(): Promise<DeviceNotifications> {
  if (!browserSupportsPush()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  try {
    return (await currentSubscription()) ? 'on' : 'off';
  } catch {
    // Service workers can be present but not allowed (some private windows, some settings).
    return 'unsupported';
  }
}

function toProblem(err: unknown, fallback: string): string {
  if (err instanceof Problem) return err.message;
  if (isApiError(err) && err.isNetworkFailure) return NETWORK_ERROR_MESSAGE;
  return fallback;
}

/**
 * The "Notifications on this device" control's state and actions. The state follows the browser
 * (pushManager.getSubscription()) on load and when the permission changes in its settings; only
 * a person's click asks for permission or subscribes. While an action runs, those checks are left
 * alone so that a stale answer cannot overwrite its outcome.
 */
export function useDeviceNotifications() {
  const queryClient = useQueryClient();
  const [state, setState] = useState<DeviceNotifications>(() => (browserSupportsPush() ? 'checking' : 'unsupported'));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const busyRef = useRef(false);
  const generation = useRef(0);

  const check = useCallback(() => {
    if (busyRef.current) return;
    const mine = ++generation.current;
    void fromBrowser().then((found) => {
      if (mine === generation.current) setState(found);
    });
  }, []);

  useEffect(() => {
    if (!browserSupportsPush()) return;
    check();
    // Allowing notifications again in the browser's settings shows the button again, without a reload.
    let permission: PermissionStatus | null = null;
    let gone = false;
    navigator.permissions?.query({ name: 'notifications' }).then(
      (status) => {
        if (gone) return;
        permission = status;
        status.onchange = check;
      },
      () => undefined,
    );
    return () => {
      gone = true;
      if (permission) permission.onchange = null;
      // Answers still on their way are for a page no longer shown.
      generation.current++;
    };
  }, [check]);

  const run = useCallback(async (action: () => Promise<Outcome>, fallback: string) => {
    busyRef.current = true;
    generation.current++;
    setBusy(true);
    setProblem(null);
    setAnnouncement('');
    try {
      const { state: next, say } = await action();
      setState(next);
      setAnnouncement(say);
    } catch (err) {
      setProblem(toProblem(err, fallback));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);

  const turnOn = useCallback(() => {
    if (busyRef.current) return;
    // Asked at once, inside the click: browsers show the prompt only for a person's action, and
    // some (Safari) only if nothing was awaited first.
    const permission = Notification.requestPermission();
    void run(async () => {
      const answer = await permission;
      if (answer === 'denied') return { state: 'blocked', say: 'Notifications are blocked in your browser settings.' };
      if (answer !== 'granted') throw new Problem(NOT_ALLOWED);
      let subscription: PushSubscription;
      try {
        const registration = await activeRegistration();
        const { publicKey } = await getVapidPublicKey();
        subscription = await subscribeThisBrowser(registration, publicKey);
      } catch (err) {
        throw isApiError(err) ? err : new Problem(BROWSER_REFUSED);
      }
      try {
        await savePushSubscription(subscription.toJSON());
      } catch (err) {
        // The server will never push to it, so the browser must not keep it and look "on".
        await subscription.unsubscribe().catch(() => false);
        if (isApiError(err, 403)) {
          return { state: 'notVerified', say: 'Notifications need your identity to be fully verified.' };
        }
        // The session has ended: the page goes back to "Sign in".
        if (isApiError(err, 401)) void queryClient.invalidateQueries({ queryKey: inboxKeys.me });
        throw err;
      }
      return { state: 'on', say: 'Notifications are now on for this browser.' };
    }, TURN_ON_FAILED);
  }, [run, queryClient]);

  const turnOff = useCallback(() => {
    if (busyRef.current) return;
    void run(async () => {
      const subscription = await currentSubscription().catch(() => null);
      if (subscription) {
        const { endpoint } = subscription;
        // The browser first: that alone stops notifications here, session or not. Its push
        // service then refuses anything sent to the old subscription, and the server drops it at
        // the next push, so if telling the server fails now, nothing is left switched on.
        if (!(await subscription.unsubscribe())) throw new Problem(TURN_OFF_FAILED);
        await removePushSubscription(endpoint).catch(() => undefined);
      }
      return { state: await fromBrowser(), say: 'Notifications are now off for this browser.' };
    }, TURN_OFF_FAILED);
  }, [run]);

  return { state, busy, problem, announcement, turnOn, turnOff };
}
