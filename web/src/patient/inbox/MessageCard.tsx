import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import type { InboxMessage } from '../../shared/api/types.js';
import { Time } from '../../shared/time/Time.js';
import { preview } from './markdown/plainText.js';
import { SenderTag } from './SenderTag.js';

/**
 * One message in the inbox: a clickable card (the link's area covers the card) whose link names
 * the sender, prefixed "Unread" for screen readers while unread, as the bold text shows sighted users.
 */
export function MessageCard({ message, now }: { message: InboxMessage; now: Date }) {
  const unread = !message.read;
  const text = useMemo(() => preview(message.content), [message.content]);
  return (
    <li className={unread ? 'app-inbox__item app-inbox__item--unread' : 'app-inbox__item'}>
      <div className="nhsuk-card nhsuk-card--clickable app-inbox__card">
        <div className="nhsuk-card__content">
          <h2 className="nhsuk-card__heading nhsuk-heading-s app-inbox__sender">
            <Link className="nhsuk-card__link" to={`/inbox/${encodeURIComponent(message.id)}`}>
              {unread && <span className="nhsuk-u-visually-hidden">Unread: </span>}
              {message.sender.name}
            </Link>
          </h2>
          <p className="nhsuk-u-margin-bottom-2">
            <SenderTag verified={message.sender.verified} />
          </p>
          <p className="app-inbox__preview">{text}</p>
          <p className="nhsuk-body-s app-inbox__date">
            Sent <Time iso={message.sentAt} now={now} />
          </p>
        </div>
      </div>
    </li>
  );
}
