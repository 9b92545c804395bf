import { Outlet } from 'react-router-dom';
import { Header } from '../../shared/layout/Header.js';
import { PageShell } from '../../shared/layout/PageShell.js';
import { INBOX_AREA } from './area.js';
import { SignOutButton } from './SignOutButton.js';
import { usePatientMe } from './usePatientMe.js';

/** /inbox and its messages: the NHS header, with Sign out while someone is signed in. */
export function InboxLayout() {
  const me = usePatientMe();
  return (
    <PageShell header={<Header serviceName={INBOX_AREA} homeHref="/inbox" account={me.data && <SignOutButton />} />}>
      <Outlet />
    </PageShell>
  );
}
