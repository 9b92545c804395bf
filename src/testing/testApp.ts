import type { FastifyInstance } from 'fastify';
import { build } from '../app.js';
import type { Config } from '../config.js';
import type { Deps } from '../platform/deps.js';
import { createTestDatabase, testConfig } from './testDatabase.js';

export type TestApp = { app: FastifyInstance; deps: Deps; close: () => Promise<void> };

/** A full application on a fresh database, for in-process tests through app.inject(). */
export async function buildTestApp(
  opts: { config?: Partial<Config>; now?: () => Date; logStream?: { write(line: string): void } } = {},
): Promise<TestApp> {
  const tdb = await createTestDatabase();
  const app = await build(testConfig(opts.config), {
    db: tdb.db,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
  });
  await app.ready();
  return {
    app,
    deps: app.deps,
    async close() {
      await app.close();
      await tdb.drop();
    },
  };
}
