import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useClientRef } from '../shared/api/clientRef.js';
import { isApiError } from '../shared/api/http.js';
import type { PublicConversation } from '../shared/api/types.js';
import { MessageTextarea } from '../shared/forms/MessageTextarea.js';
import { ErrorSummary, type FieldError } from '../shared/layout/ErrorSummary.js';
import { publicKeys, sendMessage, withMessage } from './publicApi.js';
import { serverError, validateMessage } from '../shared/forms/messageValidation.js';

/** Reply box. A retry of the same text reuses its clientRef, so it can never be posted twice. */
export function SendBox({ token }: { token: string }) {
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const { refFor, reset } = useClientRef();
  const queryClient = useQueryClient();

  const send = useMutation({
    mutationFn: (body: { message: string; clientRef: string }) => sendMessage(token, body),
    onSuccess: (message) => {
      queryClient.setQueryData<PublicConversation>(publicKeys.conversation, (c) => (c ? withMessage(c, message) : c));
      setText('');
      reset();
    },
    onError: (err) => {
      setErrors([serverError(err, 'reply')]);
      // Closed by the team meanwhile: fetch the new status so the page says so.
      if (isApiError(err, 409)) void queryClient.invalidateQueries({ queryKey: publicKeys.conversation });
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (send.isPending) return;
    const problem = validateMessage(text, 'reply');
    setErrors(problem ? [problem] : []);
    if (problem) return;
    const message = text.trim();
    send.mutate({ message, clientRef: refFor(message) });
  };

  return (
    <form onSubmit={onSubmit} noValidate className="app-send-box" aria-labelledby="send-heading">
      <h2 id="send-heading" className="nhsuk-heading-s nhsuk-u-margin-bottom-2">
        Send a message
      </h2>
      <ErrorSummary errors={errors} />
      <MessageTextarea
        id="reply"
        label="Your message"
        error={errors.find((e) => e.fieldId === 'reply')?.text}
        value={text}
        onChange={setText}
        rows={4}
      />
      <button
        className="nhsuk-button nhsuk-u-margin-bottom-4"
        type="submit"
        aria-disabled={send.isPending || undefined}
      >
        {send.isPending ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}
