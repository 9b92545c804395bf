import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../platform/deps.js';
import { startRepeatingJob } from '../../platform/jobs/repeatingJob.js';
import { deliverDueCallbacks } from './deliverCallbacks.js';

const BATCH = 200;

/** Delivers due receipt callbacks every second on this node. */
export function startCallbackRunner(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  log: FastifyBaseLogger,
): { stop: () => Promise<void> } {
  return startRepeatingJob({
    name: 'receipt callbacks',
    intervalMs: 1_000,
    batchSize: BATCH,
    log,
    runBatch: async () => {
      const { delivered, failed } = await deliverDueCallbacks(deps, { limit: BATCH });
      return delivered + failed;
    },
  });
}
