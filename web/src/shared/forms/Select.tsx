import { FormField } from './FormField.js';

type Props = {
  id: string;
  label: string;
  labelClass?: string;
  hint?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  /** Extra classes for the form group (e.g. a table-cell layout) and for the select itself. */
  groupClass?: string;
  selectClass?: string;
  disabled?: boolean;
};

/** nhsuk-select with label, hint and error wired to aria-describedby. */
export function Select({
  id,
  label,
  labelClass,
  hint,
  error,
  value,
  onChange,
  options,
  groupClass,
  selectClass,
  disabled,
}: Props) {
  return (
    <FormField
      id={id}
      label={label}
      {...(labelClass ? { labelClass } : {})}
      {...(hint ? { hint } : {})}
      {...(error ? { error } : {})}
      {...(groupClass ? { groupClass } : {})}
    >
      {(describedBy) => (
        <select
          className={`nhsuk-select${error ? ' nhsuk-select--error' : ''}${selectClass ? ` ${selectClass}` : ''}`}
          id={id}
          name={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={describedBy}
          disabled={disabled}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}
