import type { FastifyRequest } from 'fastify';
import { NotFound, Unauthenticated } from '../platform/http/errors.js';

export type Role = 'clinician' | 'supervisor' | 'service_admin';

/** Who is calling, and with which rights: every staff route scopes its queries by this. */
export type StaffContext = {
  staffId: string;
  organisationId: string;
  isOrgAdmin: boolean;
  /** serviceId → the caller's role in that service. */
  roles: ReadonlyMap<string, Role>;
  ip: string | null;
};

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the session hook for a signed-in member of staff who has passed MFA where required. */
    staff: StaffContext | null;
  }
}

export function requireStaff(request: FastifyRequest): StaffContext {
  if (!request.staff) throw new Unauthenticated();
  return request.staff;
}

const RANK: Record<Role, number> = { clinician: 1, supervisor: 2, service_admin: 3 };

/**
 * Whether the caller holds at least `min` in the service. Organisation admins administer
 * services but do not read conversations unless they are also members: least privilege.
 */
export function hasServiceRole(staff: StaffContext, serviceId: string, min: Role): boolean {
  const role = staff.roles.get(serviceId);
  return role !== undefined && RANK[role] >= RANK[min];
}

/** Outside the caller's rights answers exactly like a missing record. */
export function requireServiceRole(staff: StaffContext, serviceId: string, min: Role, what = 'Conversation'): void {
  if (!hasServiceRole(staff, serviceId, min)) throw new NotFound(what);
}
