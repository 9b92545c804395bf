import { useQuery } from '@tanstack/react-query';
import { getMe, staffKeys } from './staffApi.js';

export const STAFF_AREA = 'Confide staff';

export function useMe() {
  return useQuery({
    queryKey: staffKeys.me,
    queryFn: ({ signal }) => getMe(signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
}
