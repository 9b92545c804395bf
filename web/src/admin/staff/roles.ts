import type { StaffRole } from '../../shared/api/types.js';
import type { AdminService, Membership } from '../adminApi.js';

export const ROLE_LABELS: Record<StaffRole, string> = {
  clinician: 'Clinician',
  supervisor: 'Supervisor',
  service_admin: 'Service admin',
};

/** Options for a role select; "" means no role in that service. */
export const ROLE_OPTIONS = [
  { value: '', label: 'No access' },
  ...(['clinician', 'supervisor', 'service_admin'] as const).map((r) => ({ value: r, label: ROLE_LABELS[r] })),
];

/** Role per service id, as the membership selects hold it. */
export type RoleChoices = Record<string, StaffRole | ''>;

export function choicesFrom(memberships: Membership[], services: AdminService[]): RoleChoices {
  const choices: RoleChoices = {};
  for (const s of services) choices[s.id] = memberships.find((m) => m.serviceId === s.id)?.role ?? '';
  return choices;
}

export function membershipsFrom(choices: RoleChoices): Membership[] {
  return Object.entries(choices).flatMap(([serviceId, role]) => (role ? [{ serviceId, role }] : []));
}

export const roleSelectId = (serviceId: string) => `role-${serviceId}`;

/** A service's name, with its web address when another service has the same name. */
export function serviceLabel(service: AdminService, all: AdminService[]): string {
  const shared = all.some((s) => s.id !== service.id && s.name === service.name);
  return shared ? `${service.name} (/s/${service.slug})` : service.name;
}
