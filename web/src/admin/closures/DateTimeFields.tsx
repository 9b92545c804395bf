export type DateTimeValue = { day: string; month: string; year: string; time: string };

export const EMPTY_DATE_TIME: DateTimeValue = { day: '', month: '', year: '', time: '' };

type Props = {
  /** Ids are `${id}-day`, `${id}-month`, `${id}-year` and `${id}-time`. */
  id: string;
  legend: string;
  hint: string;
  error?: string;
  /** Which parts the error is about, so only those are outlined. */
  errorParts?: (keyof DateTimeValue)[];
  value: DateTimeValue;
  onChange: (value: DateTimeValue) => void;
};

const PARTS: { part: keyof DateTimeValue; label: string; width: string; inputMode: 'numeric' | 'text' }[] = [
  { part: 'day', label: 'Day', width: 'nhsuk-input--width-2', inputMode: 'numeric' },
  { part: 'month', label: 'Month', width: 'nhsuk-input--width-2', inputMode: 'numeric' },
  { part: 'year', label: 'Year', width: 'nhsuk-input--width-4', inputMode: 'numeric' },
  { part: 'time', label: 'Time', width: 'nhsuk-input--width-5', inputMode: 'text' },
];

/** The NHS date input (day, month, year) with a 24-hour time beside it, all in one fieldset. */
export function DateTimeFields({ id, legend, hint, error, errorParts, value, onChange }: Props) {
  const describedBy = [`${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  const outlined = (part: keyof DateTimeValue) => Boolean(error) && (!errorParts || errorParts.includes(part));
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset className="nhsuk-fieldset" role="group" aria-describedby={describedBy}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
        {error && (
          <span className="nhsuk-error-message" id={`${id}-error`}>
            <span className="nhsuk-u-visually-hidden">Error:</span> {error}
          </span>
        )}
        <div className="nhsuk-date-input" id={id}>
          {PARTS.map(({ part, label, width, inputMode }) => (
            <div className={`nhsuk-date-input__item${part === 'time' ? ' app-admin-time-item' : ''}`} key={part}>
              <div className="nhsuk-form-group">
                <label className="nhsuk-label nhsuk-date-input__label" htmlFor={`${id}-${part}`}>
                  {label}
                </label>
                <input
                  className={`nhsuk-input nhsuk-date-input__input ${width}${outlined(part) ? ' nhsuk-input--error' : ''}`}
                  id={`${id}-${part}`}
                  name={`${id}-${part}`}
                  type="text"
                  inputMode={inputMode}
                  autoComplete="off"
                  spellCheck={false}
                  value={value[part]}
                  onChange={(e) => onChange({ ...value, [part]: e.target.value })}
                />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}
