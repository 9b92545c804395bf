import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../platform/deps.js';
import { startRepeatingJob } from '../platform/jobs/repeatingJob.js';

/**
 * Sessions are kept a day past their absolute expiry, so a question about a recent sign-in can
 * still be answered from them; the audit log keeps the sign-ins themselves for good.
 */
export const SESSION_GRACE_MS = 24 * 3_600_000;
const BATCH = 1_000;

/**
 * Credentials that can never be used again, each with the column that says when they ended and
 * how long past that they are kept. A client assertion's jti is only needed until the assertion
 * expires: after that a replay is refused on `exp` anyway.
 */
const SWEPT = [
  { table: 'api_assertion_jtis', ends: 'expires_at', graceMs: 0 },
  { table: 'sessions', ends: 'absolute_expires_at', graceMs: SESSION_GRACE_MS },
  { table: 'patient_sessions', ends: 'absolute_expires_at', graceMs: SESSION_GRACE_MS },
] as const;

/**
 * Deletes up to `limit` ended rows from each table, oldest first (by row address, through each
 * table's expiry index). Returns the most deleted from any one table, so a full batch means
 * there may be more.
 */
export async function sweepExpiredCredentials(
  deps: Pick<Deps, 'db' | 'now'>,
  opts: { limit?: number } = {},
): Promise<number> {
  const limit = opts.limit ?? BATCH;
  const now = deps.now().getTime();
  let most = 0;
  for (const { table, ends, graceMs } of SWEPT) {
    const { rowCount } = await deps.db.query(
      `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM ${table} WHERE ${ends} < $1 ORDER BY ${ends} LIMIT $2))`,
      [new Date(now - graceMs), limit],
    );
    most = Math.max(most, rowCount);
  }
  return most;
}

/** Sweeps every ten minutes on this node; any number of nodes may run it. */
export function startCredentialSweeper(
  deps: Pick<Deps, 'db' | 'now'>,
  log: FastifyBaseLogger,
): { stop: () => Promise<void> } {
  return startRepeatingJob({
    name: 'expired credential sweep',
    intervalMs: 10 * 60_000,
    batchSize: BATCH,
    log,
    runBatch: () => sweepExpiredCredentials(deps, { limit: BATCH }),
  });
}
