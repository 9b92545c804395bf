import type { FastifyInstance } from 'fastify';
import { publicChatRoutes } from './publicRoutes.js';
import { staffChatRoutes } from './staffRoutes.js';

/** The hub for live updates (./live.ts) is registered at the root by src/routes.ts. */
export async function chatRoutes(app: FastifyInstance): Promise<void> {
  await app.register(publicChatRoutes);
  await app.register(staffChatRoutes);
}
