import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttlCache.js';

describe('TtlCache', () => {
  it('shares a load, expires after its TTL, and forgets failures and deleted keys', async () => {
    let clock = 0;
    let loads = 0;
    const cache = new TtlCache(() => clock);
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('k', 100, load), cache.get('k', 100, load)])).toEqual([1, 1]);
    clock = 99;
    expect(await cache.get('k', 100, load)).toBe(1);
    clock = 100;
    expect(await cache.get('k', 100, load)).toBe(2);
    cache.delete('k');
    expect(await cache.get('k', 100, load)).toBe(3);
    await expect(cache.get('bad', 100, () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('bad', 100, load)).toBe(4);
  });
});
