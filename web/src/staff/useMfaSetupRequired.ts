import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../shared/api/http.js';

/**
 * A member whose organisation requires two-step verification, and who has not set it up, may
 * read /me but nothing else: the server answers 403 `mfa_setup_required`. Any query that meets
 * that answer sends the person to set-up.
 */
export function useMfaSetupRequired(): boolean {
  const queryClient = useQueryClient();
  const [required, setRequired] = useState(false);
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type !== 'updated' || event.action.type !== 'error') return;
        const err: unknown = event.action.error;
        if (err instanceof ApiError && err.code === 'mfa_setup_required') setRequired(true);
      }),
    [queryClient],
  );
  return required;
}
