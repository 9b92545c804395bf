import type { ReadRatePoint } from '../adminApi.js';
import { formatRate } from './campaignFigures.js';
import { hourRange, readRateChanges } from './readRateSeries.js';

/** The chart's figures as a table, behind a details control: every hour in which they changed. */
export function ReadRateTable({ points }: { points: ReadRatePoint[] }) {
  const rows = readRateChanges(points);
  return (
    <details className="nhsuk-details">
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">Read rate hour by hour, as a table</span>
      </summary>
      <div className="nhsuk-details__text">
        <table className="nhsuk-table app-admin-table">
          <caption className="nhsuk-table__caption nhsuk-table__caption--s">
            Figures at the end of each hour in which they changed (UK time)
          </caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header" scope="col">
                Hour
              </th>
              <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                Delivered
              </th>
              <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                Read
              </th>
              <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                Read rate
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {rows.map((p) => (
              <tr className="nhsuk-table__row" key={p.hour}>
                <th className="nhsuk-table__header" scope="row">
                  <time dateTime={p.hour}>{hourRange(p.hour)}</time>
                </th>
                <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{p.delivered}</td>
                <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{p.read}</td>
                <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatRate(p.readRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
