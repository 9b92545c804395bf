import type { FastifyInstance } from 'fastify';

/** Every domain's routes, registered in one place so the API surface is easy to see. */
export async function registerDomains(app: FastifyInstance): Promise<void> {
  void app;
}
