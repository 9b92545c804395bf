import { Link } from 'react-router-dom';
import { serviceHref } from '../access.js';
import type { AdminService } from '../adminApi.js';
import { summariseHours } from '../hoursSummary.js';

/** Name (to its settings), public web address, whether it is active, and its weekly hours in words. */
export function ServicesTable({ services }: { services: AdminService[] }) {
  return (
    <table className="nhsuk-table app-admin-table">
      <caption className="nhsuk-table__caption nhsuk-table__caption--m">Services ({services.length})</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Service
          </th>
          <th className="nhsuk-table__header" scope="col">
            Web address
          </th>
          <th className="nhsuk-table__header" scope="col">
            Status
          </th>
          <th className="nhsuk-table__header" scope="col">
            Opening hours (UK time)
          </th>
          <th className="nhsuk-table__header" scope="col">
            <span className="nhsuk-u-visually-hidden">More</span>
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {services.map((s) => (
          <tr className="nhsuk-table__row" key={s.id}>
            <td className="nhsuk-table__cell">
              <Link to={serviceHref(s.id)}>{s.name}</Link>
            </td>
            <td className="nhsuk-table__cell">
              {s.active ? <Link to={`/s/${s.slug}`}>/s/{s.slug}</Link> : <>/s/{s.slug}</>}
            </td>
            <td className="nhsuk-table__cell">
              {s.active ? (
                <strong className="nhsuk-tag nhsuk-tag--green">Active</strong>
              ) : (
                <strong className="nhsuk-tag nhsuk-tag--grey">Inactive</strong>
              )}
            </td>
            <td className="nhsuk-table__cell">{summariseHours(s.weekly)}</td>
            <td className="nhsuk-table__cell">
              <ul className="app-admin-list-plain">
                <li>
                  <Link to={serviceHref(s.id, 'hours')}>
                    Opening hours<span className="nhsuk-u-visually-hidden"> for {s.name}</span>
                  </Link>
                </li>
                <li>
                  <Link to={serviceHref(s.id, 'closures')}>
                    Closures<span className="nhsuk-u-visually-hidden"> for {s.name}</span>
                  </Link>
                </li>
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
