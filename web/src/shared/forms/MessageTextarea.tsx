import { useEffect, useRef, useState } from 'react';
import { FormField } from './FormField.js';

export const MAX_MESSAGE_LENGTH = 4000;

type Props = {
  id: string;
  label: string;
  labelClass?: string;
  hint?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  maxLength?: number;
};

function remainingText(remaining: number): string {
  if (remaining >= 0)
    return `You have ${remaining.toLocaleString('en-GB')} character${remaining === 1 ? '' : 's'} remaining`;
  const over = -remaining;
  return `You have ${over.toLocaleString('en-GB')} character${over === 1 ? '' : 's'} too many`;
}

/**
 * The NHS character count pattern rebuilt in React (nhsuk-frontend's JavaScript is not loaded):
 * a visible count that turns into an error when over the limit, and a screen reader count that
 * is announced only after typing pauses, so it does not talk over every keystroke. The text
 * may go over the limit (it is not cut off silently); submitting then shows the error.
 */
export function MessageTextarea({
  id,
  label,
  labelClass,
  hint,
  error,
  value,
  onChange,
  rows = 5,
  maxLength = MAX_MESSAGE_LENGTH,
}: Props) {
  const remaining = maxLength - value.length;
  const over = remaining < 0;
  const [announced, setAnnounced] = useState('');
  // Nothing is announced until the person types, or the page would speak on load.
  const typed = useRef(false);
  useEffect(() => {
    if (!typed.current) return;
    const timer = window.setTimeout(() => setAnnounced(remainingText(remaining)), 1000);
    return () => window.clearTimeout(timer);
  }, [remaining]);

  return (
    <FormField
      id={id}
      label={label}
      groupClass="nhsuk-character-count"
      alsoDescribedBy={[`${id}-info`]}
      {...(labelClass ? { labelClass } : {})}
      {...(hint ? { hint } : {})}
      {...(error ? { error } : {})}
    >
      {(describedBy) => (
        <>
          <textarea
            className={`nhsuk-textarea${error || over ? ' nhsuk-textarea--error' : ''}`}
            id={id}
            name={id}
            rows={rows}
            value={value}
            spellCheck
            onChange={(e) => {
              typed.current = true;
              onChange(e.target.value);
            }}
            aria-describedby={describedBy}
          />
          <div className="nhsuk-u-visually-hidden" id={`${id}-info`}>
            You can enter up to {maxLength.toLocaleString('en-GB')} characters
          </div>
          <div
            className={`nhsuk-character-count__status ${over ? 'nhsuk-error-message' : 'nhsuk-hint'}`}
            aria-hidden="true"
          >
            {remainingText(remaining)}
          </div>
          <div className="nhsuk-u-visually-hidden" aria-live="polite">
            {announced}
          </div>
        </>
      )}
    </FormField>
  );
}
