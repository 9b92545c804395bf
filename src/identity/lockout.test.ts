import { describe, expect, it } from 'vitest';
import { InProcessAttemptLimiter } from './lockout.js';

const at = (ms: number) => new Date(Date.UTC(2025, 0, 1) + ms);

describe('InProcessAttemptLimiter', () => {
  it('blocks a key for blockMs once it reaches maxFailures within the window', async () => {
    const limiter = new InProcessAttemptLimiter({ maxFailures: 3, windowMs: 60_000, blockMs: 120_000 });
    expect(await limiter.recordFailure('k', at(0))).toBe(false);
    expect(await limiter.recordFailure('k', at(1_000))).toBe(false);
    expect(await limiter.retryAfter('k', at(1_000))).toBe(0);
    expect(await limiter.recordFailure('k', at(2_000))).toBe(true);
    expect(await limiter.retryAfter('k', at(2_000))).toBe(120);
    expect(await limiter.retryAfter('other', at(2_000))).toBe(0);
    expect(await limiter.retryAfter('k', at(121_500))).toBe(1);
    expect(await limiter.retryAfter('k', at(122_000))).toBe(0);
  });

  it('starts counting again when the window has passed', async () => {
    const limiter = new InProcessAttemptLimiter({ maxFailures: 2, windowMs: 60_000, blockMs: 60_000 });
    await limiter.recordFailure('k', at(0));
    expect(await limiter.recordFailure('k', at(60_000))).toBe(false);
    expect(await limiter.recordFailure('k', at(61_000))).toBe(true);
  });
});
