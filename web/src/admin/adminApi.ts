import { apiRequest } from '../shared/api/http.js';
import type { OpeningPeriod, StaffRole } from '../shared/api/types.js';

/** Shapes of the administration API (docs/API.md "Administration", src/organisations/admin/schemas.ts). */

export type Nation = 'england-and-wales' | 'scotland' | 'northern-ireland';

export type AdminService = {
  id: string;
  slug: string;
  name: string;
  audience: string;
  description: string;
  contactPromise: string;
  nation: Nation;
  asksFirstName: boolean;
  asksAgeRange: boolean;
  asksSchool: boolean;
  ageRanges: string[];
  outcomes: string[];
  welcomeMessage: string;
  outOfHoursMessage: string;
  responseTargetWorkingHours: number;
  weekly: OpeningPeriod[];
  active: boolean;
};

/** Any settings to change; the server refuses an empty patch. */
export type ServicePatch = Partial<Omit<AdminService, 'id' | 'slug' | 'weekly'>>;

export type Closure = { id: string; startsAt: string; endsAt: string; reason: string; current: boolean };

export type Membership = { serviceId: string; role: StaffRole };

export type AdminStaff = {
  id: string;
  name: string;
  email: string;
  isOrgAdmin: boolean;
  disabled: boolean;
  memberships: Membership[];
};

/** A sending system of the outbound API (docs/API.md "Administration"); only what the console shows. */
export type ApiClient = { id: string; name: string; odsCode: string; disabled: boolean; createdAt: string };

/**
 * One campaign of a sending system (docs/API.md "Campaigns"): messages by their latest status
 * (NHS App receipt codes), every channel counted; `delivered`, the in-app messages that reached an
 * inbox; `read`, how many of those were opened; and the read rate, `read / delivered` (0 to 1).
 * Notification-only messages are never in an inbox, so they are in `messages`, `byStatus` and
 * `notificationOnly` but not in the read rate.
 */
export type CampaignSummary = {
  campaignId: string;
  messages: number;
  byStatus: Record<string, number>;
  delivered: number;
  read: number;
  readRate: number;
  notificationOnly: number;
  firstSentAt: string;
};

/** Cumulative figures at the end of one hour (`hour` is its start). */
export type ReadRatePoint = { hour: string; delivered: number; read: number; readRate: number };

/** The read rate hour by hour; `truncated` when the campaign spans more hours than the API answers (the newest are). */
export type ReadRate = { points: ReadRatePoint[]; truncated: boolean };

export type NewStaff = {
  email: string;
  name: string;
  password: string;
  isOrgAdmin: boolean;
  memberships: Membership[];
};

// Under 'staff' so the query cache's 401 handling (re-check /me, then sign in) applies here too.
export const adminKeys = {
  all: ['staff', 'admin'] as const,
  services: ['staff', 'admin', 'services'] as const,
  closures: (serviceId: string) => ['staff', 'admin', 'closures', serviceId] as const,
  staff: ['staff', 'admin', 'staff'] as const,
  apiClients: ['staff', 'admin', 'api-clients'] as const,
  campaigns: (clientId: string) => ['staff', 'admin', 'campaigns', clientId] as const,
  readRate: (clientId: string, campaignId: string) => ['staff', 'admin', 'read-rate', clientId, campaignId] as const,
};

const servicePath = (id: string) => `/api/admin/services/${encodeURIComponent(id)}`;
const staffPath = (id: string) => `/api/admin/staff/${encodeURIComponent(id)}`;
const campaignsPath = (clientId: string) => `/api/admin/api-clients/${encodeURIComponent(clientId)}/campaigns`;
// Campaign ids are the sender's own text (slashes included), so the API takes them as a query value.
const campaignQuery = (campaignId: string) => `?${new URLSearchParams({ campaignId }).toString()}`;

export const listServices = (signal?: AbortSignal) =>
  apiRequest<{ services: AdminService[] }>('/api/admin/services', { signal });
export const createService = (body: { slug: string; name: string }) =>
  apiRequest<AdminService>('/api/admin/services', { method: 'POST', body });
export const updateService = (id: string, patch: ServicePatch) =>
  apiRequest<AdminService>(servicePath(id), { method: 'PATCH', body: patch });
export const replaceHours = (id: string, weekly: OpeningPeriod[]) =>
  apiRequest<AdminService>(`${servicePath(id)}/hours`, { method: 'PUT', body: { weekly } });

export const listClosures = (serviceId: string, signal?: AbortSignal) =>
  apiRequest<{ closures: Closure[] }>(`${servicePath(serviceId)}/closures`, { signal });
export const addClosure = (serviceId: string, body: { startsAt: string; endsAt: string; reason: string }) =>
  apiRequest<Closure>(`${servicePath(serviceId)}/closures`, { method: 'POST', body });
export const deleteClosure = (serviceId: string, closureId: string) =>
  apiRequest<void>(`${servicePath(serviceId)}/closures/${encodeURIComponent(closureId)}`, { method: 'DELETE' });

export const listStaff = (signal?: AbortSignal) => apiRequest<{ staff: AdminStaff[] }>('/api/admin/staff', { signal });
export const createStaff = (body: NewStaff) => apiRequest<AdminStaff>('/api/admin/staff', { method: 'POST', body });
export const replaceMemberships = (staffId: string, memberships: Membership[]) =>
  apiRequest<AdminStaff>(`${staffPath(staffId)}/memberships`, { method: 'PUT', body: { memberships } });
export const disableStaff = (staffId: string) =>
  apiRequest<{ id: string; disabled: true; sessionsRevoked: number }>(`${staffPath(staffId)}/disable`, {
    method: 'POST',
  });

export const listApiClients = (signal?: AbortSignal) =>
  apiRequest<{ clients: ApiClient[] }>('/api/admin/api-clients', { signal });
export const listCampaigns = (clientId: string, signal?: AbortSignal) =>
  apiRequest<{ campaigns: CampaignSummary[] }>(campaignsPath(clientId), { signal });
export const campaignReadRate = (clientId: string, campaignId: string, signal?: AbortSignal) =>
  apiRequest<ReadRate>(`${campaignsPath(clientId)}/read-rate${campaignQuery(campaignId)}`, { signal });
/**
 * The CSV export, for a plain download link: the session cookie (SameSite=Strict) goes with a
 * same-origin GET, and the server records the export in the audit log.
 */
export const campaignCsvUrl = (clientId: string, campaignId: string) =>
  `${campaignsPath(clientId)}/export.csv${campaignQuery(campaignId)}`;
