import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { errorMessage, isApiError } from '../../shared/api/http.js';
import { LiveStatusText } from '../../shared/live/LiveStatusText.js';
import { Loading, ProblemPanel } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { getConversation, staffKeys } from '../staffApi.js';
import { useStaffLiveStatus } from '../StaffLive.js';
import { STAFF_AREA } from '../useMe.js';
import { AssignPanel } from './AssignPanel.js';
import { TransferPanel } from './TransferPanel.js';
import { CloseForm } from './CloseForm.js';
import { ConversationFacts } from './ConversationFacts.js';
import { ReplyForm } from './ReplyForm.js';
import { Transcript } from './Transcript.js';
import { useMarkRead } from './useMarkRead.js';

function BackLink() {
  return (
    <div className="nhsuk-back-link">
      <Link className="nhsuk-back-link__link" to="/staff">
        Back to inbox
      </Link>
    </div>
  );
}

/** /staff/conversations/:id — transcript, reply or note, and claim / assign / close. */
export function ConversationDetailPage() {
  const id = useParams().id ?? '';
  const live = useStaffLiveStatus();
  const query = useQuery({
    queryKey: staffKeys.detail(id),
    queryFn: ({ signal }) => getConversation(id, signal),
  });
  const c = query.data;
  useMarkRead(c);
  const notFound = isApiError(query.error, 404);
  usePageTitle(
    c ? `Conversation with ${c.displayName}` : notFound ? 'Conversation not found' : 'Conversation',
    STAFF_AREA,
  );

  if (!c) {
    return (
      <>
        <BackLink />
        <h1>{notFound ? 'Conversation not found' : 'Conversation'}</h1>
        {query.isPending && <Loading what="Loading the conversation" />}
        {notFound && (
          <p>It may have been removed under the retention policy, or it is in a service you are not part of.</p>
        )}
        {query.isError && !notFound && (
          <ProblemPanel heading="We could not load this conversation">
            <p>{errorMessage(query.error)}</p>
            <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => void query.refetch()}>
              Try again
            </button>
          </ProblemPanel>
        )}
      </>
    );
  }

  const open = c.status === 'open';
  return (
    <>
      <BackLink />
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-l">
          {c.serviceName}
          <span className="nhsuk-u-visually-hidden"> – </span>
        </span>
        {c.displayName}
      </h1>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h2 className="nhsuk-heading-m">Transcript</h2>
          <LiveStatusText status={live} />
          <Transcript messages={c.messages} displayName={c.displayName} />
          {open ? (
            <ReplyForm conversationId={c.id} />
          ) : (
            <div className="nhsuk-inset-text">
              <span className="nhsuk-u-visually-hidden">Information: </span>
              <p>This conversation is closed. The service user can start a new one if they need to.</p>
            </div>
          )}
        </div>
        <div className="nhsuk-grid-column-one-third">
          <ConversationFacts c={c} />
          {open && <AssignPanel conversation={c} />}
          {open && <TransferPanel conversation={c} />}
          {open && <CloseForm conversation={c} />}
        </div>
      </div>
    </>
  );
}
