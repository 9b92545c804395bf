type Props = {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  spellCheck?: boolean;
};

/** A plain nhsuk-textarea (lists written one per line, where a character count would mislead). */
export function Textarea({ id, label, hint, error, value, onChange, rows = 5, spellCheck = true }: Props) {
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <div className="nhsuk-hint app-preserve-lines" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <span className="nhsuk-error-message" id={`${id}-error`}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      )}
      <textarea
        className={`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`}
        id={id}
        name={id}
        rows={rows}
        value={value}
        spellCheck={spellCheck}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
      />
    </div>
  );
}
