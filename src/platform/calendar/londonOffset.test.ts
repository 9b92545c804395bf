// The fast London offsets against Intl, which stays the reference: random
// instants 1990–2100 (biased to the clock-change weekends), every change
// instant to the millisecond, and fromLondon checked against Intl directly.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  fastLondonOffsetMs,
  intlLondonOffsetMs,
  intlToLondon,
  summerTimeOf,
  wallClockAsUtcMs,
} from './londonOffset.js';
import { fromLondon, londonDayNumber, londonOffsetMs, toLondon } from './londonTime.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const FROM = Date.UTC(1990, 0, 1);
const TO = Date.UTC(2100, 11, 31, 23, 59, 59, 999);

/** Anywhere 1990–2100, or within four days of the 1st of March, April, October or November. */
const instant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc
    .tuple(
      fc.integer({ min: 1990, max: 2100 }),
      fc.constantFrom(2, 3, 9, 10),
      fc.integer({ min: -4 * DAY, max: 4 * DAY }),
    )
    .map(([year, month, offset]) => Date.UTC(year, month, 1) + offset),
  fc
    .tuple(fc.integer({ min: 1990, max: 2100 }), fc.constantFrom(2, 9), fc.integer({ min: -3 * HOUR, max: 3 * HOUR }))
    .map(([year, month, offset]) => {
      const lastDay = Date.UTC(year, month + 1, 0);
      return lastDay - new Date(lastDay).getUTCDay() * DAY + HOUR + offset;
    }),
);

describe('fast London offsets agree with Intl', () => {
  it('for random instants 1990–2100', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(fastLondonOffsetMs(ms)).toBe(intlLondonOffsetMs(ms));
        expect(londonOffsetMs(ms)).toBe(intlLondonOffsetMs(ms));
        expect(toLondon(ms)).toEqual(intlToLondon(ms));
        expect(londonDayNumber(ms)).toBe(Math.floor(wallClockAsUtcMs(intlToLondon(ms)) / DAY));
      }),
      { numRuns: 3000 },
    );
  });

  it('on both sides of every clock change, 1990–2100, to the millisecond', () => {
    for (let year = 1990; year <= 2100; year++) {
      for (const month of [2, 9]) {
        // Every Sunday in the second half of the month at 01:00 UTC covers the
        // pre-1996 October rule as well as the last-Sunday one.
        for (let day = 15; day <= 31; day++) {
          const ms = Date.UTC(year, month, day, 1);
          if (new Date(ms).getUTCDay() !== 0 || new Date(ms).getUTCMonth() !== month) continue;
          for (const at of [ms - 1, ms, ms + 1])
            expect([at, fastLondonOffsetMs(at)]).toEqual([at, intlLondonOffsetMs(at)]);
        }
      }
    }
  });

  it('uses the arithmetic rule from 1996, and Intl for years it does not fit', () => {
    expect(summerTimeOf(2025)).toEqual({ start: Date.UTC(2025, 2, 30, 1), end: Date.UTC(2025, 9, 26, 1) });
    expect(summerTimeOf(1995)).toBeNull(); // BST ended on 22 October, not the last Sunday
    expect(summerTimeOf(1970)).toBeNull(); // British Standard Time: no winter at all
    expect(summerTimeOf(Number.NaN)).toBeNull();
    for (let year = 1996; year <= 2100; year++) expect([year, summerTimeOf(year) !== null]).toEqual([year, true]);
  });

  it('fromLondon returns the earliest instant Intl shows as that wall time, or the end of the spring gap', () => {
    const wallTime = fc
      .tuple(instant, fc.integer({ min: -3 * 60, max: 3 * 60 }))
      .map(([ms, minutes]) => wallClockAsUtcMs(intlToLondon(ms)) + minutes * 60_000);
    fc.assert(
      fc.property(wallTime, (wallMs) => {
        const d = new Date(wallMs);
        const result = fromLondon({
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
          second: d.getUTCSeconds(),
          millisecond: d.getUTCMilliseconds(),
        }).getTime();
        const shows = (at: number) => wallClockAsUtcMs(intlToLondon(at)) === wallMs;
        const candidates = [wallMs - HOUR, wallMs].filter(shows);
        if (candidates.length > 0) expect(result).toBe(Math.min(...candidates));
        else {
          // A wall time in the gap: the first instant of BST, within the hour before.
          expect(result).toBeGreaterThan(wallMs - HOUR);
          expect(result).toBeLessThanOrEqual(wallMs);
          expect([intlLondonOffsetMs(result - 1), intlLondonOffsetMs(result)]).toEqual([0, HOUR]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
