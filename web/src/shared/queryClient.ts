import { QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api/http.js';

/**
 * Client errors (4xx) are answers, not glitches, so they are not retried; network failures and
 * 5xx are retried twice. A staff query that finds the session gone re-checks `/me`, which sends
 * the person to the sign-in page.
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (err, query) => {
        const key = query.queryKey;
        if (err instanceof ApiError && err.status === 401 && key[0] === 'staff' && key[1] !== 'me') {
          void client.invalidateQueries({ queryKey: ['staff', 'me'] });
        }
      },
    }),
    defaultOptions: {
      queries: {
        retry: (failures, err) => {
          if (err instanceof ApiError && err.status >= 400 && err.status < 500) return false;
          return failures < 2;
        },
        staleTime: 10_000,
      },
      mutations: { retry: false },
    },
  });
  return client;
}
