import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../platform/deps.js';
import { startRepeatingJob } from '../../platform/jobs/repeatingJob.js';
import { runFallbacks } from './runFallbacks.js';

const BATCH = 500;

/** Every 30 seconds (the windows are an hour and more), when Notify is configured. */
export function startFallbackRunner(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  log: FastifyBaseLogger,
): { stop: () => Promise<void> } {
  if (!deps.config.notify) return { stop: async () => undefined };
  return startRepeatingJob({
    name: 'fallback',
    intervalMs: 30_000,
    batchSize: BATCH,
    log,
    runBatch: async () => {
      const r = await runFallbacks(deps, { limit: BATCH });
      return r.sent + r.noChannel + r.failed + r.alreadySent;
    },
  });
}
