import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { focusById } from '../../shared/layout/focus.js';
import { inboxKeys, signOutPatient } from './inboxApi.js';

/** In the header's account area. A form, so it works with Enter and Space like any button. */
export function SignOutButton() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: signOutPatient,
    // Whatever the answer, nothing from this session stays in memory. Resetting the sign-in check
    // (rather than clearing the cache) makes the pages on screen ask again, and show the start page.
    onSettled: async () => {
      await queryClient.resetQueries({ queryKey: inboxKeys.me });
      queryClient.removeQueries({ queryKey: inboxKeys.messages });
      await navigate('/inbox', { replace: true });
      // The button has gone with the session; focus starts again at the page's content.
      focusById('maincontent');
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!signOut.isPending) signOut.mutate();
  };
  return (
    <li className="nhsuk-header__account-item">
      <form className="nhsuk-header__account-form" onSubmit={onSubmit} noValidate>
        <button className="nhsuk-header__account-button" type="submit">
          Sign out
        </button>
      </form>
    </li>
  );
}
