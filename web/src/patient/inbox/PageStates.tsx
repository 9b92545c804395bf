import { Loading, ProblemPanel } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { INBOX_AREA } from './area.js';

export function PageLoading({ heading, what }: { heading: string; what: string }) {
  usePageTitle('Loading', INBOX_AREA);
  return (
    <>
      <h1>{heading}</h1>
      <Loading what={what} />
    </>
  );
}

/** Never a blank page: what went wrong, and a way to try again. */
export function PageProblem({ problem, onRetry }: { problem: string; onRetry: () => void }) {
  usePageTitle('Sorry, there is a problem with the service', INBOX_AREA);
  return (
    <>
      <h1>Sorry, there is a problem with the service</h1>
      <ProblemPanel heading={problem}>
        <p>Check your internet connection and try again in a few minutes.</p>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onRetry}>
          Try again
        </button>
      </ProblemPanel>
    </>
  );
}
