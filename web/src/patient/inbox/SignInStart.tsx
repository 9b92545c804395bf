import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { INBOX_AREA } from './area.js';
import { SIGN_IN_HREF } from './inboxApi.js';

/**
 * Shown when nobody is signed in. The button is a plain link: the server answers it with a
 * redirect to NHS login, which only a full-page navigation (not fetch) can follow.
 */
export function SignInStart() {
  usePageTitle('Sign in to read your messages', INBOX_AREA);
  return (
    <>
      <h1>Read messages from your health services</h1>
      <p className="nhsuk-lede-text">
        See messages from your GP surgery, hospital and other NHS services in one place.
      </p>
      <p>You need to sign in with NHS login. This is the same login you use for the NHS App.</p>
      <a className="nhsuk-button nhsuk-button--login" href={SIGN_IN_HREF} draggable={false}>
        Sign in with NHS login
      </a>
      <h2 className="nhsuk-heading-m">If you do not have an NHS login</h2>
      <p>
        You can create one after you select the button. To see your messages you will need to prove who you are, for
        example with photo ID.
      </p>
    </>
  );
}
