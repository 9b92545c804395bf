import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { isApiError } from '../shared/api/http.js';
import { PageShell } from '../shared/layout/PageShell.js';
import { Loading, ProblemPanel } from '../shared/layout/StatusPanels.js';
import { usePageTitle } from '../shared/layout/usePageTitle.js';
import { StaffHeader } from './StaffHeader.js';
import { StaffLiveProvider } from './StaffLive.js';
import { STAFF_AREA, useMe } from './useMe.js';
import { useMfaSetupRequired } from './useMfaSetupRequired.js';

/** Pages for signed-in staff: checks the session, then opens the live connection. */
export function StaffShell() {
  const me = useMe();
  const location = useLocation();
  const setupRequired = useMfaSetupRequired();
  const from = location.pathname + location.search;

  if (setupRequired || (isApiError(me.error, 403) && me.error.code === 'mfa_setup_required')) {
    return <Navigate to="/staff/mfa-setup" replace state={{ from }} />;
  }
  if (isApiError(me.error, 401)) {
    const step = me.error.code === 'mfa_required' ? 'mfa' : 'password';
    return <Navigate to="/staff/login" replace state={{ from, step }} />;
  }
  if (!me.data) {
    return (
      <PageShell header={<StaffHeader wide />} wide>
        {me.isPending ? (
          <Loading what="Checking you are signed in" />
        ) : (
          <ShellProblem onRetry={() => void me.refetch()} />
        )}
      </PageShell>
    );
  }
  return (
    <StaffLiveProvider me={me.data}>
      <PageShell header={<StaffHeader me={me.data} wide />} wide>
        <Outlet context={me.data} />
      </PageShell>
    </StaffLiveProvider>
  );
}

function ShellProblem({ onRetry }: { onRetry: () => void }) {
  usePageTitle('Sorry, there is a problem', STAFF_AREA);
  return (
    <>
      <h1>Sorry, there is a problem with the service</h1>
      <ProblemPanel heading="We could not check that you are signed in">
        <p>Try again in a few minutes.</p>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onRetry}>
          Try again
        </button>
      </ProblemPanel>
    </>
  );
}
