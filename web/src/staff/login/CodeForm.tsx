import { useState, type FormEvent } from 'react';
import { TextInput } from '../../shared/forms/TextInput.js';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';

type Props = {
  submitLabel: string;
  pending: boolean;
  serverError: string | null;
  onSubmit: (code: string) => void;
};

/** A 6-digit authenticator code (TOTP), shared by sign-in and two-step set-up. */
export function CodeForm({ submitLabel, pending, serverError, onSubmit }: Props) {
  const [code, setCode] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const error = localError ?? serverError;
  const errors: FieldError[] = error ? [{ fieldId: 'code', text: error }] : [];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const digits = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(digits)) {
      setLocalError('Enter the 6-digit code from your authenticator app');
      return;
    }
    setLocalError(null);
    onSubmit(digits);
  };

  return (
    <>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <TextInput
          id="code"
          label="Security code"
          hint="The 6-digit code shown in your authenticator app"
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          maxLength={9}
          widthClass="nhsuk-input--width-10"
          value={code}
          onChange={setCode}
          error={error ?? undefined}
        />
        <button className="nhsuk-button" type="submit" aria-disabled={pending || undefined}>
          {pending ? 'Checking…' : submitLabel}
        </button>
      </form>
    </>
  );
}
