import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Loading } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { STAFF_AREA } from '../../staff/useMe.js';
import { ADMIN_HOME, serviceHref } from '../access.js';
import type { AdminService } from '../adminApi.js';
import { BackLink } from '../BackLink.js';
import { LoadProblem } from '../LoadProblem.js';
import { useAdminServices } from '../queries.js';

type Page = '' | 'hours' | 'closures';

const PAGES: { page: Page; label: string }[] = [
  { page: '', label: 'Settings' },
  { page: 'hours', label: 'Opening hours' },
  { page: 'closures', label: 'Closures' },
];

type Props = { page: Page; children: (service: AdminService) => ReactNode };

/** The page title of a loaded service page; called by the page itself, which knows about its errors. */
export function useServicePageTitle(service: AdminService, page: Page, hasError: boolean): void {
  usePageTitle(`${PAGES.find((p) => p.page === page)!.label} – ${service.name}`, STAFF_AREA, hasError);
}

function TitleWhileLoading({ title }: { title: string }) {
  usePageTitle(title, STAFF_AREA);
  return null;
}

/**
 * The frame of a service's administration pages: back link, one h1 (the page, with the service
 * as its caption), links between settings, opening hours and closures, then the page itself.
 * There is no single-service endpoint, so the service comes from the list the member administers.
 */
export function ServiceFrame({ page, children }: Props) {
  const id = useParams().id ?? '';
  const services = useAdminServices();
  const service = services.data?.find((s) => s.id === id);
  const label = PAGES.find((p) => p.page === page)!.label;
  const missing = services.isSuccess && !service;

  if (!service) {
    return (
      <>
        <TitleWhileLoading title={missing ? 'Service not found' : label} />
        <BackLink to={ADMIN_HOME}>Back to administration</BackLink>
        <h1>{missing ? 'Service not found' : label}</h1>
        {services.isPending && <Loading what="Loading the service" />}
        {missing && <p>The service does not exist, or you do not administer it.</p>}
        {services.isError && (
          <LoadProblem
            heading="We could not load this service"
            error={services.error}
            onRetry={() => void services.refetch()}
          />
        )}
      </>
    );
  }
  return (
    <>
      <BackLink to={ADMIN_HOME}>Back to administration</BackLink>
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-l">
          {service.name}
          <span className="nhsuk-u-visually-hidden"> – </span>
        </span>
        {label}
      </h1>
      <nav className="app-view-nav" aria-label="Service administration">
        <ul className="app-view-nav__list">
          {PAGES.map((p) => {
            const current = p.page === page;
            return (
              <li key={p.page} className={`app-view-nav__item${current ? ' app-view-nav__item--current' : ''}`}>
                <Link
                  className="app-view-nav__link"
                  to={serviceHref(service.id, p.page)}
                  aria-current={current ? 'page' : undefined}
                >
                  {current ? <strong>{p.label}</strong> : p.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      {children(service)}
    </>
  );
}
