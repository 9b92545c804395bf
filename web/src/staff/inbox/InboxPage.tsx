import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../shared/api/http.js';
import { LiveStatusText } from '../../shared/live/LiveStatusText.js';
import { Loading, ProblemPanel } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { listConversations, staffKeys } from '../staffApi.js';
import { useStaffLiveStatus } from '../StaffLive.js';
import { STAFF_AREA } from '../useMe.js';
import { useStaffMe } from '../useStaffMe.js';
import { InboxNav, inboxHref } from './InboxNav.js';
import { InboxTable } from './InboxTable.js';
import { INBOX_VIEWS, parseView, sortForView } from './inboxViews.js';
import { ServiceFilter } from './ServiceFilter.js';

const EMPTY: Record<string, string> = {
  unassigned: 'Nobody is waiting for a clinician to pick up their conversation.',
  mine: 'You have no open conversations assigned to you.',
  open: 'There are no open conversations.',
  closed: 'No conversations have been closed yet.',
};

/** /staff — the service inbox, kept current by the live connection. */
export function InboxPage() {
  const me = useStaffMe();
  const live = useStaffLiveStatus();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const view = parseView(params.get('view'));
  const requested = params.get('service');
  const serviceId = me.services.some((s) => s.id === requested) ? requested : null;
  const label = INBOX_VIEWS.find((v) => v.id === view)!.label;
  usePageTitle(`${label} – Inbox`, STAFF_AREA);

  const query = useQuery({
    queryKey: staffKeys.inbox(view, serviceId),
    queryFn: async ({ signal }) => {
      const { conversations } = await listConversations(view, serviceId, signal);
      return { conversations: sortForView(view, conversations) };
    },
  });
  const serviceName = me.services.find((s) => s.id === serviceId)?.name;
  const caption = `${label} conversations${serviceName ? ` – ${serviceName}` : ''}`;

  return (
    <>
      <h1 className="nhsuk-heading-l">Inbox</h1>
      <InboxNav view={view} serviceId={serviceId} />
      {me.services.length > 1 && (
        <ServiceFilter services={me.services} value={serviceId} onApply={(id) => void navigate(inboxHref(view, id))} />
      )}
      <LiveStatusText status={live} />
      {query.isPending && <Loading what="Loading conversations" />}
      {query.isError && (
        <ProblemPanel heading="We could not load the inbox">
          <p>{errorMessage(query.error)}</p>
          <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => void query.refetch()}>
            Try again
          </button>
        </ProblemPanel>
      )}
      {query.data &&
        (query.data.conversations.length === 0 ? (
          <>
            <h2 className="nhsuk-heading-m">{caption}</h2>
            <p>{EMPTY[view]}</p>
          </>
        ) : (
          <InboxTable
            view={view}
            caption={`${caption} (${query.data.conversations.length})`}
            conversations={query.data.conversations}
          />
        ))}
    </>
  );
}
