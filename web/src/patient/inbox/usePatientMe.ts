import { useQuery } from '@tanstack/react-query';
import { getPatientMe, inboxKeys } from './inboxApi.js';

/** Who is signed in; a 401 answer means nobody is, and is not retried. */
export function usePatientMe() {
  return useQuery({
    queryKey: inboxKeys.me,
    queryFn: ({ signal }) => getPatientMe(signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
}
