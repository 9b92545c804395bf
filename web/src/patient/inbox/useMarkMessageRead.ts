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
    onSuccess: (_answer, id) => {
      let listed = false;
      queryClient.setQueryData<PatientInbox>(inboxKeys.messages, (old) => {
        listed = old?.messages.some((m) => m.id === id) ?? false;
        return old && withRead(old, id);
      });
      queryClient.setQueryData<InboxMessage>(inboxKeys.message(id), (old) => old && { ...old, read: true });
      // A message opened by its link, older than the list: the list's unread count is asked again.
      if (!listed) void queryClient.invalidateQueries({ queryKey: inboxKeys.messages, exact: true });
    },
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
