import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import { Loading } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { STAFF_AREA } from '../../staff/useMe.js';
import { useStaffMe } from '../../staff/useStaffMe.js';
import { CAMPAIGNS_HREF, STAFF_LIST_HREF } from '../access.js';
import { LoadProblem } from '../LoadProblem.js';
import { useAdminServices } from '../queries.js';
import { CreateServiceForm } from './CreateServiceForm.js';
import { ServicesTable } from './ServicesTable.js';

/** /staff/admin — the services the member administers; organisation admins can also add one. */
export function AdminHomePage() {
  const me = useStaffMe();
  const services = useAdminServices();
  const [errors, setErrors] = useState<FieldError[]>([]);
  usePageTitle('Administration', STAFF_AREA, errors.length > 0);

  return (
    <>
      <h1 className="nhsuk-heading-l">Administration</h1>
      <ErrorSummary errors={errors} />
      <p>
        {me.isOrgAdmin
          ? `You are an organisation admin for ${me.organisation.name}: you can change every service, and create services and staff accounts.`
          : 'You can change the settings, opening hours and closures of the services you administer, and the roles of their staff.'}
      </p>
      <ul className="nhsuk-list">
        <li>
          <Link to={STAFF_LIST_HREF}>Staff</Link>
          {me.isOrgAdmin ? ': accounts, roles and disabling accounts' : ': roles in your services'}
        </li>
        {me.isOrgAdmin && (
          <li>
            <Link to={CAMPAIGNS_HREF}>Campaigns</Link>: messages your sending systems sent with a campaign id, counted
            by status, with read rates and a CSV export
          </li>
        )}
      </ul>
      {services.isPending && <Loading what="Loading services" />}
      {services.isError && (
        <LoadProblem
          heading="We could not load your services"
          error={services.error}
          onRetry={() => void services.refetch()}
        />
      )}
      {services.data &&
        (services.data.length === 0 ? (
          <>
            <h2 className="nhsuk-heading-m">Services</h2>
            <p>There are no services yet.</p>
          </>
        ) : (
          <ServicesTable services={services.data} />
        ))}
      {me.isOrgAdmin && <CreateServiceForm errors={errors} setErrors={setErrors} />}
    </>
  );
}
