import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import type { Me, StaffLiveFrame } from '../shared/api/types.js';
import { useLiveSocket, type LiveStatus } from '../shared/live/useLiveSocket.js';
import { applyMessage, applySummary, isKnown } from './cacheUpdates.js';
import { staffKeys } from './staffApi.js';

const LiveStatusContext = createContext<LiveStatus>('connecting');

export function useStaffLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}

const RECENT_MS = 10 * 60_000;

/**
 * One socket for the whole staff console. Frames update the TanStack Query cache directly, so
 * the inbox and an open transcript change without a reload. New conversations are announced in
 * a polite live region that is always in the page.
 */
export function StaffLiveProvider({ me, children }: { me: Me; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [announcement, setAnnouncement] = useState('');

  const onFrame = useCallback(
    (raw: { type: string }) => {
      const frame = raw as StaffLiveFrame;
      switch (frame.type) {
        case 'ready':
          // Connected or reconnected: catch up on anything missed while the socket was down.
          void queryClient.invalidateQueries({ queryKey: staffKeys.inboxes });
          void queryClient.invalidateQueries({ queryKey: staffKeys.details });
          return;
        case 'conversation': {
          const c = frame.conversation;
          const isNew =
            !isKnown(queryClient, c.id) && c.status === 'open' && Date.now() - Date.parse(c.createdAt) < RECENT_MS;
          applySummary(queryClient, c, me.id);
          if (isNew) setAnnouncement(`New conversation from ${c.displayName} in ${c.serviceName}.`);
          return;
        }
        case 'message':
          applyMessage(queryClient, frame.conversationId, frame.message);
          return;
      }
    },
    [queryClient, me.id],
  );
  const onRejected = useCallback(() => {
    // Most likely the session ended: re-checking /me sends the person to sign in.
    void queryClient.invalidateQueries({ queryKey: staffKeys.me });
  }, [queryClient]);

  const status = useLiveSocket({ path: '/api/staff/live', enabled: true, onFrame, onRejected });
  return (
    <LiveStatusContext.Provider value={status}>
      {children}
      <div className="nhsuk-u-visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </LiveStatusContext.Provider>
  );
}
