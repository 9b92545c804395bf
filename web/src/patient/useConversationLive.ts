import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { PublicConversation, PublicLiveFrame } from '../shared/api/types.js';
import { useLiveSocket, type LiveStatus } from '../shared/live/useLiveSocket.js';
import { publicKeys, withMessage } from './publicApi.js';

/** Live replies for a service user: the token goes in the first frame, never in the URL. */
export function useConversationLive(token: string, enabled: boolean): LiveStatus {
  const queryClient = useQueryClient();
  const authFrame = useCallback(() => ({ type: 'auth', token }), [token]);
  const onFrame = useCallback(
    (raw: { type: string }) => {
      const frame = raw as PublicLiveFrame;
      switch (frame.type) {
        case 'ready':
          // After a reconnect, fetch anything sent while the socket was down.
          void queryClient.invalidateQueries({ queryKey: publicKeys.conversation });
          return;
        case 'message':
          queryClient.setQueryData<PublicConversation>(publicKeys.conversation, (c) =>
            c ? withMessage(c, frame.message) : c,
          );
          return;
        case 'conversation':
          queryClient.setQueryData<PublicConversation>(publicKeys.conversation, (c) =>
            c ? { ...c, status: frame.status } : c,
          );
          return;
      }
    },
    [queryClient],
  );
  const onRejected = useCallback(() => {
    // The token may have expired: re-fetching shows the "link no longer works" state if so.
    void queryClient.invalidateQueries({ queryKey: publicKeys.conversation });
  }, [queryClient]);
  return useLiveSocket({ path: '/api/public/conversation/live', enabled, authFrame, onFrame, onRejected });
}
