import { describe, it, expect } from 'vitest';
import { createServiceCalendar } from './index.js';
import { allHours, london, officeHours, periods, schoolNursing } from './testFixtures.js';
import { addWorkingDays } from './workingTime.js';

describe('addWorkingDays (Mon–Fri 09:00–17:00)', () => {
  const cal = officeHours();
  const due = (from: string, days = 1) => addWorkingDays(cal, london(from), days);

  it('in hours: the same clock time on the next working day', () => {
    expect(due('2025-06-09 10:00')).toEqual(london('2025-06-10 10:00')); // Mon → Tue
    expect(due('2025-06-13 16:00')).toEqual(london('2025-06-16 16:00')); // Fri → Mon
    expect(due('2025-06-09 10:00', 3)).toEqual(london('2025-06-12 10:00'));
  });

  it('out of hours: counts from the next opening, so due at close of business', () => {
    expect(due('2025-06-14 11:00')).toEqual(london('2025-06-16 17:00')); // Sat → end of Mon
    expect(due('2025-06-09 18:00')).toEqual(london('2025-06-10 17:00')); // Mon evening → end of Tue
    expect(due('2025-06-09 07:00')).toEqual(london('2025-06-09 17:00')); // Mon early → end of Mon
    expect(due('2025-06-09 09:00')).toEqual(london('2025-06-09 17:00')); // opening time is the same
  });

  it('skips bank holidays', () => {
    expect(due('2025-04-17 10:00')).toEqual(london('2025-04-22 10:00')); // Thu before Easter → Tue
    expect(due('2025-12-24 15:00')).toEqual(london('2025-12-29 15:00'));
    expect(due('2025-12-24 15:00', 2)).toEqual(london('2025-12-30 15:00'));
  });

  it('zero days is the moment the message is received', () => {
    expect(due('2025-06-09 10:00', 0)).toEqual(london('2025-06-09 10:00'));
    expect(due('2025-06-14 11:00', 0)).toEqual(london('2025-06-16 09:00'));
  });

  it('rejects fractional or negative days, and schedules that never open', () => {
    expect(() => due('2025-06-09 10:00', 1.5)).toThrow(RangeError);
    expect(() => due('2025-06-09 10:00', -1)).toThrow(RangeError);
    const never = createServiceCalendar({ nation: 'scotland', weekly: [] });
    expect(() => addWorkingDays(never, london('2025-06-09 10:00'), 1)).toThrow(/does not open/);
  });
});

describe('addWorkingDays with uneven days', () => {
  it('clamps to a shorter target day’s closing time', () => {
    const cal = createServiceCalendar({
      nation: 'england-and-wales',
      weekly: [...periods([4], ['12:00', '20:00']), ...periods([5], ['09:00', '13:00'])],
    });
    expect(addWorkingDays(cal, london('2025-06-12 18:00'), 1)).toEqual(london('2025-06-13 13:00')); // Thu → Fri close
  });

  it('never falls before a later-opening target day opens', () => {
    const cal = createServiceCalendar({
      nation: 'england-and-wales',
      weekly: [...periods([4], ['12:00', '20:00']), ...periods([5], ['09:00', '13:00'])],
    });
    expect(addWorkingDays(cal, london('2025-06-13 10:00'), 1)).toEqual(london('2025-06-19 12:00')); // Fri → Thu opening
  });

  it('a message sent over lunch counts from the afternoon opening, not the start of the day', () => {
    const cal = schoolNursing();
    expect(addWorkingDays(cal, london('2025-06-09 12:45'), 1)).toEqual(london('2025-06-10 13:30'));
    expect(addWorkingDays(cal, london('2025-06-09 08:00'), 2)).toEqual(london('2025-06-10 17:00'));
  });

  it('a closure can remove a whole working day', () => {
    const awayDay = { start: london('2025-06-10 00:00'), end: london('2025-06-11 00:00'), reason: 'Away day' };
    const cal = officeHours('england-and-wales', [awayDay]);
    expect(addWorkingDays(cal, london('2025-06-09 10:00'), 1)).toEqual(london('2025-06-11 10:00'));
  });

  it('a 24-hour service: exactly 24 hours later by the local clock, even across a clock change', () => {
    const cal = allHours();
    expect(addWorkingDays(cal, london('2025-03-29 10:00'), 1)).toEqual(london('2025-03-30 10:00'));
    expect(addWorkingDays(cal, london('2025-03-29 10:00'), 1).getTime() - london('2025-03-29 10:00').getTime()).toBe(
      23 * 3_600_000,
    );
  });
});
