import type { FastifyInstance } from 'fastify';
import { tokenRoutes } from './auth/tokenRoute.js';
import { campaignRoutes } from './campaigns/routes.js';
import { apiClientAdminRoutes } from './clients/adminRoutes.js';
import { fhirRoutes } from './fhir/routes.js';
import { patientInboxRoutes } from './inbox/routes.js';
import { pushRoutes } from './push/routes.js';

/** The outbound messaging domain: client administration, the token endpoint and the FHIR API. */
export async function outboundRoutes(app: FastifyInstance): Promise<void> {
  await app.register(apiClientAdminRoutes);
  await app.register(campaignRoutes);
  await app.register(tokenRoutes);
  await app.register(fhirRoutes);
  await app.register(patientInboxRoutes);
  await app.register(pushRoutes);
}
