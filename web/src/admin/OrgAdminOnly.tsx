import { Outlet } from 'react-router-dom';
import { NotFoundPage } from '../shared/NotFoundPage.js';
import { STAFF_AREA } from '../staff/useMe.js';
import { useStaffMe } from '../staff/useStaffMe.js';

/**
 * Pages for organisation admins alone (inside AdminLayout). Service admins see "Page not found",
 * as the API answers them 404: these pages are absent for them, not forbidden.
 */
export function OrgAdminOnly() {
  const me = useStaffMe();
  if (!me.isOrgAdmin) return <NotFoundPage area={STAFF_AREA} />;
  return <Outlet context={me} />;
}
