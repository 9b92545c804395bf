type Props = {
  id: string;
  label: string;
  labelClass?: string;
  hint?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  /** Inside a table cell: no bottom margin. */
  compact?: boolean;
};

/** nhsuk-select with label, hint and error wired to aria-describedby. */
export function Select({ id, label, labelClass, hint, error, value, onChange, options, compact }: Props) {
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div
      className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}${compact ? ' app-admin-cell-group' : ''}`}
    >
      <label className={`nhsuk-label${labelClass ? ` ${labelClass}` : ''}`} htmlFor={id}>
        {label}
      </label>
      {hint && (
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <span className="nhsuk-error-message" id={`${id}-error`}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      )}
      <select
        className={`nhsuk-select${error ? ' nhsuk-select--error' : ''}`}
        id={id}
        name={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
