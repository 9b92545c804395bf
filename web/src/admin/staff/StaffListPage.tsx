import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import { Loading } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { STAFF_AREA } from '../../staff/useMe.js';
import { useStaffMe } from '../../staff/useStaffMe.js';
import { ADMIN_HOME, staffMemberHref } from '../access.js';
import type { AdminStaff } from '../adminApi.js';
import { BackLink } from '../BackLink.js';
import { SuccessBanner } from '../forms/SuccessBanner.js';
import { LoadProblem } from '../LoadProblem.js';
import { useAdminServices, useAdminStaff } from '../queries.js';
import { CreateStaffForm } from './CreateStaffForm.js';
import { StaffTable } from './StaffTable.js';

/** /staff/admin/staff — accounts and their roles; organisation admins also create accounts here. */
export function StaffListPage() {
  const me = useStaffMe();
  const staff = useAdminStaff();
  const services = useAdminServices();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [created, setCreated] = useState<{ n: number; member: AdminStaff } | null>(null);
  usePageTitle('Staff', STAFF_AREA, errors.length > 0);

  return (
    <>
      <BackLink to={ADMIN_HOME}>Back to administration</BackLink>
      <h1 className="nhsuk-heading-l">Staff</h1>
      <ErrorSummary errors={errors} />
      {created && (
        <SuccessBanner key={created.n} heading={`Account created for ${created.member.name}`}>
          <p className="nhsuk-body">
            They can sign in with {created.member.email} and the password you chose.{' '}
            <Link to={staffMemberHref(created.member.id)}>Change {created.member.name}’s services and roles</Link>
          </p>
        </SuccessBanner>
      )}
      {!me.isOrgAdmin && <p>You can see and change the roles of staff in the services you administer.</p>}
      {(staff.isPending || services.isPending) && <Loading what="Loading staff" />}
      {staff.isError && (
        <LoadProblem heading="We could not load staff" error={staff.error} onRetry={() => void staff.refetch()} />
      )}
      {services.isError && (
        <LoadProblem
          heading="We could not load your services"
          error={services.error}
          onRetry={() => void services.refetch()}
        />
      )}
      {staff.data && services.data && <StaffTable staff={staff.data} services={services.data} meId={me.id} />}
      {me.isOrgAdmin && services.data && (
        <CreateStaffForm
          services={services.data}
          errors={errors}
          setErrors={setErrors}
          onCreated={(member) => setCreated((c) => ({ n: (c?.n ?? 0) + 1, member }))}
        />
      )}
    </>
  );
}
