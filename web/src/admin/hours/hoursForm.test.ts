import { describe, expect, it } from 'vitest';
import { hoursFieldFor, normaliseTime, rowsFromWeekly, weeklyFromRows } from './hoursForm.js';

describe('opening hours editor', () => {
  it('shows Monday first and sends what was typed, tidied', () => {
    const rows = rowsFromWeekly([
      { day: 0, start: '10:00', end: '12:00' },
      { day: 1, start: '13:00', end: '17:00' },
      { day: 1, start: '09:00', end: '12:00' },
    ]);
    expect(rows.map((r) => `${r.day} ${r.start}`)).toEqual(['1 09:00', '1 13:00', '0 10:00']);
    expect(weeklyFromRows([{ key: 1, day: '2', start: '9.30', end: ' 24:00 ' }])).toEqual([
      { day: 2, start: '09:30', end: '24:00' },
    ]);
    expect(normaliseTime('9am')).toBe('9am');
  });

  it('links each server problem to its cell', () => {
    expect(hoursFieldFor('Period 1: start must be a time like 09:00 (00:00–23:59).')).toBe('period-1-start');
    expect(hoursFieldFor('Period 2 (Monday 10:00–09:00): end must be after start.')).toBe('period-2-end');
    expect(hoursFieldFor('Periods 3 and 4 overlap on Tuesday.')).toBe('period-4-start');
    expect(hoursFieldFor('Period 5: day must be a whole number from 0 (Sunday) to 6 (Saturday).')).toBe('period-5-day');
    expect(hoursFieldFor('/weekly/0/end must NOT have more than 5 characters')).toBe('period-1-end');
    expect(hoursFieldFor('Weekly opening hours must be a list of periods.')).toBeUndefined();
  });
});
