import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../shared/api/http.js';
import { LiveStatusText } from '../shared/live/LiveStatusText.js';
import { CrisisCallout } from '../shared/layout/CrisisCallout.js';
import { focusById } from '../shared/layout/focus.js';
import { Loading, ProblemPanel } from '../shared/layout/StatusPanels.js';
import { usePageTitle } from '../shared/layout/usePageTitle.js';
import { forgetConversation, loadToken, rememberServiceSlug, takeTokenFromFragment } from './conversationSession.js';
import { EndConversation } from './EndConversation.js';
import { useHandoff } from './handoff.js';
import { NoConversation } from './NoConversation.js';
import { PATIENT_AREA } from './PatientLayout.js';
import { getConversation, getService, publicKeys } from './publicApi.js';
import { SendBox } from './SendBox.js';
import { StartedPanel } from './StartedPanel.js';
import { Thread } from './Thread.js';
import { useConversationLive } from './useConversationLive.js';

function readToken(): string | null {
  takeTokenFromFragment();
  return loadToken();
}

/** /c and /c#<token> — the service user's conversation. */
export function ConversationPage() {
  const [token] = useState(readToken);
  if (!token) return <NoConversation reason="missing" />;
  return <ConversationView token={token} />;
}

function ConversationView({ token }: { token: string }) {
  const { started, setStarted } = useHandoff();
  const query = useQuery({
    queryKey: publicKeys.conversation,
    queryFn: ({ signal }) => getConversation(token, signal),
  });
  const conversation = query.data;
  const rejected = isApiError(query.error, 401) || isApiError(query.error, 404);
  const service = useQuery({
    queryKey: publicKeys.service(conversation?.serviceSlug ?? ''),
    queryFn: ({ signal }) => getService(conversation!.serviceSlug, signal),
    enabled: Boolean(conversation),
    staleTime: 5 * 60_000,
  });
  const live = useConversationLive(token, conversation?.status === 'open');
  usePageTitle(conversation ? `Your conversation with ${conversation.serviceName}` : 'Your conversation', PATIENT_AREA);

  useEffect(() => {
    if (rejected) forgetConversation();
  }, [rejected]);
  useEffect(() => {
    if (conversation) rememberServiceSlug(conversation.serviceSlug);
  }, [conversation]);
  // When the conversation ends (by the person or the team) the send box and end button vanish;
  // focus moves to the notice that says so rather than being lost.
  const status = conversation?.status;
  const previousStatus = useRef(status);
  useEffect(() => {
    if (previousStatus.current === 'open' && status === 'closed') focusById('closed-heading');
    previousStatus.current = status;
  }, [status]);

  if (rejected) return <NoConversation reason="expired" />;
  if (!conversation) {
    return (
      <>
        <h1>Your conversation</h1>
        {query.isPending ? (
          <Loading what="Loading your conversation" />
        ) : (
          <ProblemPanel heading="We could not load your conversation">
            <p>Check your internet connection and try again. Your messages are safe.</p>
            <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => void query.refetch()}>
              Try again
            </button>
          </ProblemPanel>
        )}
        <CrisisCallout />
      </>
    );
  }

  const open = conversation.status === 'open';
  return (
    <>
      <h1 className="nhsuk-heading-l" id="conversation-heading">
        <span className="nhsuk-caption-m">
          Your conversation with<span className="nhsuk-u-visually-hidden"> </span>
        </span>
        {conversation.serviceName}
      </h1>
      {started && (
        <StartedPanel
          details={started}
          onDismiss={() => {
            setStarted(null);
            focusById('conversation-heading');
          }}
        />
      )}
      <CrisisCallout message={service.data?.crisisMessage} compact />
      {!open && (
        <div className="nhsuk-inset-text app-closed-notice">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <h2 className="nhsuk-heading-s nhsuk-u-margin-bottom-2" id="closed-heading">
            This conversation has ended
          </h2>
          <p>
            {conversation.endedByYou ? 'You ended this conversation.' : 'The team has closed this conversation.'} If you
            need us again,{' '}
            <Link to={`/s/${encodeURIComponent(conversation.serviceSlug)}`}>start a new conversation</Link>.
          </p>
        </div>
      )}
      {open && <LiveStatusText status={live} />}
      <Thread messages={conversation.messages} />
      {open && <SendBox token={token} />}
      {open && <EndConversation token={token} />}
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>
          Using a shared phone or computer? This conversation stays open only in this browser tab. Close the tab when
          you have finished.
        </p>
      </div>
    </>
  );
}
