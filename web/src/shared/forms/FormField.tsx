import type { ReactNode } from 'react';

type Props = {
  id: string;
  label: string;
  labelClass?: string;
  hint?: string;
  hintClass?: string;
  error?: string;
  /** Extra classes for the form group, e.g. a character count or a table-cell layout. */
  groupClass?: string;
  /** Ids of other descriptions (after the hint, before the error), e.g. a character count. */
  alsoDescribedBy?: string[];
  /** The control, given the aria-describedby value to put on it. */
  children: (describedBy: string | undefined) => ReactNode;
};

/** The NHS form group every field shares: label, optional hint and error, wired to the control. */
export function FormField({
  id,
  label,
  labelClass,
  hint,
  hintClass,
  error,
  groupClass,
  alsoDescribedBy = [],
  children,
}: Props) {
  const describedBy =
    [hint && `${id}-hint`, ...alsoDescribedBy, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`nhsuk-form-group${groupClass ? ` ${groupClass}` : ''}${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className={`nhsuk-label${labelClass ? ` ${labelClass}` : ''}`} htmlFor={id}>
        {label}
      </label>
      {hint && (
        <div className={`nhsuk-hint${hintClass ? ` ${hintClass}` : ''}`} id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <span className="nhsuk-error-message" id={`${id}-error`}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      )}
      {children(describedBy)}
    </div>
  );
}
