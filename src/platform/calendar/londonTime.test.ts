import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { addDays, dayOfWeek, formatLocalDate, parseLocalDate } from './localDate.js';
import { fromLondon, londonDateOf, londonOffsetMs, toLondon } from './londonTime.js';

const wall = (year: number, month: number, day: number, hour: number, minute = 0) =>
  fromLondon({ year, month, day, hour, minute, second: 0, millisecond: 0 }).toISOString();

describe('toLondon', () => {
  it('is UTC in winter and UTC+1 in summer', () => {
    expect(toLondon(new Date('2025-01-15T09:00:00.250Z'))).toEqual({
      year: 2025,
      month: 1,
      day: 15,
      hour: 9,
      minute: 0,
      second: 0,
      millisecond: 250,
    });
    expect(toLondon(new Date('2025-07-15T23:30:00Z'))).toMatchObject({ month: 7, day: 16, hour: 0, minute: 30 });
    expect(londonOffsetMs(new Date('2025-01-15T12:00:00Z'))).toBe(0);
    expect(londonOffsetMs(new Date('2025-07-15T12:00:00Z'))).toBe(3_600_000);
  });

  it('changes offset at 01:00 UTC on the last Sundays of March and October', () => {
    expect(londonOffsetMs(new Date('2025-03-30T00:59:59.999Z'))).toBe(0);
    expect(londonOffsetMs(new Date('2025-03-30T01:00:00Z'))).toBe(3_600_000);
    expect(londonOffsetMs(new Date('2025-10-26T00:59:59.999Z'))).toBe(3_600_000);
    expect(londonOffsetMs(new Date('2025-10-26T01:00:00Z'))).toBe(0);
    expect(londonDateOf(new Date('2025-06-30T23:00:00Z'))).toEqual({ year: 2025, month: 7, day: 1 });
  });
});

describe('fromLondon', () => {
  it('converts ordinary wall times', () => {
    expect(wall(2025, 1, 15, 9)).toBe('2025-01-15T09:00:00.000Z');
    expect(wall(2025, 7, 15, 9)).toBe('2025-07-15T08:00:00.000Z');
  });

  it('treats hour 24 as the next midnight', () => {
    expect(wall(2025, 7, 15, 24)).toBe('2025-07-15T23:00:00.000Z');
  });

  it('moves a time in the spring gap to the end of the gap (02:00 BST)', () => {
    expect(wall(2025, 3, 30, 1, 0)).toBe('2025-03-30T01:00:00.000Z');
    expect(wall(2025, 3, 30, 1, 30)).toBe('2025-03-30T01:00:00.000Z');
    expect(wall(2025, 3, 30, 1, 59)).toBe('2025-03-30T01:00:00.000Z');
    expect(wall(2025, 3, 30, 2, 0)).toBe('2025-03-30T01:00:00.000Z');
    expect(wall(2025, 3, 30, 0, 59)).toBe('2025-03-30T00:59:00.000Z');
  });

  it('picks the earlier instant in the autumn overlap', () => {
    expect(wall(2025, 10, 26, 1, 0)).toBe('2025-10-26T00:00:00.000Z');
    expect(wall(2025, 10, 26, 1, 30)).toBe('2025-10-26T00:30:00.000Z');
    expect(wall(2025, 10, 26, 2, 0)).toBe('2025-10-26T02:00:00.000Z');
  });

  it('round-trips every instant except the second pass of the autumn hour', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2036, 0, 1) }), (ms) => {
        const back = fromLondon(toLondon(ms)).getTime();
        const secondPass = back !== ms && ms - back === 3_600_000 && londonOffsetMs(ms) === 0;
        expect(back === ms || secondPass).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is monotonic in wall time', () => {
    const anyWall = fc.record({
      year: fc.integer({ min: 2020, max: 2035 }),
      month: fc.constantFrom(3, 10),
      day: fc.integer({ min: 24, max: 31 }),
      hour: fc.integer({ min: 0, max: 3 }),
      minute: fc.integer({ min: 0, max: 59 }),
    });
    fc.assert(
      fc.property(anyWall, fc.integer({ min: 0, max: 240 }), (w, laterBy) => {
        const a = fromLondon({ ...w, second: 0, millisecond: 0 }).getTime();
        const b = fromLondon({ ...w, minute: w.minute + laterBy, second: 0, millisecond: 0 }).getTime();
        expect(b).toBeGreaterThanOrEqual(a);
      }),
      { numRuns: 200 },
    );
  });
});

describe('localDate', () => {
  it('does calendar arithmetic across month, year and leap days', () => {
    expect(addDays({ year: 2024, month: 2, day: 28 }, 1)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(addDays({ year: 2025, month: 12, day: 31 }, 1)).toEqual({ year: 2026, month: 1, day: 1 });
    expect(addDays({ year: 2025, month: 3, day: 1 }, -1)).toEqual({ year: 2025, month: 2, day: 28 });
    expect(dayOfWeek({ year: 2025, month: 12, day: 25 })).toBe(4);
    expect(formatLocalDate({ year: 2025, month: 1, day: 2 })).toBe('2025-01-02');
  });

  it('parses only real dates', () => {
    expect(parseLocalDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseLocalDate('2023-02-29')).toBeNull();
    expect(parseLocalDate('2023-2-3')).toBeNull();
  });
});
