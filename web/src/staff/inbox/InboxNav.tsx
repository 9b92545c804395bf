import { Link } from 'react-router-dom';
import { INBOX_VIEWS, type InboxView } from './inboxViews.js';

export function inboxHref(view: InboxView, serviceId: string | null): string {
  const params = new URLSearchParams({ view });
  if (serviceId) params.set('service', serviceId);
  return `/staff?${params.toString()}`;
}

/** The four inbox views as links (bookmarkable, work without JavaScript tab behaviour). */
export function InboxNav({ view, serviceId }: { view: InboxView; serviceId: string | null }) {
  return (
    <nav className="app-view-nav" aria-label="Inbox views">
      <ul className="app-view-nav__list">
        {INBOX_VIEWS.map((v) => {
          const current = v.id === view;
          return (
            <li key={v.id} className={`app-view-nav__item${current ? ' app-view-nav__item--current' : ''}`}>
              <Link
                className="app-view-nav__link"
                to={inboxHref(v.id, serviceId)}
                aria-current={current ? 'page' : undefined}
              >
                {current ? <strong>{v.label}</strong> : v.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
