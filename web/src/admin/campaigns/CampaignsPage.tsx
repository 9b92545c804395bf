import { Loading } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { STAFF_AREA } from '../../staff/useMe.js';
import { ADMIN_HOME } from '../access.js';
import { BackLink } from '../BackLink.js';
import { LoadProblem } from '../LoadProblem.js';
import { useApiClients, useCampaignsOfClients } from '../queries.js';
import { CAMPAIGN_ID_SYSTEM, campaignRows } from './campaignFigures.js';
import { CampaignsTable } from './CampaignsTable.js';
import { DeliveredNote } from './DeliveredNote.js';

/** /staff/admin/campaigns — organisation admins: every campaign of the organisation's sending systems. */
export function CampaignsPage() {
  usePageTitle('Campaigns', STAFF_AREA);
  const clients = useApiClients();
  const campaigns = useCampaignsOfClients(clients.data);
  const failed = campaigns.find((q) => q.isError);
  const loaded = clients.data !== undefined && campaigns.every((q) => q.isSuccess);
  const rows = loaded
    ? campaignRows(
        clients.data,
        campaigns.map((q) => q.data),
      )
    : [];

  return (
    <>
      <BackLink to={ADMIN_HOME}>Back to administration</BackLink>
      <h1 className="nhsuk-heading-l">Campaigns</h1>
      <p>
        Messages that sending systems mark with a campaign id (<code>{CAMPAIGN_ID_SYSTEM}</code>), counted by status,
        with how many patients have read them.
      </p>
      {(clients.isPending || (clients.isSuccess && !loaded && !failed)) && <Loading what="Loading campaigns" />}
      {clients.isError && (
        <LoadProblem
          heading="We could not load your sending systems"
          error={clients.error}
          onRetry={() => void clients.refetch()}
        />
      )}
      {failed && (
        <LoadProblem
          heading="We could not load campaigns"
          error={failed.error}
          onRetry={() => campaigns.filter((q) => q.isError).forEach((q) => void q.refetch())}
        />
      )}
      {loaded &&
        (clients.data.length === 0 ? (
          <p>
            Your organisation has no sending systems yet. Campaigns appear here once a sending system sends messages
            with a campaign id.
          </p>
        ) : rows.length === 0 ? (
          <p>There are no campaigns yet. They appear here once a sending system sends messages with a campaign id.</p>
        ) : (
          <>
            <CampaignsTable rows={rows} />
            <DeliveredNote />
          </>
        ))}
    </>
  );
}
