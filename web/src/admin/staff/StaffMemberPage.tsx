import { useState, type ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { Loading } from '../../shared/layout/StatusPanels.js';
import { usePageTitle } from '../../shared/layout/usePageTitle.js';
import { STAFF_AREA } from '../../staff/useMe.js';
import { useStaffMe } from '../../staff/useStaffMe.js';
import { STAFF_LIST_HREF } from '../access.js';
import { BackLink } from '../BackLink.js';
import { SuccessBanner } from '../forms/SuccessBanner.js';
import { LoadProblem } from '../LoadProblem.js';
import { useAdminServices, useAdminStaff } from '../queries.js';
import { DisableAccount } from './DisableAccount.js';
import { MembershipsForm } from './MembershipsForm.js';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

/** /staff/admin/staff/:id — one account: its services and roles, and disabling it. */
export function StaffMemberPage() {
  const id = useParams().id ?? '';
  const me = useStaffMe();
  const staff = useAdminStaff();
  const services = useAdminServices();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState<{ n: number; heading: string; text: string } | null>(null);
  const member = staff.data?.find((m) => m.id === id);
  const missing = staff.isSuccess && !member;
  usePageTitle(
    member ? member.name : missing ? 'Staff member not found' : 'Staff member',
    STAFF_AREA,
    errors.length > 0,
  );

  if (!member || !services.data) {
    return (
      <>
        <BackLink to={STAFF_LIST_HREF}>Back to staff</BackLink>
        <h1>{missing ? 'Staff member not found' : 'Staff member'}</h1>
        {(staff.isPending || services.isPending) && <Loading what="Loading the account" />}
        {missing && <p>There is no account with this link in the services you administer.</p>}
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
      </>
    );
  }

  const announce = (heading: string, text: string) => setNotice((n) => ({ n: (n?.n ?? 0) + 1, heading, text }));
  return (
    <>
      <BackLink to={STAFF_LIST_HREF}>Back to staff</BackLink>
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-l">
          Staff
          <span className="nhsuk-u-visually-hidden"> – </span>
        </span>
        {member.name}
      </h1>
      {notice && (
        <SuccessBanner key={notice.n} heading={notice.heading}>
          <p className="nhsuk-body">{notice.text}</p>
        </SuccessBanner>
      )}
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <dl className="nhsuk-summary-list">
            <Row label="Email address">{member.email}</Row>
            <Row label="Organisation admin">{member.isOrgAdmin ? 'Yes' : 'No'}</Row>
            <Row label="Account">
              {member.disabled ? (
                <strong className="nhsuk-tag nhsuk-tag--grey">Disabled</strong>
              ) : (
                <strong className="nhsuk-tag nhsuk-tag--green">Active</strong>
              )}
            </Row>
          </dl>
          <MembershipsForm
            key={member.id}
            member={member}
            services={services.data}
            isSelf={member.id === me.id}
            errors={errors}
            setErrors={setErrors}
            onSaved={() => announce('Services and roles saved', `${member.name}’s roles have been updated.`)}
          />
          {me.isOrgAdmin && member.id !== me.id && !member.disabled && (
            <DisableAccount
              member={member}
              onConfirming={() => setNotice(null)}
              onDisabled={(revoked) =>
                announce(
                  'Account disabled',
                  `${member.name} can no longer sign in.${revoked === 0 ? '' : revoked === 1 ? ' They have been signed out of 1 session.' : ` They have been signed out of ${revoked} sessions.`}`,
                )
              }
            />
          )}
        </div>
      </div>
    </>
  );
}
