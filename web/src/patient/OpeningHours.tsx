import type { OpeningPeriod } from '../shared/api/types.js';
import { formatHhMm } from '../shared/time/londonTime.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
// The week as people in the UK read it: Monday first.
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

export function hoursForDay(periods: OpeningPeriod[], day: number): string {
  const today = periods.filter((p) => p.day === day).sort((a, b) => a.start.localeCompare(b.start));
  if (today.length === 0) return 'Closed';
  return today.map((p) => `${formatHhMm(p.start)} to ${formatHhMm(p.end)}`).join(', ');
}

/** The weekly hours as a table inside a details element, so the page stays short on a phone. */
export function OpeningHours({ periods }: { periods: OpeningPeriod[] }) {
  return (
    <details className="nhsuk-details">
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">Opening hours</span>
      </summary>
      <div className="nhsuk-details__text">
        <table className="nhsuk-table app-hours-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Opening hours (UK time)</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header" scope="col">
                Day
              </th>
              <th className="nhsuk-table__header" scope="col">
                Hours
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {WEEK_ORDER.map((day) => (
              <tr className="nhsuk-table__row" key={day}>
                <th className="nhsuk-table__header" scope="row">
                  {DAYS[day]}
                </th>
                <td className="nhsuk-table__cell">{hoursForDay(periods, day)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">Times are UK time. We are closed on bank holidays.</p>
      </div>
    </details>
  );
}
