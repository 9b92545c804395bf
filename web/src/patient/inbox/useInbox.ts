import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { isApiError } from '../../shared/api/http.js';
import { getInbox, inboxKeys } from './inboxApi.js';

/** The inbox, newest first. A session that has ended sends the pages back to the sign-in check. */
export function useInbox() {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: inboxKeys.messages, queryFn: ({ signal }) => getInbox(signal) });
  const signedOut = isApiError(query.error, 401);
  useEffect(() => {
    if (signedOut) void queryClient.invalidateQueries({ queryKey: inboxKeys.me });
  }, [signedOut, queryClient]);
  return query;
}
