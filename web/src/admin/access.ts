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
export const CAMPAIGNS_HREF = `${ADMIN_HOME}/campaigns`;
/** The campaign id is the sender's own text (slashes included), so it travels as a query value, as in the API. */
export const campaignHref = (clientId: string, campaignId: string) =>
  `${CAMPAIGNS_HREF}/${encodeURIComponent(clientId)}?${new URLSearchParams({ campaign: campaignId }).toString()}`;
