import { useMutation, useQueryClient } from '@tanstack/react-query';
import { isApiError } from '../../shared/api/http.js';
import type { PatientInbox } from '../../shared/api/types.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { useNow } from '../../shared/time/useNow.js';
import { INBOX_AREA } from './area.js';
import { getInbox, inboxKeys, withOlder } from './inboxApi.js';
import { MessageCard } from './MessageCard.js';
import { DeviceNotificationsControl } from './notifications/DeviceNotificationsControl.js';
import { NotVerified } from './NotVerified.js';
import { PageLoading, PageProblem } from './PageStates.js';
import { PatientGate } from './PatientGate.js';
import { useInbox } from './useInbox.js';

/** /inbox — sign in, or the messages from every sender, newest first. */
export function InboxPage() {
  return (
    <PatientGate>
      <InboxLoader />
    </PatientGate>
  );
}

function InboxLoader() {
  const inbox = useInbox();
  // The level can drop at a later sign-in, between the check and this answer.
  if (isApiError(inbox.error, 403)) return <NotVerified />;
  if (inbox.data) return <MessageList inbox={inbox.data} />;
  if (inbox.isPending) return <PageLoading heading="Your messages" what="Loading your messages" />;
  return <PageProblem problem="We could not load your messages" onRetry={() => void inbox.refetch()} />;
}

function MessageList({ inbox }: { inbox: PatientInbox }) {
  const now = useNow();
  const queryClient = useQueryClient();
  const older = useMutation({
    mutationFn: () => getInbox(undefined, inbox.next),
    // Kept in the inbox's own cache, so opening an older message finds it like a newer one.
    onSuccess: (page) =>
      queryClient.setQueryData<PatientInbox>(inboxKeys.messages, (shown) => shown && withOlder(shown, page)),
  });
  const heading = inbox.unread > 0 ? `Your messages (${inbox.unread} unread)` : 'Your messages';
  usePageTitle(heading, INBOX_AREA);
  return (
    <>
      <h1>{heading}</h1>
      {inbox.messages.length === 0 ? (
        <p>You have no messages. When a health service sends you a message, it will appear here.</p>
      ) : (
        <ul className="app-inbox">
          {inbox.messages.map((m) => (
            <MessageCard key={m.id} message={m} now={now} />
          ))}
        </ul>
      )}
      {older.isError && (
        <p className="nhsuk-error-message" role="alert">
          We could not load your older messages. Try again.
        </p>
      )}
      {inbox.next && (
        <button
          type="button"
          className="nhsuk-button nhsuk-button--secondary"
          disabled={older.isPending}
          onClick={() => older.mutate()}
        >
          {older.isPending ? 'Loading older messages…' : 'Show older messages'}
        </button>
      )}
      <DeviceNotificationsControl />
    </>
  );
}
