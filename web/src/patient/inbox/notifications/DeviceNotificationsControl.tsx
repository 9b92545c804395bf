import { useEffect, useRef } from 'react';
import { ErrorSummary } from '../../../shared/layout/ErrorSummary.js';
import { Loading } from '../../../shared/layout/StatusPanels.js';
import { useDeviceNotifications, type DeviceNotifications as State } from './useDeviceNotifications.js';

const HEADING_ID = 'device-notifications-heading';

/** What every notification looks like, so nobody has to turn them on to find out. */
function WhatItSays() {
  return (
    <p>
      The notification only says &lsquo;NHS: You have a new message&rsquo;. It never shows what the message says or who
      sent it. You sign in here to read it.
    </p>
  );
}

function Blocked() {
  return (
    <>
      <p>
        <strong>Notifications are blocked for this website in your browser settings.</strong>
      </p>
      <p>To turn them on:</p>
      <ol className="nhsuk-list nhsuk-list--number">
        <li>open your browser&rsquo;s settings</li>
        <li>find the settings for this website (often under Privacy, Site settings or Notifications)</li>
        <li>allow notifications for this website</li>
        <li>come back to this page and select &lsquo;Turn on notifications&rsquo;</li>
      </ol>
    </>
  );
}

function Explanation({ state }: { state: Exclude<State, 'checking'> }) {
  switch (state) {
    case 'unsupported':
      return (
        <>
          <p>
            <strong>This browser cannot show notifications.</strong>
          </p>
          <p>
            You can still read your messages here. To get notifications, use an up-to-date browser such as Chrome, Edge,
            Firefox or Safari. On an iPhone or iPad, add this website to your Home Screen first, then open it from
            there.
          </p>
        </>
      );
    case 'blocked':
      return <Blocked />;
    case 'notVerified':
      return (
        <>
          <p>
            <strong>Notifications are not available yet.</strong>
          </p>
          <p>
            You can turn them on once NHS login has fully verified who you are. Sign out, prove who you are in the NHS
            App or NHS login, then sign in again.
          </p>
        </>
      );
    case 'off':
      return (
        <>
          <p>
            <strong>Notifications are off for this browser.</strong>
          </p>
          <p>Turn them on to get a notification on this device when a health service sends you a message.</p>
          <WhatItSays />
        </>
      );
    case 'on':
      return (
        <>
          <p>
            <strong>Notifications are on for this browser.</strong>
          </p>
          <p>You will get a notification on this device when a health service sends you a message.</p>
          <WhatItSays />
          <p>If other people use this device, they may see that you have a new message.</p>
        </>
      );
  }
}

/**
 * "Notifications on this device": whether this browser shows a notification when a message
 * arrives, and the button to turn that on or off. Nothing is asked of the browser until the
 * button is selected. The on/off button stays the same element across the change, so keyboard
 * focus stays on it; when it goes away (blocked, not verified) focus moves to the explanation.
 */
export function DeviceNotificationsControl() {
  const { state, busy, problem, announcement, turnOn, turnOff } = useDeviceNotifications();
  const explanation = useRef<HTMLDivElement>(null);
  const acted = useRef(false);
  const hasButton = state === 'on' || state === 'off';

  useEffect(() => {
    // Once the action the person started has finished; later changes (the settings) leave focus alone.
    if (!acted.current || busy) return;
    acted.current = false;
    if (!hasButton && !problem) explanation.current?.focus();
  }, [busy, hasButton, problem]);

  const onClick = () => {
    if (busy) return;
    acted.current = true;
    if (state === 'on') turnOff();
    else turnOn();
  };

  return (
    <section aria-labelledby={HEADING_ID} className="app-section app-device-notifications">
      <h2 id={HEADING_ID} className="nhsuk-heading-m">
        Notifications on this device
      </h2>
      {problem && <ErrorSummary errors={[{ text: problem }]} />}
      {state === 'checking' ? (
        <Loading what="Checking whether notifications are on" />
      ) : (
        <div ref={explanation} tabIndex={-1} className="app-device-notifications__state">
          <Explanation state={state} />
        </div>
      )}
      {hasButton && (
        <button
          className={state === 'on' ? 'nhsuk-button nhsuk-button--secondary' : 'nhsuk-button'}
          type="button"
          onClick={onClick}
          aria-disabled={busy || undefined}
        >
          {state === 'on' ? 'Turn off notifications' : 'Turn on notifications'}
        </button>
      )}
      {busy && (
        <p className="app-loading" aria-hidden="true">
          {state === 'on' ? 'Turning off notifications…' : 'Turning on notifications…'}
        </p>
      )}
      <div className="nhsuk-u-visually-hidden" aria-live="polite" aria-atomic="true">
        {busy ? (state === 'on' ? 'Turning off notifications' : 'Turning on notifications') : announcement}
      </div>
    </section>
  );
}
