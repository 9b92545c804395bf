import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { InboxMessage, PatientInbox } from '../../shared/api/types.js';
import { inboxKeys, markMessageRead, withRead } from './inboxApi.js';

/**
 * Opening an unread message marks it read, once: the sender is told it was read, so a second
 * request (StrictMode's repeated effects, a re-render) must not be sent. The ref outlives both.
 */
export function useMarkMessageRead(message: InboxMessage): void {
  const queryClient = useQueryClient();
  const sent = useRef<string | null>(null);
  const { mutate } = useMutation({
    mutationFn: markMessageRead,
    onSuccess: (_answer, id) =>
      queryClient.setQueryData<PatientInbox>(inboxKeys.messages, (old) => old && withRead(old, id)),
    onError: () => {
      // Let the next visit try again; a failed receipt is not worth interrupting the reader for.
      sent.current = null;
    },
  });
  const { id, read } = message;
  useEffect(() => {
    if (read || sent.current === id) return;
    sent.current = id;
    mutate(id);
  }, [id, read, mutate]);
}
