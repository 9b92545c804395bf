import type { ReactNode } from 'react';

/** Shown while a page's data loads; announced politely. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="nhsuk-body app-loading" role="status">
      {what}…
    </p>
  );
}

/** A friendly failure with a way forward; never a blank page. */
export function ProblemPanel({ heading, children }: { heading: string; children?: ReactNode }) {
  return (
    <div className="nhsuk-card app-problem">
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading nhsuk-heading-m">{heading}</h2>
        {children}
      </div>
    </div>
  );
}
