import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const WEB_DIST = path.resolve(import.meta.dirname, '../../../dist/web');

/**
 * Serves the built patient app and staff console on the API's port. Client-side routes
 * (/s/…, /c, /staff/…) get index.html; unknown /api paths keep their JSON 404.
 */
export async function serveWebApp(app: FastifyInstance, dir = WEB_DIST): Promise<boolean> {
  if (!existsSync(path.join(dir, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root: dir,
    wildcard: false,
    // Hashed asset names change with their content, so they can be cached for good.
    setHeaders(reply, filePath) {
      void reply.header(
        'cache-control',
        filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const spaRoutes = ['/s/*', '/c', '/staff', '/staff/*', '/admin', '/admin/*', '/inbox', '/inbox/*'];
  for (const url of spaRoutes) {
    app.get(url, { schema: { hide: true } }, (_request, reply) =>
      reply.header('cache-control', 'no-cache').sendFile('index.html'),
    );
  }
  return true;
}
