import { FormField } from '../../shared/forms/FormField.js';

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
  return (
    <FormField
      id={id}
      label={label}
      hintClass="app-preserve-lines"
      {...(hint ? { hint } : {})}
      {...(error ? { error } : {})}
    >
      {(describedBy) => (
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
      )}
    </FormField>
  );
}
