import type { Closure } from '../adminApi.js';
import { formatFull } from '../../shared/time/londonTime.js';

function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatFull(iso)}</time>;
}

export function ClosuresTable({ closures, onDelete }: { closures: Closure[]; onDelete: (c: Closure) => void }) {
  return (
    <table className="nhsuk-table app-admin-table">
      <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
        Current and upcoming closures (UK time)
      </caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Starts
          </th>
          <th className="nhsuk-table__header" scope="col">
            Ends
          </th>
          <th className="nhsuk-table__header" scope="col">
            Reason
          </th>
          <th className="nhsuk-table__header" scope="col">
            <span className="nhsuk-u-visually-hidden">Action</span>
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {closures.map((c) => (
          <tr className="nhsuk-table__row" key={c.id}>
            <td className="nhsuk-table__cell">
              <When iso={c.startsAt} />
              {c.current && (
                <span className="app-tag-block">
                  <strong className="nhsuk-tag nhsuk-tag--yellow">Closed now</strong>
                </span>
              )}
            </td>
            <td className="nhsuk-table__cell">
              <When iso={c.endsAt} />
            </td>
            <td className="nhsuk-table__cell">
              {c.reason || <span className="nhsuk-u-secondary-text-colour">No reason given</span>}
            </td>
            <td className="nhsuk-table__cell">
              <button
                className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                type="button"
                id={`delete-${c.id}`}
                onClick={() => onDelete(c)}
              >
                Delete<span className="nhsuk-u-visually-hidden"> closure from {formatFull(c.startsAt)}</span>
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
