import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../platform/deps.js';
import { dispatchDuePushes } from './dispatchPushes.js';

const INTERVAL_MS = 1_000;
const BATCH = 250;
/**
 * Batches dispatched at once: while one batch waits on the database (claim, outcomes, receipts),
 * the other keeps the push services' connections and the encryption workers busy.
 */
const LANES = 2;

/**
 * Sends due pushes every second on this node, draining a backlog batch after batch. Started by
 * `confide start` only (tests call dispatchDuePushes themselves); every node may run one, as rows
 * are claimed with SKIP LOCKED.
 */
export function startPushRunner(
  deps: Pick<Deps, 'db' | 'keyring' | 'now' | 'config'>,
  log: FastifyBaseLogger,
): { stop: () => Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const lane = async () => {
    for (;;) {
      const { claimed } = await dispatchDuePushes(deps, { limit: BATCH });
      if (stopped || claimed < BATCH) return;
    }
  };
  const run = async () => {
    const lanes = await Promise.allSettled(Array.from({ length: LANES }, lane));
    for (const l of lanes) if (l.status === 'rejected') log.error({ err: l.reason as unknown }, 'push dispatch failed');
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
