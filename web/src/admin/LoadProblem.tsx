import { errorMessage } from '../shared/api/http.js';
import { ProblemPanel } from '../shared/layout/StatusPanels.js';

/** A failed load with a way to try again. */
export function LoadProblem({ heading, error, onRetry }: { heading: string; error: unknown; onRetry: () => void }) {
  return (
    <ProblemPanel heading={heading}>
      <p>{errorMessage(error)}</p>
      <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onRetry}>
        Try again
      </button>
    </ProblemPanel>
  );
}
