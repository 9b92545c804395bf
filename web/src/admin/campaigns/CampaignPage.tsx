import type { ReactNode } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { isApiError } from '../../shared/api/http.js';
import { Loading } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { formatFull } from '../../shared/time/londonTime.js';
import { STAFF_AREA } from '../../staff/useMe.js';
import { CAMPAIGNS_HREF } from '../access.js';
import { campaignCsvUrl } from '../adminApi.js';
import { BackLink } from '../BackLink.js';
import { LoadProblem } from '../LoadProblem.js';
import { useApiClients, useCampaignReadRate, useClientCampaigns } from '../queries.js';
import { formatRate } from './campaignFigures.js';
import { DeliveredNote } from './DeliveredNote.js';
import { ReadRateChart } from './ReadRateChart.js';
import { readRateSummary } from './readRateSeries.js';
import { ReadRateTable } from './ReadRateTable.js';
import { StatusCountsTable } from './StatusCountsTable.js';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

/**
 * /staff/admin/campaigns/:clientId?campaign=<campaign id> — one campaign of one sending system:
 * headline figures, messages by status, the read rate over time, and the CSV export. There is no
 * single-campaign endpoint, so the figures come from the client's list of campaigns.
 */
export function CampaignPage() {
  const clientId = useParams().clientId ?? '';
  const campaignId = useSearchParams()[0].get('campaign') ?? '';
  const clients = useApiClients();
  const campaigns = useClientCampaigns(clientId);
  const readRate = useCampaignReadRate(clientId, campaignId);
  const client = clients.data?.find((c) => c.id === clientId);
  const campaign = campaigns.data?.find((c) => c.campaignId === campaignId);
  // Another organisation's client answers 404, exactly like one that does not exist; a mangled link 400.
  const refused = isApiError(campaigns.error, 404) || isApiError(campaigns.error, 400);
  const missing = (campaigns.isSuccess && !campaign) || refused || (clients.isSuccess && !client);
  usePageTitle(
    campaign ? `${campaign.campaignId} – Campaigns` : missing ? 'Campaign not found' : 'Campaign',
    STAFF_AREA,
  );

  if (!campaign || !client) {
    return (
      <>
        <BackLink to={CAMPAIGNS_HREF}>Back to campaigns</BackLink>
        <h1>{missing ? 'Campaign not found' : 'Campaign'}</h1>
        {!missing && (clients.isPending || campaigns.isPending) && <Loading what="Loading the campaign" />}
        {missing && <p>There is no campaign with this link among your organisation’s sending systems.</p>}
        {clients.isError && (
          <LoadProblem
            heading="We could not load your sending systems"
            error={clients.error}
            onRetry={() => void clients.refetch()}
          />
        )}
        {campaigns.isError && !missing && (
          <LoadProblem
            heading="We could not load this campaign"
            error={campaigns.error}
            onRetry={() => void campaigns.refetch()}
          />
        )}
      </>
    );
  }

  return (
    <>
      <BackLink to={CAMPAIGNS_HREF}>Back to campaigns</BackLink>
      <h1 className="nhsuk-heading-l app-break-anywhere">
        <span className="nhsuk-caption-l">
          Campaign
          <span className="nhsuk-u-visually-hidden"> – </span>
        </span>
        {campaign.campaignId}
      </h1>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <dl className="nhsuk-summary-list">
            <Row label="Sending system">
              {client.name} ({client.odsCode})
            </Row>
            <Row label="First sent">
              <time dateTime={campaign.firstSentAt}>{formatFull(campaign.firstSentAt)}</time>
            </Row>
            <Row label="Messages">{campaign.messages}</Row>
            <Row label="Delivered">{campaign.delivered}</Row>
            <Row label="Read">
              {campaign.read} ({formatRate(campaign.readRate)} of delivered messages)
            </Row>
            {campaign.notificationOnly > 0 && (
              <Row label="Notification only">
                {campaign.notificationOnly} (not in an inbox, so not in the read rate)
              </Row>
            )}
          </dl>
          <p>
            <a href={campaignCsvUrl(client.id, campaign.campaignId)} download>
              Download this campaign’s messages as a CSV file
            </a>
          </p>
          <p className="nhsuk-hint">
            One line per message: its communication id, request id, status, and when it was sent and read. No NHS
            numbers and no message content. Each download is recorded in the audit log.
          </p>
        </div>
      </div>
      <StatusCountsTable byStatus={campaign.byStatus} messages={campaign.messages} />
      <DeliveredNote />
      <section aria-labelledby="read-rate-heading" className="app-section">
        <h2 className="nhsuk-heading-m" id="read-rate-heading">
          Read rate over time
        </h2>
        {readRate.isPending && <Loading what="Loading the read rate" />}
        {readRate.isError && (
          <LoadProblem
            heading="We could not load the read rate"
            error={readRate.error}
            onRetry={() => void readRate.refetch()}
          />
        )}
        {readRate.data &&
          (readRate.data.points.length === 0 ? (
            <p>{readRateSummary(readRate.data.points)}</p>
          ) : (
            <>
              <ReadRateChart points={readRate.data.points} truncated={readRate.data.truncated} />
              <ReadRateTable points={readRate.data.points} />
            </>
          ))}
      </section>
    </>
  );
}
