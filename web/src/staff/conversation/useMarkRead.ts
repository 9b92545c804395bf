import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ConversationDetail } from '../../shared/api/types.js';
import { applyRead } from '../cacheUpdates.js';
import { markRead } from '../staffApi.js';

function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/**
 * Marks the transcript read up to its newest message while it is on screen: on opening, and
 * again when a new service-user message arrives. A hidden tab does not count as reading.
 */
export function useMarkRead(conversation: ConversationDetail | undefined): void {
  const queryClient = useQueryClient();
  const visible = useDocumentVisible();
  const sent = useRef<{ id: string; seq: number } | null>(null);
  const read = useMutation({
    mutationFn: ({ id, seq }: { id: string; seq: number }) => markRead(id, seq),
    onSuccess: (_void, { id }) => applyRead(queryClient, id),
    onError: () => {
      // Allow another try with the next change; a failed read receipt is not worth interrupting for.
      sent.current = null;
    },
  });
  const { mutate } = read;

  const id = conversation?.id;
  const latestSeq = conversation?.messages.reduce((max, m) => Math.max(max, m.seq), 0) ?? 0;
  const latestFromUser =
    conversation?.messages.reduce((max, m) => (m.from === 'service_user' ? Math.max(max, m.seq) : max), 0) ?? 0;

  useEffect(() => {
    if (!id || !visible || latestSeq === 0) return;
    if (sent.current?.id === id && latestFromUser <= sent.current.seq) return;
    sent.current = { id, seq: latestSeq };
    mutate({ id, seq: latestSeq });
  }, [id, visible, latestSeq, latestFromUser, mutate]);
}
