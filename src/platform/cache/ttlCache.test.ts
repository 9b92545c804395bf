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

describe('TtlCache memory', () => {
  it('sweeps expired entries as new ones arrive, so the size follows the live set', () => {
    let clock = 0;
    const cache = new TtlCache(() => clock, 10_000);
    // 100 entries a tick, each living 10 ticks: about 1,000 are live at any time.
    for (let tick = 0; tick < 100; tick++) {
      clock = tick;
      for (let i = 0; i < 100; i++) cache.set(`m${tick}:${i}`, 10, i);
    }
    expect(cache.size).toBeLessThanOrEqual(1_100);
    expect(cache.size).toBeGreaterThanOrEqual(1_000);
  });

  it('when full, drops only the oldest entry and keeps the rest', async () => {
    const cache = new TtlCache(() => 0, 3);
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('service', 1_000, load);
    cache.set('a', 1_000, 'a');
    cache.set('b', 1_000, 'b');
    cache.set('c', 1_000, 'c');
    expect(cache.size).toBe(3);
    // 'service' was the oldest and went; 'a' is still served without a load.
    expect(await cache.get('a', 1_000, load)).toBe('a');
    expect(await cache.get('service', 1_000, load)).toBe(2);
  });
});
