import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { errorMessage } from '../../shared/api/http.js';
import type { LoginResult, Me } from '../../shared/api/types.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { loginMfa, staffKeys } from '../staffApi.js';
import { STAFF_AREA } from '../useMe.js';
import { CodeForm } from './CodeForm.js';
import { loginTarget } from './loginTarget.js';
import { PasswordStep } from './PasswordStep.js';

/** /staff/login — password, then (when the account has it) the authenticator code. */
export function LoginPage() {
  const state: unknown = useLocation().state;
  // Sent back here half signed in (password given, code not yet): go straight to the code.
  const [step, setStep] = useState<'password' | 'mfa'>(() =>
    (state as { step?: unknown } | null)?.step === 'mfa' ? 'mfa' : 'password',
  );
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const target = loginTarget(state);

  const signedIn = (me?: Me) => {
    if (me) queryClient.setQueryData(staffKeys.me, me);
    else void queryClient.invalidateQueries({ queryKey: staffKeys.me });
    void navigate(target, { replace: true });
  };
  const afterPassword = (result: LoginResult) => {
    if (result.mfaSetupRequired) void navigate('/staff/mfa-setup', { state: { from: target } });
    else if (result.mfaRequired) setStep('mfa');
    else signedIn();
  };

  if (step === 'password') return <PasswordStep onDone={afterPassword} />;
  return <MfaStep onDone={signedIn} />;
}

function MfaStep({ onDone }: { onDone: (me: Me) => void }) {
  const verify = useMutation({ mutationFn: loginMfa, onSuccess: onDone });
  usePageTitle('Enter your security code', STAFF_AREA, verify.isError);
  return (
    <>
      <h1>Enter your security code</h1>
      <p>Open the authenticator app on your phone and enter the code it shows for Confide.</p>
      <CodeForm
        submitLabel="Continue"
        pending={verify.isPending}
        serverError={verify.isError ? errorMessage(verify.error) : null}
        onSubmit={(code) => verify.mutate(code)}
      />
    </>
  );
}
