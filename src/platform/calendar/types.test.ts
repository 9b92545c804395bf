import { describe, it, expect } from 'vitest';
import { parseClockTime, validateClosures, validateWeekly } from './types.js';

describe('parseClockTime', () => {
  it('reads HH:MM as minutes since midnight', () => {
    expect(parseClockTime('00:00')).toBe(0);
    expect(parseClockTime('09:30')).toBe(570);
    expect(parseClockTime('23:59')).toBe(1439);
  });

  it('accepts 24:00 only as an end', () => {
    expect(parseClockTime('24:00')).toBeNull();
    expect(parseClockTime('24:00', true)).toBe(1440);
  });

  it('rejects malformed times', () => {
    for (const bad of ['9:00', '09:60', '25:00', '24:01', '0900', '09:00:00', '']) {
      expect(parseClockTime(bad, true)).toBeNull();
    }
  });
});

describe('validateWeekly', () => {
  it('accepts several periods a day, touching periods and a 24:00 end', () => {
    expect(
      validateWeekly([
        { day: 1, start: '09:00', end: '12:30' },
        { day: 1, start: '13:30', end: '17:00' },
        { day: 2, start: '09:00', end: '12:00' },
        { day: 2, start: '12:00', end: '24:00' },
        { day: 0, start: '00:00', end: '24:00' },
      ]),
    ).toEqual([]);
    expect(validateWeekly([])).toEqual([]);
  });

  it('reports bad formats and days', () => {
    const problems = validateWeekly([{ day: 7, start: '9am', end: '17:00' }]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/day must be/);
    expect(problems[1]).toMatch(/start must be a time like 09:00/);
  });

  it('reports end not after start, naming the day', () => {
    expect(validateWeekly([{ day: 3, start: '17:00', end: '09:00' }])).toEqual([
      'Period 1 (Wednesday 17:00–09:00): end must be after start.',
    ]);
    expect(validateWeekly([{ day: 3, start: '09:00', end: '09:00' }])).toHaveLength(1);
  });

  it('reports overlapping periods on the same day only', () => {
    expect(
      validateWeekly([
        { day: 1, start: '09:00', end: '13:00' },
        { day: 2, start: '09:00', end: '13:00' },
        { day: 1, start: '12:30', end: '17:00' },
      ]),
    ).toEqual(['Periods 1 and 3 overlap on Monday.']);
  });

  it('rejects input that is not a list of objects', () => {
    expect(validateWeekly('Mon 9-5')).toEqual(['Weekly opening hours must be a list of periods.']);
    expect(validateWeekly([null])).toEqual(['Period 1: must be an object with day, start and end.']);
  });
});

describe('validateClosures', () => {
  it('reports closures that end before they start', () => {
    const start = new Date('2025-06-01T10:00:00Z');
    expect(validateClosures([{ start, end: new Date('2025-06-01T12:00:00Z') }])).toEqual([]);
    expect(validateClosures([{ start, end: start, reason: 'training' }])).toEqual([
      'Closure 1 (training): end must be after start.',
    ]);
    expect(validateClosures([{ start: new Date('nope'), end: start }])).toHaveLength(1);
  });
});
