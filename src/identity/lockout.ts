import type { Config } from '../config.js';
import type { Db, Queryable } from '../platform/db/types.js';

/**
 * Counters that slow down guessing where there is no account row to hold them: per client IP,
 * and per unknown email (so that an unknown email locks exactly like a real one and lockout does
 * not reveal which emails have accounts). Async so that a shared Redis implementation can
 * replace the in-process one without touching callers.
 */
export interface AttemptLimiter {
  /** Seconds until `key` may try again; 0 when it may try now. */
  retryAfter(key: string, now: Date): Promise<number>;
  /** Counts one failure; true when this failure started a block. */
  recordFailure(key: string, now: Date): Promise<boolean>;
}

export type LimitPolicy = { maxFailures: number; windowMs: number; blockMs: number };

type Entry = { failures: number; windowStart: number; blockedUntil: number };

/** Bounded so that a flood of distinct keys cannot exhaust memory; only stale entries are dropped. */
const MAX_ENTRIES = 100_000;

export class InProcessAttemptLimiter implements AttemptLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly policy: LimitPolicy) {}

  async retryAfter(key: string, now: Date): Promise<number> {
    const e = this.entries.get(key);
    const t = now.getTime();
    return e && e.blockedUntil > t ? Math.ceil((e.blockedUntil - t) / 1000) : 0;
  }

  async recordFailure(key: string, now: Date): Promise<boolean> {
    const t = now.getTime();
    let e = this.entries.get(key);
    if (!e || t - e.windowStart >= this.policy.windowMs) {
      if (!e && this.entries.size >= MAX_ENTRIES) this.prune(t);
      e = { failures: 0, windowStart: t, blockedUntil: e?.blockedUntil ?? 0 };
      this.entries.set(key, e);
    }
    e.failures++;
    if (e.failures >= this.policy.maxFailures) {
      e.failures = 0;
      e.windowStart = t;
      e.blockedUntil = t + this.policy.blockMs;
      return true;
    }
    return false;
  }

  private prune(t: number): void {
    for (const [key, e] of this.entries) {
      if (e.blockedUntil <= t && t - e.windowStart >= this.policy.windowMs) this.entries.delete(key);
    }
    // Still full of live entries: forget the oldest rather than refuse to count new keys.
    const excess = this.entries.size - MAX_ENTRIES + 1;
    if (excess > 0) [...this.entries.keys()].slice(0, excess).forEach((k) => this.entries.delete(k));
  }
}

export type LoginLimiters = { byIp: AttemptLimiter; unknownAccount: AttemptLimiter };

const MINUTE = 60_000;

/**
 * Per IP: many staff may share one NHS network address, so the limit is generous and counts
 * failures only. Unknown emails mirror the per-account rule (N consecutive failures, then
 * blocked), with a day's window standing in for "consecutive".
 */
export function loginLimitPolicies(
  config: Pick<Config, 'loginMaxFailures' | 'loginLockoutMinutes'>,
): Record<keyof LoginLimiters, LimitPolicy> {
  return {
    byIp: {
      maxFailures: Math.max(20, 4 * config.loginMaxFailures),
      windowMs: 15 * MINUTE,
      blockMs: config.loginLockoutMinutes * MINUTE,
    },
    unknownAccount: {
      maxFailures: config.loginMaxFailures,
      windowMs: 24 * 60 * MINUTE,
      blockMs: config.loginLockoutMinutes * MINUTE,
    },
  };
}

export function inProcessLoginLimiters(
  config: Pick<Config, 'loginMaxFailures' | 'loginLockoutMinutes'>,
): LoginLimiters {
  const p = loginLimitPolicies(config);
  return { byIp: new InProcessAttemptLimiter(p.byIp), unknownAccount: new InProcessAttemptLimiter(p.unknownAccount) };
}

export type LockoutConfig = Pick<Config, 'loginMaxFailures' | 'loginLockoutMinutes'>;

export type Claim = { ok: true } | { ok: false; retryAfterSeconds: number; lockedNow: boolean };

function lockUntil(now: Date, config: LockoutConfig): Date {
  return new Date(now.getTime() + config.loginLockoutMinutes * MINUTE);
}

/**
 * Takes one attempt slot from the account before the (slow) password or code check, in its own
 * statement so that concurrent guesses see it at once: a burst of parallel requests cannot get
 * more than loginMaxFailures guesses in. An attempt that finds every slot taken (a burst, or a
 * crash mid-check) locks the account, which also means a stuck counter heals after the lockout.
 */
export async function claimAttempt(db: Db, staffId: string, now: Date, config: LockoutConfig): Promise<Claim> {
  const { rows } = await db.query<{ locked_until: Date | null }>(
    `UPDATE staff SET
       failed_logins = CASE WHEN failed_logins >= $3 THEN 0 ELSE failed_logins + 1 END,
       locked_until = CASE WHEN failed_logins >= $3 THEN $4::timestamptz ELSE NULL END
     WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)
     RETURNING locked_until`,
    [staffId, now, config.loginMaxFailures, lockUntil(now, config)],
  );
  const claimed = rows[0];
  if (claimed && !claimed.locked_until) return { ok: true };
  if (claimed) return { ok: false, retryAfterSeconds: config.loginLockoutMinutes * 60, lockedNow: true };
  const current = await db.query<{ locked_until: Date | null }>('SELECT locked_until FROM staff WHERE id = $1', [
    staffId,
  ]);
  const until = current.rows[0]?.locked_until;
  const seconds = until ? (new Date(until).getTime() - now.getTime()) / 1000 : config.loginLockoutMinutes * 60;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(seconds)), lockedNow: false };
}

/** The claimed attempt failed; the one that fills the last slot locks the account. True when it did. */
export async function recordAccountFailure(
  q: Queryable,
  staffId: string,
  now: Date,
  config: LockoutConfig,
): Promise<boolean> {
  const until = lockUntil(now, config);
  const { rows } = await q.query<{ locked: boolean }>(
    `UPDATE staff SET
       locked_until = CASE WHEN failed_logins >= $2 THEN $3::timestamptz ELSE locked_until END,
       failed_logins = CASE WHEN failed_logins >= $2 THEN 0 ELSE failed_logins END
     WHERE id = $1
     RETURNING locked_until = $3::timestamptz AS locked`,
    [staffId, config.loginMaxFailures, until],
  );
  return rows[0]?.locked === true;
}

/** Fully signed in: the run of failures is over. */
export async function clearAttempts(q: Queryable, staffId: string): Promise<void> {
  await q.query('UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = $1', [staffId]);
}

/**
 * The password was right but a code is still owed: hand the slot back without clearing earlier
 * failures, so that someone holding only the password cannot reset the count of wrong codes.
 */
export async function releaseAttempt(q: Queryable, staffId: string): Promise<void> {
  await q.query('UPDATE staff SET failed_logins = GREATEST(failed_logins - 1, 0) WHERE id = $1', [staffId]);
}
