import type { Redis } from 'ioredis';
import type { AttemptLimiter, LimitPolicy } from './lockout.js';

// One round trip, atomic: count the failure in its window; at the limit, clear the count and
// start a block. Keys expire on their own, so nothing needs pruning.
const RECORD_FAILURE = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if failures >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return 1
end
return 0`;

/**
 * The same rule as InProcessAttemptLimiter, kept in Redis so every node counts together.
 * Time is Redis's own clock (key expiry), so the `now` argument is not used.
 */
export class RedisAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly name: string,
    private readonly policy: LimitPolicy,
  ) {}

  private keys(key: string): [string, string] {
    return [`confide:attempts:${this.name}:${key}:failures`, `confide:attempts:${this.name}:${key}:blocked`];
  }

  async retryAfter(key: string, _now?: Date): Promise<number> {
    const ms = await this.redis.pttl(this.keys(key)[1]);
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  async recordFailure(key: string, _now?: Date): Promise<boolean> {
    const [failures, blocked] = this.keys(key);
    const started = await this.redis.eval(
      RECORD_FAILURE,
      2,
      failures,
      blocked,
      String(this.policy.windowMs),
      String(this.policy.maxFailures),
      String(this.policy.blockMs),
    );
    return started === 1;
  }
}
