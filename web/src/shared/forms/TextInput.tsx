import type { InputHTMLAttributes } from 'react';
import { FormField } from './FormField.js';

type Props = {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
  widthClass?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'className'>;

/** nhsuk-input with label, optional hint and error message wired to aria-describedby. */
export function TextInput({ id, label, hint, error, value, onChange, widthClass, ...rest }: Props) {
  return (
    <FormField id={id} label={label} {...(hint ? { hint } : {})} {...(error ? { error } : {})}>
      {(describedBy) => (
        <input
          className={`nhsuk-input${widthClass ? ` ${widthClass}` : ''}${error ? ' nhsuk-input--error' : ''}`}
          id={id}
          name={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={describedBy}
          {...rest}
        />
      )}
    </FormField>
  );
}
