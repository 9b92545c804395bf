import { Outlet } from 'react-router-dom';
import { NotFoundPage } from '../shared/NotFoundPage.js';
import { STAFF_AREA } from '../staff/useMe.js';
import { useStaffMe } from '../staff/useStaffMe.js';
import { isAdministrator } from './access.js';
import './admin.css';

/**
 * /staff/admin/* — for organisation admins and service admins only. Anyone else sees "Page not
 * found", as the API answers them 404: the administration area is absent, not forbidden.
 */
export function AdminLayout() {
  const me = useStaffMe();
  if (!isAdministrator(me)) return <NotFoundPage area={STAFF_AREA} />;
  return <Outlet context={me} />;
}
