import type { ReactNode } from 'react';
import { isApiError } from '../../shared/api/http.js';
import { NotVerified } from './NotVerified.js';
import { PageLoading, PageProblem } from './PageStates.js';
import { SignInStart } from './SignInStart.js';
import { usePatientMe } from './usePatientMe.js';

/** Shows its children only to someone signed in at P9; everyone else is told what to do. */
export function PatientGate({ children }: { children: ReactNode }) {
  const me = usePatientMe();
  if (isApiError(me.error, 401)) return <SignInStart />;
  if (me.isPending) return <PageLoading heading="Your messages" what="Checking whether you are signed in" />;
  if (!me.data) {
    return <PageProblem problem="We could not check whether you are signed in" onRetry={() => void me.refetch()} />;
  }
  if (!me.data.receivesMessages) return <NotVerified />;
  return children;
}
