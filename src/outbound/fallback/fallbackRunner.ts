import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../platform/deps.js';
import { startRepeatingJob } from '../../platform/jobs/repeatingJob.js';
import { pollFallbackStatuses } from './fallbackStatus.js';
import { runFallbacks } from './runFallbacks.js';

const BATCH = 500;
/**
 * Status looks per node every 30 seconds. Not drained batch after batch as the sends are: GOV.UK
 * Notify allows 3,000 requests a minute per API key, sends and looks together, and a status can
 * wait a while where a fallback should not.
 */
const STATUS_BATCH = 300;

/**
 * Every 30 seconds (the windows are an hour and more), when Notify is configured: sends the
 * fallbacks that are due, and, beside it, asks Notify how the sent ones are getting on.
 */
export function startFallbackRunner(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  log: FastifyBaseLogger,
): { stop: () => Promise<void> } {
  if (!deps.config.notify) return { stop: async () => undefined };
  const sending = startRepeatingJob({
    name: 'fallback',
    intervalMs: 30_000,
    batchSize: BATCH,
    log,
    runBatch: async () => {
      const r = await runFallbacks(deps, { limit: BATCH });
      return r.sent + r.noChannel + r.failed + r.alreadySent;
    },
  });
  const status = startRepeatingJob({
    name: 'fallback-status',
    intervalMs: 30_000,
    batchSize: STATUS_BATCH,
    log,
    runBatch: async () => {
      await pollFallbackStatuses(deps, { limit: STATUS_BATCH });
      // One batch a tick (see STATUS_BATCH): never reported full, so never drained.
      return 0;
    },
  });
  return {
    async stop() {
      await Promise.all([sending.stop(), status.stop()]);
    },
  };
}
