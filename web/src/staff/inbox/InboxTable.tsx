import { Link } from 'react-router-dom';
import type { ConversationSummary } from '../../shared/api/types.js';
import { Time } from '../../shared/time/Time.js';
import { useNow } from '../../shared/time/useNow.js';
import { DueCell, WaitingCell } from './DueCell.js';
import type { InboxView } from './inboxViews.js';

function Unread({ count }: { count: number }) {
  if (count === 0) return <span className="nhsuk-u-secondary-text-colour">0</span>;
  return (
    <strong className="nhsuk-tag nhsuk-tag--blue">
      {count}
      <span className="nhsuk-u-visually-hidden"> unread</span>
    </strong>
  );
}

type Props = { view: InboxView; caption: string; conversations: ConversationSummary[] };

export function InboxTable({ view, caption, conversations }: Props) {
  const now = useNow();
  const closed = view === 'closed';
  return (
    <table className="nhsuk-table app-inbox-table">
      <caption className="nhsuk-table__caption nhsuk-table__caption--m">{caption}</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Name
          </th>
          <th className="nhsuk-table__header" scope="col">
            Service
          </th>
          <th className="nhsuk-table__header" scope="col">
            {closed ? 'Closed' : 'Waiting'}
          </th>
          <th className="nhsuk-table__header" scope="col">
            {closed ? 'Outcome' : 'Response due'}
          </th>
          <th className="nhsuk-table__header" scope="col">
            Assigned to
          </th>
          <th className="nhsuk-table__header" scope="col">
            Unread
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {conversations.map((c) => (
          <tr className="nhsuk-table__row" key={c.id}>
            <td className="nhsuk-table__cell">
              <Link to={`/staff/conversations/${encodeURIComponent(c.id)}`}>{c.displayName}</Link>
              {c.ageRange && <span className="nhsuk-body-s app-cell-sub">Age {c.ageRange}</span>}
            </td>
            <td className="nhsuk-table__cell">{c.serviceName}</td>
            <td className="nhsuk-table__cell">
              {closed ? (
                c.closedAt ? (
                  <Time iso={c.closedAt} now={now} />
                ) : (
                  ''
                )
              ) : (
                <WaitingCell since={c.waitingSince} now={now} />
              )}
            </td>
            <td className="nhsuk-table__cell">
              {closed ? (c.outcome ?? '') : <DueCell dueAt={c.responseDueAt} now={now} />}
            </td>
            <td className="nhsuk-table__cell">
              {c.assignedTo ? c.assignedTo.name : <span className="nhsuk-u-secondary-text-colour">Nobody</span>}
            </td>
            <td className="nhsuk-table__cell">
              <Unread count={c.unreadCount} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
