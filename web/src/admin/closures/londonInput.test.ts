import { describe, expect, it } from 'vitest';
import { londonToUtc, parseDate, parseTime } from './londonInput.js';

const at = (year: number, month: number, day: number, hour: number, minute = 0) =>
  londonToUtc({ year, month, day, hour, minute }).toISOString();

describe('londonToUtc', () => {
  it('is UTC in winter and one hour ahead in summer', () => {
    expect(at(2025, 1, 15, 9, 30)).toBe('2025-01-15T09:30:00.000Z');
    expect(at(2025, 7, 15, 9, 30)).toBe('2025-07-15T08:30:00.000Z');
  });

  it('reads hour 24 as the next midnight', () => {
    expect(at(2025, 7, 15, 24)).toBe('2025-07-15T23:00:00.000Z');
  });

  it('handles the clock changes', () => {
    // 30 March 2025: 01:00 GMT becomes 02:00 BST, so 01:30 never happens.
    expect(at(2025, 3, 30, 1, 30)).toBe('2025-03-30T01:00:00.000Z');
    expect(at(2025, 3, 30, 2, 0)).toBe('2025-03-30T01:00:00.000Z');
    // 26 October 2025: 01:30 happens twice; the first (BST) is chosen.
    expect(at(2025, 10, 26, 1, 30)).toBe('2025-10-26T00:30:00.000Z');
    expect(at(2025, 10, 26, 3, 0)).toBe('2025-10-26T03:00:00.000Z');
  });
});

describe('parsing', () => {
  it('accepts real dates only', () => {
    expect(parseDate('29', '2', '2024')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseDate('29', '2', '2025')).toBeNull();
    expect(parseDate('1', '13', '2025')).toBeNull();
    expect(parseDate('1', '1', '25')).toBeNull();
    expect(parseDate('', '1', '2025')).toBeNull();
  });

  it('accepts 24-hour clock times', () => {
    expect(parseTime('9:30')).toEqual({ hour: 9, minute: 30 });
    expect(parseTime('17.00')).toEqual({ hour: 17, minute: 0 });
    expect(parseTime('24:00')).toEqual({ hour: 24, minute: 0 });
    expect(parseTime('24:30')).toBeNull();
    expect(parseTime('9am')).toBeNull();
  });
});
