import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../platform/deps.js';
import { startRepeatingJob } from '../../platform/jobs/repeatingJob.js';
import { dispatchDuePushes } from './dispatchPushes.js';

const BATCH = 250;

/**
 * Sends due pushes every second on this node. Two lanes: while one batch waits on the database
 * (claim, outcomes, receipts), the other keeps the push services' connections and the encryption
 * workers busy.
 */
export function startPushRunner(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  log: FastifyBaseLogger,
): { stop: () => Promise<void> } {
  return startRepeatingJob({
    name: 'push dispatch',
    intervalMs: 1_000,
    batchSize: BATCH,
    lanes: 2,
    log,
    runBatch: async () => (await dispatchDuePushes(deps, { limit: BATCH })).claimed,
  });
}
