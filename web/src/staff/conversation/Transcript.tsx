import type { StaffMessage } from '../../shared/api/types.js';
import { Time } from '../../shared/time/Time.js';
import { useNow } from '../../shared/time/useNow.js';

function Entry({ m, displayName, now }: { m: StaffMessage; displayName: string; now: Date }) {
  const time = <Time iso={m.sentAt} now={now} />;
  switch (m.kind) {
    case 'note':
      return (
        <li className="app-thread__item app-thread__item--note">
          <div className="app-note">
            <p className="app-note__label">
              <strong>Internal note — not shown to the service user</strong>
            </p>
            <p className="app-message__meta">
              {m.author?.name ?? 'Staff'} · {time}
            </p>
            <p className="app-message__text">{m.text}</p>
          </div>
        </li>
      );
    case 'event':
      return (
        <li className="app-thread__item app-thread__item--event">
          <p className="app-event">
            {m.text} · {time}
          </p>
        </li>
      );
    case 'auto_ack':
    case 'out_of_hours':
      return (
        <li className="app-thread__item app-thread__item--system">
          <div className="nhsuk-inset-text app-system-reply">
            <p className="app-message__meta">
              <strong>
                {m.kind === 'out_of_hours' ? 'Automatic out-of-hours reply' : 'Automatic acknowledgement'}
              </strong>{' '}
              · {time}
            </p>
            <p className="app-message__text">{m.text}</p>
          </div>
        </li>
      );
    case 'message': {
      const fromUser = m.from === 'service_user';
      return (
        <li className={`app-thread__item app-thread__item--${fromUser ? 'theirs' : 'mine'}`}>
          <div className={`app-bubble app-bubble--${fromUser ? 'theirs' : 'mine'}`}>
            <p className="app-message__meta">
              <strong>{fromUser ? displayName : (m.author?.name ?? 'Staff')}</strong>
              <span className="nhsuk-u-visually-hidden">{fromUser ? ' (service user)' : ' (staff reply)'}</span> ·{' '}
              {time}
            </p>
            <p className="app-message__text">{m.text}</p>
          </div>
        </li>
      );
    }
  }
}

/** The full transcript, including internal notes and events, which the service user never sees. */
export function Transcript({ messages, displayName }: { messages: StaffMessage[]; displayName: string }) {
  const now = useNow();
  return (
    <div role="log" aria-label="Transcript" className="app-thread-wrapper">
      <ol className="app-thread">
        {messages.map((m) => (
          <Entry key={m.id} m={m} displayName={displayName} now={now} />
        ))}
      </ol>
    </div>
  );
}
