import type { FastifyBaseLogger } from 'fastify';
import { ServiceUnavailable } from '../http/errors.js';

/**
 * Runs a batch job every `intervalMs`, draining a backlog batch after batch (a full batch means
 * there may be more), never two runs of it at once on this node. Jobs claim their rows in the
 * database, so every node may run the same job. Started by `confide start` only: tests call the
 * job function itself.
 */
export function startRepeatingJob(opts: {
  name: string;
  intervalMs: number;
  /** Does one batch and says how many rows it handled. */
  runBatch: () => Promise<number>;
  batchSize: number;
  /**
   * Batches run side by side (default 1): while one waits on the database, another keeps the
   * network busy. Each lane drains on its own; rows are claimed, so lanes never share one.
   */
  lanes?: number;
  log: FastifyBaseLogger;
}): { stop: () => Promise<void> } {
  // The database refusing more work because foreground requests fill its queue is no fault: the
  // job gives way, and tries again at its next tick.
  const failed = (err: unknown) => {
    if (err instanceof ServiceUnavailable) opts.log.debug({ job: opts.name }, 'database busy; job waits');
    else opts.log.error({ err, job: opts.name }, 'job failed');
  };
  let running: Promise<void> | null = null;
  let stopped = false;
  const lane = async () => {
    try {
      while (!stopped && (await opts.runBatch()) >= opts.batchSize);
    } catch (err) {
      failed(err);
    }
  };
  const run = async () => {
    // One batch first, alone: an idle tick costs one claim, not one per lane, so a job can look
    // often. Only a full batch (a backlog) brings in the other lanes.
    let full: boolean;
    try {
      full = (await opts.runBatch()) >= opts.batchSize;
    } catch (err) {
      failed(err);
      return;
    }
    if (full && !stopped) await Promise.all(Array.from({ length: opts.lanes ?? 1 }, lane));
  };
  const timer = setInterval(() => {
    running ??= run().finally(() => (running = null));
  }, opts.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
