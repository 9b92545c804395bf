import { describe, expect, it } from 'vitest';
import { summariseHours } from './hoursSummary.js';

describe('summariseHours', () => {
  it('runs days with the same hours together, Monday first', () => {
    const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '08:30', end: '17:00' }));
    expect(summariseHours(weekdays)).toBe('Monday to Friday: 8:30am to 5pm. Saturday and Sunday: closed.');
  });

  it('lists split days and says when a service never opens', () => {
    expect(
      summariseHours([
        { day: 0, start: '10:00', end: '12:00' },
        { day: 3, start: '13:00', end: '24:00' },
        { day: 3, start: '09:00', end: '12:00' },
      ]),
    ).toBe(
      'Monday and Tuesday: closed. Wednesday: 9am to midday, 1pm to midnight. Thursday to Saturday: closed. Sunday: 10am to midday.',
    );
    expect(summariseHours([])).toBe('Closed every day.');
    const always = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' }));
    expect(summariseHours(always)).toBe('Monday to Sunday: all day.');
  });
});
