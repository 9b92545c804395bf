import type { FastifyInstance } from 'fastify';
import type { Role } from '../../identity/staffContext.js';
import type { Deps } from '../../platform/deps.js';
import { makeOrganisation, makeService, makeStaff } from '../../testing/factories.js';
import { loginAs } from '../../testing/login.js';

/**
 * The people in the administration tests: an organisation admin, a service admin, a supervisor
 * and a clinician of one service, the admin of a sibling service, and an organisation admin of
 * another organisation — the last four must be unable to change anything in the first service.
 */
export async function makeAdminParties(app: FastifyInstance, deps: Deps) {
  const org = await makeOrganisation(deps);
  const service = await makeService(deps, org.id);
  const sibling = await makeService(deps, org.id);
  const otherOrg = await makeOrganisation(deps);
  const otherOrgService = await makeService(deps, otherOrg.id);
  const person = async (orgId: string, memberships: { serviceId: string; role: Role }[], isOrgAdmin = false) => {
    const s = await makeStaff(deps, orgId, { memberships, isOrgAdmin });
    return { ...s, cookie: await loginAs(app, s) };
  };
  return {
    org,
    service,
    sibling,
    otherOrg,
    otherOrgService,
    orgAdmin: await person(org.id, [], true),
    serviceAdmin: await person(org.id, [{ serviceId: service.id, role: 'service_admin' }]),
    siblingAdmin: await person(org.id, [{ serviceId: sibling.id, role: 'service_admin' }]),
    supervisor: await person(org.id, [{ serviceId: service.id, role: 'supervisor' }]),
    clinician: await person(org.id, [{ serviceId: service.id, role: 'clinician' }]),
    otherOrgAdmin: await person(otherOrg.id, [], true),
  };
}

/** Requests as one signed-in person (or nobody, with no cookie). */
export function asStaff(app: FastifyInstance, cookie?: string) {
  const headers = cookie ? { cookie } : {};
  const send = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    get: (url: string) => send('GET', url),
    post: (url: string, payload: unknown = {}) => send('POST', url, payload),
    patch: (url: string, payload: unknown) => send('PATCH', url, payload),
    put: (url: string, payload: unknown) => send('PUT', url, payload),
    // Cookie-carrying writes must be JSON (the CSRF defence), even a DELETE with nothing to say.
    delete: (url: string) => send('DELETE', url, {}),
  };
}

/** How many audit entries an organisation's chain holds: unchanged means nothing was written. */
export async function auditCount(deps: Deps, organisationId: string): Promise<number> {
  const { rows } = await deps.db.query<{ n: string | number }>('SELECT count(*) AS n FROM audit_log WHERE chain = $1', [
    organisationId,
  ]);
  return Number(rows[0]!.n);
}

export async function auditActions(deps: Deps, targetId: string): Promise<string[]> {
  const { rows } = await deps.db.query<{ action: string }>(
    'SELECT action FROM audit_log WHERE target_id = $1 ORDER BY chain, position',
    [targetId],
  );
  return rows.map((r) => r.action);
}
