import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../shared/api/http.js';
import type { LoginResult } from '../../shared/api/types.js';
import { TextInput } from '../../shared/forms/TextInput.js';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { login } from '../staffApi.js';
import { STAFF_AREA } from '../useMe.js';

export function PasswordStep({ onDone }: { onDone: (result: LoginResult) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  usePageTitle('Sign in', STAFF_AREA, errors.length > 0);

  const signIn = useMutation({
    mutationFn: () => login(email.trim(), password),
    onSuccess: onDone,
    onError: (err) => setErrors([{ fieldId: 'email', text: errorMessage(err) }]),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (signIn.isPending) return;
    const problems: FieldError[] = [];
    if (!email.trim()) problems.push({ fieldId: 'email', text: 'Enter your email address' });
    if (!password) problems.push({ fieldId: 'password', text: 'Enter your password' });
    setErrors(problems);
    if (problems.length === 0) signIn.mutate();
  };
  const errorFor = (id: string) => errors.find((e) => e.fieldId === id)?.text;

  return (
    <>
      <h1>Sign in</h1>
      <ErrorSummary errors={errors} />
      <form onSubmit={onSubmit} noValidate>
        <TextInput
          id="email"
          label="Email address"
          type="email"
          autoComplete="username"
          spellCheck={false}
          value={email}
          onChange={setEmail}
          error={errorFor('email')}
        />
        <TextInput
          id="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={errorFor('password')}
        />
        <button className="nhsuk-button" type="submit" aria-disabled={signIn.isPending || undefined}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </>
  );
}
