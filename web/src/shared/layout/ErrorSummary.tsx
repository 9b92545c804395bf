import { useEffect, useRef, type MouseEvent } from 'react';
import { focusById } from './focus.js';

export type FieldError = { text: string; fieldId?: string };

type Props = { errors: FieldError[]; title?: string };

/**
 * The NHS error summary. It takes focus whenever a new set of errors appears so screen reader
 * and keyboard users learn at once that the action failed; each error links to its field.
 */
export function ErrorSummary({ errors, title = 'There is a problem' }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const signature = errors.map((e) => `${e.fieldId ?? ''}:${e.text}`).join('|');
  useEffect(() => {
    if (signature) box.current?.focus();
  }, [signature]);
  if (errors.length === 0) return null;

  const onClick = (event: MouseEvent<HTMLAnchorElement>, fieldId: string) => {
    event.preventDefault();
    focusById(fieldId);
  };
  return (
    // No aria-labelledby here: a <div> without a role may not be named (ARIA 1.2; axe flags it). The
    // title and errors inside the role="alert" are what is announced, as in the NHS pattern.
    <div className="nhsuk-error-summary" tabIndex={-1} ref={box}>
      <div role="alert">
        <h2 className="nhsuk-error-summary__title">{title}</h2>
        <div className="nhsuk-error-summary__body">
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {errors.map((e) => (
              <li key={`${e.fieldId ?? ''}:${e.text}`}>
                {e.fieldId ? (
                  <a href={`#${e.fieldId}`} onClick={(ev) => onClick(ev, e.fieldId!)}>
                    {e.text}
                  </a>
                ) : (
                  e.text
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
