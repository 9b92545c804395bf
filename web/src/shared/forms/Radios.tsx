import type { ReactNode } from 'react';

type Props = {
  name: string;
  legend: ReactNode;
  legendClass?: string;
  hint?: string;
  error?: string;
  options: { value: string; label: string }[];
  value: string;
  onChange: (value: string) => void;
  small?: boolean;
};

/** nhsuk-radios in a fieldset. The first radio carries the id `name` so an error summary can link to it. */
export function Radios({ name, legend, legendClass, hint, error, options, value, onChange, small }: Props) {
  const describedBy = [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy}>
        <legend className={`nhsuk-fieldset__legend ${legendClass ?? 'nhsuk-fieldset__legend--s'}`}>{legend}</legend>
        {hint && (
          <div className="nhsuk-hint" id={`${name}-hint`}>
            {hint}
          </div>
        )}
        {error && (
          <span className="nhsuk-error-message" id={`${name}-error`}>
            <span className="nhsuk-u-visually-hidden">Error:</span> {error}
          </span>
        )}
        <div className={`nhsuk-radios${small ? ' nhsuk-radios--small' : ''}`}>
          {options.map((o, i) => {
            const id = i === 0 ? name : `${name}-${i + 1}`;
            return (
              <div className="nhsuk-radios__item" key={o.value}>
                <input
                  className="nhsuk-radios__input"
                  id={id}
                  name={name}
                  type="radio"
                  value={o.value}
                  checked={value === o.value}
                  onChange={() => onChange(o.value)}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                  {o.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
