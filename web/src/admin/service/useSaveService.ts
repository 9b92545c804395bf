import { useMutation, useQueryClient } from '@tanstack/react-query';
import { staffKeys } from '../../staff/staffApi.js';
import { adminKeys, type AdminService } from '../adminApi.js';

/** PATCH or PUT answers with the whole service, which replaces it in the cached list. */
export function useSaveService<A>(run: (args: A) => Promise<AdminService>, onSaved: (s: AdminService) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (saved) => {
      queryClient.setQueryData<AdminService[]>(adminKeys.services, (list) =>
        list?.map((s) => (s.id === saved.id ? saved : s)),
      );
      // Names and outcomes also appear in the member's own profile (inbox filter, close form).
      void queryClient.invalidateQueries({ queryKey: staffKeys.me });
      onSaved(saved);
    },
  });
}
