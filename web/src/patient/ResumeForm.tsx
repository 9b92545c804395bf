import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorMessage, isApiError } from '../shared/api/http.js';
import { TextInput } from '../shared/forms/TextInput.js';
import { ErrorSummary, type FieldError } from '../shared/layout/ErrorSummary.js';
import { saveConversation } from './conversationSession.js';
import { publicKeys, resumeWithCode } from './publicApi.js';

/** "I have a code": exchanges the short code for a fresh token (the server throttles guesses). */
export function ResumeForm({ slug }: { slug: string }) {
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const resume = useMutation({
    mutationFn: (value: string) => resumeWithCode(slug, value),
    onSuccess: ({ token }) => {
      saveConversation(token, slug);
      queryClient.removeQueries({ queryKey: publicKeys.conversation });
      void navigate('/c');
    },
    onError: (err) =>
      setErrors([
        {
          fieldId: 'resume-code',
          // The server answers a wrong code, a code for another service and a malformed one alike.
          text: isApiError(err, 404)
            ? 'We could not find a conversation with that code. Check the code and try again.'
            : errorMessage(err),
        },
      ]),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (resume.isPending) return;
    const value = code.trim();
    if (!value) {
      setErrors([{ fieldId: 'resume-code', text: 'Enter the code you were given when you started' }]);
      return;
    }
    setErrors([]);
    resume.mutate(value);
  };

  return (
    <section aria-labelledby="resume-heading" className="app-section">
      <h2 id="resume-heading" className="nhsuk-heading-m">
        Return to your conversation
      </h2>
      <p>If you have already messaged us, enter the code you were given. Or open the link you saved.</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={onSubmit} noValidate>
        <TextInput
          id="resume-code"
          label="Your code"
          error={errors[0]?.text}
          value={code}
          onChange={setCode}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={64}
          widthClass="nhsuk-input--width-10"
        />
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="submit"
          aria-disabled={resume.isPending || undefined}
        >
          {resume.isPending ? 'Checking…' : 'Continue'}
        </button>
      </form>
    </section>
  );
}
