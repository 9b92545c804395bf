import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../platform/deps.js';
import { deliverDueCallbacks } from './deliverCallbacks.js';

const INTERVAL_MS = 1_000;
const BATCH = 200;

/**
 * Delivers due receipt callbacks every second on this node, draining a backlog batch after batch.
 * Started by `confide start` only (tests call deliverDueCallbacks themselves); every node may run
 * one, as rows are claimed with SKIP LOCKED.
 */
export function startCallbackRunner(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  log: FastifyBaseLogger,
): { stop: () => Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    try {
      for (;;) {
        const { delivered, failed } = await deliverDueCallbacks(deps, { limit: BATCH });
        if (stopped || delivered + failed < BATCH) return;
      }
    } catch (err) {
      log.error({ err }, 'receipt callbacks failed');
    }
  };
  const timer = setInterval(() => {
    running ??= run().finally(() => (running = null));
  }, INTERVAL_MS);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
