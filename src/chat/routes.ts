import type { FastifyInstance } from 'fastify';
import { liveRoutes } from './live.js';
import { publicChatRoutes } from './publicRoutes.js';
import { staffChatRoutes } from './staffRoutes.js';

export async function chatRoutes(app: FastifyInstance): Promise<void> {
  await app.register(publicChatRoutes);
  await app.register(staffChatRoutes);
  await app.register(liveRoutes);
}
