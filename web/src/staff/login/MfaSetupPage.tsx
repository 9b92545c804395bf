import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { errorMessage, isApiError } from '../../shared/api/http.js';
import { Loading, ProblemPanel } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { enableMfa, setUpMfa, staffKeys } from '../staffApi.js';
import { STAFF_AREA } from '../useMe.js';
import { CodeForm } from './CodeForm.js';
import { loginTarget } from './loginTarget.js';

/** Groups a base32 secret in fours so it can be read and typed without losing one's place. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** /staff/mfa-setup — shown after sign-in when the account must turn on two-step verification. */
export function MfaSetupPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  // A POST, but held in the query cache so a re-render (or React's development double mount)
  // does not ask the server for a second secret.
  const setup = useQuery({
    queryKey: staffKeys.mfaSetup,
    queryFn: setUpMfa,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    retry: false,
    refetchOnWindowFocus: false,
  });
  const enable = useMutation({
    mutationFn: enableMfa,
    onSuccess: (me) => {
      queryClient.setQueryData(staffKeys.me, me);
      queryClient.removeQueries({ queryKey: staffKeys.mfaSetup });
      void navigate(loginTarget(location.state), { replace: true });
    },
  });
  usePageTitle('Set up two-step verification', STAFF_AREA, enable.isError);

  if (isApiError(setup.error, 401)) return <Navigate to="/staff/login" replace />;
  return (
    <>
      <h1>Set up two-step verification</h1>
      <p>You need a code from an authenticator app on your phone each time you sign in.</p>
      {setup.isPending && <Loading what="Getting your set-up key" />}
      {setup.isError && (
        <ProblemPanel heading="We could not start the set-up">
          <p>{errorMessage(setup.error)}</p>
          <p>
            <Link to="/staff/login">Sign in again</Link>
          </p>
        </ProblemPanel>
      )}
      {setup.data && (
        <>
          <ol className="nhsuk-list nhsuk-list--number">
            <li>Open an authenticator app, such as Microsoft Authenticator or Google Authenticator.</li>
            <li>
              Add an account and choose to enter a set-up key. Enter this key:
              <span className="app-code app-code--secret" id="mfa-secret">
                {grouped(setup.data.secret)}
              </span>
            </li>
            <li>Enter the 6-digit code the app shows below.</li>
          </ol>
          <details className="nhsuk-details">
            <summary className="nhsuk-details__summary">
              <span className="nhsuk-details__summary-text">Your app asks for a set-up link instead</span>
            </summary>
            <div className="nhsuk-details__text">
              <p className="app-resume-link">{setup.data.otpauthUrl}</p>
            </div>
          </details>
          <CodeForm
            submitLabel="Turn on two-step verification"
            pending={enable.isPending}
            serverError={enable.isError ? errorMessage(enable.error) : null}
            onSubmit={(code) => enable.mutate(code)}
          />
        </>
      )}
    </>
  );
}
