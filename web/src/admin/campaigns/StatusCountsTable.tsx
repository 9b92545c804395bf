import { statusRows } from './campaignFigures.js';

/** Messages by their latest status, with what each status means, and the total. */
export function StatusCountsTable({ byStatus, messages }: { byStatus: Record<string, number>; messages: number }) {
  return (
    <table className="nhsuk-table app-admin-table">
      <caption className="nhsuk-table__caption nhsuk-table__caption--m">Messages by status</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Status
          </th>
          <th className="nhsuk-table__header" scope="col">
            What it means
          </th>
          <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
            Messages
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {statusRows(byStatus).map((row) => (
          <tr className="nhsuk-table__row" key={row.status}>
            <th className="nhsuk-table__header" scope="row">
              {row.label}
            </th>
            <td className="nhsuk-table__cell">{row.meaning}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{row.count}</td>
          </tr>
        ))}
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="row">
            All messages
          </th>
          <td className="nhsuk-table__cell" />
          <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
            <strong>{messages}</strong>
          </td>
        </tr>
      </tbody>
    </table>
  );
}
