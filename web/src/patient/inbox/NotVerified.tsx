import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { INBOX_AREA } from './area.js';

/** Signed in below P9: messages addressed by NHS number go only to a fully verified identity. */
export function NotVerified() {
  const heading = 'Your identity is not fully verified yet';
  usePageTitle(heading, INBOX_AREA);
  return (
    <>
      <h1>{heading}</h1>
      <p className="nhsuk-lede-text">
        You are signed in, but your messages will only appear here once NHS login has fully verified who you are.
      </p>
      <p>This protects your messages, which may include details about your health.</p>
      <h2 className="nhsuk-heading-m">What you can do</h2>
      <ol className="nhsuk-list nhsuk-list--number">
        <li>Open the NHS App, or sign in to NHS login, and follow the steps to prove who you are.</li>
        <li>Sign out here, then sign in again. Your messages will then appear.</li>
      </ol>
      <p>You will then also be able to turn on notifications, so this device tells you when a new message arrives.</p>
    </>
  );
}
