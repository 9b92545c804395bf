import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ConversationSummary } from '../../shared/api/types.js';
import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { errorMessage } from '../../shared/api/http.js';
import { applySummary } from '../cacheUpdates.js';
import { staffKeys } from '../staffApi.js';
import { useStaffMe } from '../useStaffMe.js';

/** Claim, assign and close all answer with the changed summary, which updates every cached view. */
export function useConversationAction<A>(run: (args: A) => Promise<ConversationSummary>, fieldId?: string) {
  const queryClient = useQueryClient();
  const me = useStaffMe();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const mutation = useMutation({
    mutationFn: run,
    onMutate: () => setErrors([]),
    onSuccess: (summary) => {
      applySummary(queryClient, summary, me.id);
      // The transcript gains an event ("Claimed by …") and fields a summary does not carry.
      void queryClient.invalidateQueries({ queryKey: staffKeys.detail(summary.id) });
    },
    onError: (err) => setErrors([{ fieldId, text: errorMessage(err) }]),
  });
  return { mutation, errors, setErrors };
}
