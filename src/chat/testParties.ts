import type { FastifyInstance } from 'fastify';
import type { Service } from '../organisations/services.js';
import type { Deps } from '../platform/deps.js';
import { makeOrganisation, makeService, makeStaff, unique } from '../testing/factories.js';
import { loginAs } from '../testing/login.js';

/**
 * The people in the inbox tests: two clinicians and a supervisor in one service, plus people who
 * must see nothing of it — a clinician in a sibling service, one in another organisation, and an
 * organisation admin who is not a member of the service.
 */
export async function makeInboxParties(app: FastifyInstance, deps: Deps) {
  const org = await makeOrganisation(deps);
  const service = await makeService(deps, org.id);
  const sibling = await makeService(deps, org.id);
  const otherOrg = await makeOrganisation(deps);
  const otherOrgService = await makeService(deps, otherOrg.id);
  const person = async (
    orgId: string,
    memberships: { serviceId: string; role: 'clinician' | 'supervisor' | 'service_admin' }[],
    isOrgAdmin = false,
  ) => {
    const s = await makeStaff(deps, orgId, { memberships, isOrgAdmin });
    return { ...s, cookie: await loginAs(app, s) };
  };
  return {
    org,
    service,
    nurse: await person(org.id, [{ serviceId: service.id, role: 'clinician' }]),
    colleague: await person(org.id, [{ serviceId: service.id, role: 'clinician' }]),
    supervisor: await person(org.id, [{ serviceId: service.id, role: 'supervisor' }]),
    siblingNurse: await person(org.id, [{ serviceId: sibling.id, role: 'clinician' }]),
    otherOrgNurse: await person(otherOrg.id, [{ serviceId: otherOrgService.id, role: 'clinician' }]),
    orgAdmin: await person(org.id, [], true),
  };
}

export async function startConversationAs(
  app: FastifyInstance,
  service: Service,
  message: string,
  extra: Record<string, string> = {},
): Promise<{ conversationId: string; token: string; code: string }> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/public/services/${service.slug}/conversations`,
    payload: { message, clientRef: unique('ref-'), ...extra },
  });
  if (res.statusCode !== 201) throw new Error(`start answered ${res.statusCode} ${res.body}`);
  return res.json();
}
