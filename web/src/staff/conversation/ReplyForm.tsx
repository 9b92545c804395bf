import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useClientRef } from '../../shared/api/clientRef.js';
import { isApiError } from '../../shared/api/http.js';
import type { ConversationDetail } from '../../shared/api/types.js';
import { MessageTextarea } from '../../shared/forms/MessageTextarea.js';
import { Radios } from '../../shared/forms/Radios.js';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import { serverError, validateMessage } from '../../shared/forms/messageValidation.js';
import { withMessage } from '../cacheUpdates.js';
import { addNote, reply, staffKeys } from '../staffApi.js';

type Mode = 'reply' | 'note';

/** Reply to the service user, or add an internal note that only staff see. */
export function ReplyForm({ conversationId }: { conversationId: string }) {
  const [mode, setMode] = useState<Mode>('reply');
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const { refFor, reset } = useClientRef();
  const queryClient = useQueryClient();

  const send = useMutation({
    mutationFn: (body: { mode: Mode; message: string; clientRef: string }) =>
      (body.mode === 'note' ? addNote : reply)(conversationId, { message: body.message, clientRef: body.clientRef }),
    onSuccess: (message) => {
      queryClient.setQueryData<ConversationDetail>(staffKeys.detail(conversationId), (d) =>
        d ? withMessage(d, message) : d,
      );
      setText('');
      reset();
    },
    onError: (err) => {
      setErrors([serverError(err, 'staff-message')]);
      if (isApiError(err, 409)) void queryClient.invalidateQueries({ queryKey: staffKeys.detail(conversationId) });
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (send.isPending) return;
    const problem = validateMessage(text, 'staff-message');
    setErrors(problem ? [problem] : []);
    if (problem) return;
    const message = text.trim();
    send.mutate({ mode, message, clientRef: refFor({ mode, message }) });
  };

  const note = mode === 'note';
  return (
    <form onSubmit={onSubmit} noValidate className={`app-reply-form${note ? ' app-reply-form--note' : ''}`}>
      <h2 className="nhsuk-heading-m">{note ? 'Add internal note' : 'Reply'}</h2>
      <ErrorSummary errors={errors} />
      <Radios
        name="mode"
        legend="What do you want to write?"
        options={[
          { value: 'reply', label: 'A reply to the service user' },
          { value: 'note', label: 'An internal note (only staff see it)' },
        ]}
        value={mode}
        onChange={(v) => setMode(v === 'note' ? 'note' : 'reply')}
        small
      />
      <MessageTextarea
        id="staff-message"
        label={note ? 'Internal note' : 'Reply'}
        hint={note ? 'Not shown to the service user.' : 'The service user sees this with your name.'}
        error={errors.find((e) => e.fieldId === 'staff-message')?.text}
        value={text}
        onChange={setText}
        rows={5}
      />
      <button className="nhsuk-button" type="submit" aria-disabled={send.isPending || undefined}>
        {send.isPending ? 'Sending…' : note ? 'Add internal note' : 'Send reply'}
      </button>
    </form>
  );
}
