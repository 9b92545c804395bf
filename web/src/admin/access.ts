import type { Me } from '../shared/api/types.js';

/** Organisation admins administer every service; service admins the services where they hold that role. */
export function isAdministrator(me: Me): boolean {
  return me.isOrgAdmin || me.services.some((s) => s.role === 'service_admin');
}

export const ADMIN_HOME = '/staff/admin';
export const serviceHref = (id: string, page: '' | 'hours' | 'closures' = '') =>
  `${ADMIN_HOME}/services/${encodeURIComponent(id)}${page ? `/${page}` : ''}`;
export const STAFF_LIST_HREF = `${ADMIN_HOME}/staff`;
export const staffMemberHref = (id: string) => `${STAFF_LIST_HREF}/${encodeURIComponent(id)}`;
