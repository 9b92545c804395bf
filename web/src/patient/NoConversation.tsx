import { Link } from 'react-router-dom';
import { CrisisCallout } from '../shared/layout/CrisisCallout.js';
import { usePageTitle } from '../shared/layout/usePageTitle.js';
import { loadServiceSlug } from './conversationSession.js';
import { PATIENT_AREA } from './PatientLayout.js';

type Props = { reason: 'missing' | 'expired' };

/** /c without a usable token: explain, and point to where the code can be entered. */
export function NoConversation({ reason }: Props) {
  const slug = loadServiceSlug();
  const heading = reason === 'expired' ? 'This link no longer works' : 'We cannot find your conversation';
  usePageTitle(heading, PATIENT_AREA);
  return (
    <>
      <h1>{heading}</h1>
      {reason === 'expired' ? (
        <p>
          The link may have expired, or a newer link or code may have been used since. Your messages are still with the
          team.
        </p>
      ) : (
        <p>Your conversation is only kept open in the browser tab where you started it.</p>
      )}
      <h2 className="nhsuk-heading-m">I have a code</h2>
      {slug ? (
        <p>
          <Link to={`/s/${encodeURIComponent(slug)}`}>Go to the service&apos;s page to enter your code</Link>.
        </p>
      ) : (
        <p>
          Go to the service&apos;s web address (the one you used to start the conversation) and choose &lsquo;Return to
          your conversation&rsquo;. Or open the link you saved.
        </p>
      )}
      <CrisisCallout />
    </>
  );
}
