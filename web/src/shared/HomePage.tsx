import { Link } from 'react-router-dom';
import { CrisisCallout } from './layout/CrisisCallout.js';
import { usePageTitle } from './layout/usePageTitle.js';

/** The site root. Service users arrive on a service's own page (/s/…); this page points the way. */
export function HomePage() {
  usePageTitle('Confidential messaging', 'Confide');
  return (
    <>
      <h1>Confidential messaging with NHS health and care teams</h1>
      <p className="nhsuk-lede-text">
        To message a team, use the web address your school nurse, health visitor or service gave you.
      </p>
      <CrisisCallout />
      <h2>Returning to a conversation</h2>
      <p>Open the link you saved when you started, or enter your code on the service&apos;s page.</p>
      <h2>Staff</h2>
      <p>
        <Link to="/staff">Sign in to the staff console</Link>
      </p>
    </>
  );
}
