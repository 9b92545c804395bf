import { Outlet } from 'react-router-dom';
import { PageShell } from '../shared/layout/PageShell.js';
import { StaffHeader } from './StaffHeader.js';

/** Sign-in and two-step set-up pages: the staff header without an account area. */
export function StaffPublicLayout() {
  return (
    <PageShell header={<StaffHeader />}>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <Outlet />
        </div>
      </div>
    </PageShell>
  );
}
