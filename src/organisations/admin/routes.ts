import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../identity/staffContext.js';
import { requireAdministrator } from './access.js';
import { adminServiceRoutes } from './serviceRoutes.js';
import { adminStaffRoutes } from './staffRoutes.js';

/**
 * The administration API under /api/admin. Every route: authenticate (here, before validation,
 * so an anonymous caller or a clinician learns nothing from validation errors) → validate →
 * authorise inside the service function → answer through an allow-list response schema.
 */
export async function adminRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request) => {
    // Clinicians and supervisors see the admin area as absent; each service function still
    // checks the exact right, so this is a first fence rather than the authorisation itself.
    requireAdministrator(requireStaff(request));
  });
  await app.register(adminServiceRoutes);
  await app.register(adminStaffRoutes);
}
