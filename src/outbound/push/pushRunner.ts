import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../platform/deps.js';
import { startRepeatingJob } from '../../platform/jobs/repeatingJob.js';
import { dispatchDuePushes } from './dispatchPushes.js';
import { ECDH_IMPLEMENTATION } from './rfc8291.mjs';

const BATCH = 500;

/**
 * Looks for due pushes four times a second on this node (one claim when there are none), so a
 * notification leaves within a quarter of a second of its message; with a backlog it sends in four
 * lanes: while some batches wait on the database (claim, outcomes, receipts), the others keep the
 * push services' connections and the encryption workers busy. Measured on two cores, two lanes of
 * 250 left a quarter of the machine idle during a backlog; four of 500 keep it busy.
 */
export function startPushRunner(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  log: FastifyBaseLogger,
): { stop: () => Promise<void> } {
  // Operators should know when the native addon is not in use: pushes then cost more CPU.
  if (ECDH_IMPLEMENTATION === 'native') log.info('push encryption: key pairs, ECDH and sealing by the native addon');
  else
    log.warn(
      'push encryption: the native addon (native/p256-ecdh) is not built, or did not agree with node:crypto; node:crypto does the encryption, slower',
    );
  return startRepeatingJob({
    name: 'push dispatch',
    intervalMs: 250,
    batchSize: BATCH,
    lanes: 4,
    log,
    runBatch: async () => (await dispatchDuePushes(deps, { limit: BATCH })).claimed,
  });
}
