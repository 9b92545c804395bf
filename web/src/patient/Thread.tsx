import type { PublicMessage } from '../shared/api/types.js';
import { Time } from '../shared/time/Time.js';
import { useNow } from '../shared/time/useNow.js';

function MessageItem({ message, now }: { message: PublicMessage; now: Date }) {
  switch (message.from) {
    case 'system':
      return (
        <li className="app-thread__item app-thread__item--system">
          <div className="nhsuk-inset-text app-system-reply">
            <p className="app-message__meta">
              <strong>{message.kind === 'out_of_hours' ? 'Automatic reply: we are closed' : 'Automatic reply'}</strong>
              {' · '}
              <Time iso={message.sentAt} now={now} />
            </p>
            <p className="app-message__text">{message.text}</p>
          </div>
        </li>
      );
    case 'team':
      return (
        <li className="app-thread__item app-thread__item--theirs">
          <div className="app-bubble app-bubble--theirs">
            <p className="app-message__meta">
              <strong>{message.authorName ?? 'The team'}</strong>
              <span className="nhsuk-u-visually-hidden"> from the team</span>
              {' · '}
              <Time iso={message.sentAt} now={now} />
            </p>
            <p className="app-message__text">{message.text}</p>
          </div>
        </li>
      );
    case 'you':
      return (
        <li className="app-thread__item app-thread__item--mine">
          <div className="app-bubble app-bubble--mine">
            <p className="app-message__meta">
              <strong>You</strong>
              {' · '}
              <Time iso={message.sentAt} now={now} />
            </p>
            <p className="app-message__text">{message.text}</p>
          </div>
        </li>
      );
  }
}

/**
 * The conversation, oldest first. Text is always rendered as React text, never as HTML. The
 * list is a polite live region so replies that arrive while reading are announced.
 */
export function Thread({ messages }: { messages: PublicMessage[] }) {
  const now = useNow();
  return (
    <div role="log" aria-label="Messages" className="app-thread-wrapper">
      {messages.length === 0 ? (
        <p>No messages yet.</p>
      ) : (
        <ol className="app-thread">
          {messages.map((m) => (
            <MessageItem key={m.id} message={m} now={now} />
          ))}
        </ol>
      )}
    </div>
  );
}
