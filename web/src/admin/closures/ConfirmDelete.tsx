import { useEffect, useRef } from 'react';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import type { Closure } from '../adminApi.js';
import { describeClosure } from './closureForm.js';

type Props = {
  closure: Closure;
  errors: FieldError[];
  pending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

/** Deleting a closure opens the service again for that time, so it is asked once more. */
export function ConfirmDelete({ closure, errors, pending, onConfirm, onCancel }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [closure.id]);
  return (
    <section className="nhsuk-card app-confirm" aria-labelledby="confirm-delete-heading">
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading nhsuk-heading-m" id="confirm-delete-heading" tabIndex={-1} ref={heading}>
          Are you sure you want to delete this closure?
        </h2>
        <ErrorSummary errors={errors} />
        <p>
          {describeClosure(closure)}
          {closure.reason ? ` (${closure.reason})` : ''}.
        </p>
        <p>The service will be shown as open again at those times, following its weekly opening hours.</p>
        <div className="app-button-group">
          <button
            className="nhsuk-button nhsuk-button--warning"
            type="button"
            aria-disabled={pending || undefined}
            onClick={() => {
              if (!pending) onConfirm();
            }}
          >
            Yes, delete closure
          </button>
          <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onCancel}>
            No, keep it
          </button>
        </div>
      </div>
    </section>
  );
}
