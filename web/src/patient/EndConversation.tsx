import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { PublicConversation } from '../shared/api/types.js';
import { ErrorSummary, type FieldError } from '../shared/layout/ErrorSummary.js';
import { errorMessage } from '../shared/api/http.js';
import { endConversation, publicKeys } from './publicApi.js';

/** "End conversation" asks once more before it acts, because it cannot be undone. */
export function EndConversation({ token }: { token: string }) {
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const heading = useRef<HTMLHeadingElement>(null);
  const queryClient = useQueryClient();

  const end = useMutation({
    mutationFn: () => endConversation(token),
    onSuccess: (conversation) => {
      queryClient.setQueryData<PublicConversation>(publicKeys.conversation, conversation);
      setConfirming(false);
    },
    onError: (err) => setErrors([{ text: errorMessage(err) }]),
  });

  useEffect(() => {
    if (confirming) heading.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => setConfirming(true)}>
        End conversation
      </button>
    );
  }
  return (
    <section className="nhsuk-card app-confirm" aria-labelledby="end-heading">
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading nhsuk-heading-m" id="end-heading" tabIndex={-1} ref={heading}>
          Are you sure you want to end this conversation?
        </h2>
        <ErrorSummary errors={errors} />
        <p>You will not be able to send more messages in it. If you need us again, you can start a new conversation.</p>
        <div className="app-button-group">
          <button
            className="nhsuk-button nhsuk-button--warning"
            type="button"
            aria-disabled={end.isPending || undefined}
            onClick={() => {
              if (!end.isPending) end.mutate();
            }}
          >
            Yes, end conversation
          </button>
          <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => setConfirming(false)}>
            No, go back
          </button>
        </div>
      </div>
    </section>
  );
}
