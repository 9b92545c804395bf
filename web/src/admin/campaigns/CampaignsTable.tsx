import { Link } from 'react-router-dom';
import { Time } from '../../shared/time/Time.js';
import { campaignHref } from '../access.js';
import { formatRate, type CampaignRow } from './campaignFigures.js';

/** One row per campaign of every sending system: to its page, with the headline figures. */
export function CampaignsTable({ rows }: { rows: CampaignRow[] }) {
  return (
    <table className="nhsuk-table app-admin-table">
      <caption className="nhsuk-table__caption nhsuk-table__caption--m">Campaigns ({rows.length})</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Campaign
          </th>
          <th className="nhsuk-table__header" scope="col">
            Sending system
          </th>
          <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
            Messages
          </th>
          <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
            Delivered
          </th>
          <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
            Read rate
          </th>
          <th className="nhsuk-table__header" scope="col">
            First sent
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {rows.map((c) => (
          <tr className="nhsuk-table__row" key={`${c.client.id} ${c.campaignId}`}>
            <td className="nhsuk-table__cell app-break-anywhere">
              <Link to={campaignHref(c.client.id, c.campaignId)}>{c.campaignId}</Link>
            </td>
            <td className="nhsuk-table__cell">
              {c.client.name}
              {c.client.disabled && (
                <span className="app-tag-block">
                  <strong className="nhsuk-tag nhsuk-tag--grey">Disabled</strong>
                </span>
              )}
            </td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{c.messages}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{c.delivered}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatRate(c.readRate)}</td>
            <td className="nhsuk-table__cell">
              <Time iso={c.firstSentAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
