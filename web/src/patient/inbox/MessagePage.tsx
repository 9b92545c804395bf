import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../shared/api/http.js';
import type { InboxMessage } from '../../shared/api/types.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { formatFull } from '../../shared/time/londonTime.js';
import { INBOX_AREA } from './area.js';
import { getInboxMessage, inboxKeys } from './inboxApi.js';
import { MessageBody } from './markdown/MessageBody.js';
import { NotVerified } from './NotVerified.js';
import { PageLoading, PageProblem } from './PageStates.js';
import { PatientGate } from './PatientGate.js';
import { SenderTag } from './SenderTag.js';
import { useInbox } from './useInbox.js';
import { useMarkMessageRead } from './useMarkMessageRead.js';

function BackToInbox() {
  return (
    <Link className="nhsuk-back-link" to="/inbox">
      Back to your messages
    </Link>
  );
}

/**
 * /inbox/:id — one message, read from the inbox the list already loaded, or, for an older one
 * the list has not reached (a bookmark, a link), asked for on its own.
 */
export function MessagePage() {
  const id = useParams().id ?? '';
  return (
    <PatientGate>
      <MessageLoader id={id} />
    </PatientGate>
  );
}

function MessageLoader({ id }: { id: string }) {
  const inbox = useInbox();
  if (isApiError(inbox.error, 403)) return <NotVerified />;
  if (inbox.data) {
    const message = inbox.data.messages.find((m) => m.id === id);
    return message ? <MessageView message={message} /> : <OlderMessageLoader id={id} />;
  }
  if (inbox.isPending) return <PageLoading heading="Your message" what="Loading your message" />;
  return <PageProblem problem="We could not load your message" onRetry={() => void inbox.refetch()} />;
}

function OlderMessageLoader({ id }: { id: string }) {
  const older = useQuery({
    queryKey: inboxKeys.message(id),
    queryFn: ({ signal }) => getInboxMessage(id, signal),
    // A missing message (or a link that is not one) stays missing: no retry.
    retry: (count, error) => !isApiError(error, 404) && !isApiError(error, 400) && count < 2,
  });
  if (older.data) return <MessageView message={older.data} />;
  if (isApiError(older.error, 404) || isApiError(older.error, 400)) return <MessageNotFound />;
  if (older.isPending) return <PageLoading heading="Your message" what="Loading your message" />;
  return <PageProblem problem="We could not load your message" onRetry={() => void older.refetch()} />;
}

function MessageView({ message }: { message: InboxMessage }) {
  usePageTitle(`Message from ${message.sender.name}`, INBOX_AREA);
  useMarkMessageRead(message);
  return (
    <>
      <BackToInbox />
      <h1 className="nhsuk-heading-l nhsuk-u-margin-top-4">
        <span className="nhsuk-caption-l">
          Message from<span className="nhsuk-u-visually-hidden"> </span>
        </span>
        {message.sender.name}
      </h1>
      <p className="nhsuk-u-margin-bottom-2">
        <SenderTag verified={message.sender.verified} />
      </p>
      <p className="app-message-sent">
        Sent <time dateTime={message.sentAt}>{formatFull(message.sentAt)}</time>
      </p>
      {message.sender.verified && (
        <details className="nhsuk-details">
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">What &lsquo;verified sender&rsquo; means</span>
          </summary>
          <div className="nhsuk-details__text">
            <p>
              This message was sent by {message.sender.name} (NHS organisation code {message.sender.odsCode}) from a
              system they registered with this service. Every message is checked against that registration.
            </p>
          </div>
        </details>
      )}
      <MessageBody content={message.content} linkDomains={message.sender.linkDomains} />
    </>
  );
}

function MessageNotFound() {
  usePageTitle('Message not found', INBOX_AREA);
  return (
    <>
      <BackToInbox />
      <h1 className="nhsuk-u-margin-top-4">Message not found</h1>
      <p>Check the link, or go back to your messages and open it from the list.</p>
    </>
  );
}
