import { Link } from 'react-router-dom';
import { staffMemberHref } from '../access.js';
import type { AdminService, AdminStaff, Membership } from '../adminApi.js';
import { ROLE_LABELS, serviceLabel } from './roles.js';

type Props = { staff: AdminStaff[]; services: AdminService[]; meId: string };

/** Every account the administrator can see, with its roles in the services they administer. */
export function StaffTable({ staff, services, meId }: Props) {
  const serviceName = (id: string) => {
    const service = services.find((s) => s.id === id);
    return service ? serviceLabel(service, services) : 'Another service';
  };
  const byName = (ms: Membership[]) =>
    [...ms].sort((a, b) => serviceName(a.serviceId).localeCompare(serviceName(b.serviceId)));
  if (staff.length === 0) return <p>There are no staff accounts in your services yet.</p>;
  return (
    <table className="nhsuk-table app-admin-table">
      <caption className="nhsuk-table__caption nhsuk-table__caption--m">Staff accounts ({staff.length})</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Name
          </th>
          <th className="nhsuk-table__header" scope="col">
            Email
          </th>
          <th className="nhsuk-table__header" scope="col">
            Organisation admin
          </th>
          <th className="nhsuk-table__header" scope="col">
            Account
          </th>
          <th className="nhsuk-table__header" scope="col">
            Services and roles
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {staff.map((m) => (
          <tr className="nhsuk-table__row" key={m.id}>
            <td className="nhsuk-table__cell">
              <Link to={staffMemberHref(m.id)}>{m.name}</Link>
              {m.id === meId && <span className="nhsuk-body-s app-cell-sub">You</span>}
            </td>
            <td className="nhsuk-table__cell">{m.email}</td>
            <td className="nhsuk-table__cell">{m.isOrgAdmin ? 'Yes' : 'No'}</td>
            <td className="nhsuk-table__cell">
              {m.disabled ? (
                <strong className="nhsuk-tag nhsuk-tag--grey">Disabled</strong>
              ) : (
                <strong className="nhsuk-tag nhsuk-tag--green">Active</strong>
              )}
            </td>
            <td className="nhsuk-table__cell">
              {m.memberships.length === 0 ? (
                <span className="nhsuk-u-secondary-text-colour">None</span>
              ) : (
                <ul className="app-admin-list-plain">
                  {byName(m.memberships).map((ms) => (
                    <li key={ms.serviceId}>
                      {serviceName(ms.serviceId)}: {ROLE_LABELS[ms.role]}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
