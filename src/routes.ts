import type { FastifyInstance } from 'fastify';
import { liveRoutes } from './chat/live.js';
import { chatRoutes } from './chat/routes.js';
import { identityRoutes, installStaffSessions } from './identity/routes.js';
import { installPatientSessions } from './identity/patientSignIn/patientSessionHook.js';
import { patientSignInRoutes } from './identity/patientSignIn/routes.js';
import { testPatientRoutes } from './identity/testPatientRoutes.js';
import { adminRoutes } from './organisations/admin/routes.js';
import { organisationRoutes } from './organisations/routes.js';
import { outboundRoutes } from './outbound/routes.js';

/** Every domain's routes, registered in one place so the API surface is easy to see. */
export async function registerDomains(app: FastifyInstance): Promise<void> {
  installStaffSessions(app);
  installPatientSessions(app);
  await app.register(identityRoutes);
  await app.register(patientSignInRoutes);
  await app.register(organisationRoutes);
  await app.register(adminRoutes);
  await app.register(chatRoutes);
  await app.register(liveRoutes);
  await app.register(testPatientRoutes);
  await app.register(outboundRoutes);
}
