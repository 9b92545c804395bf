import { describe, it, expect } from 'vitest';
import { createServiceCalendar } from './index.js';
import { HOUR, allHours, london, officeHours, periods, schoolNursing } from './testFixtures.js';
import {
  addWorkingHours,
  currentClosedPeriod,
  currentClosedPeriodStart,
  isOpen,
  nextOpening,
  workingMsBetween,
} from './workingTime.js';

describe('isOpen', () => {
  const cal = schoolNursing();

  it('is open inside weekday periods, closed at lunch, evenings and weekends', () => {
    expect(isOpen(cal, london('2025-06-11 09:00'))).toBe(true); // Wednesday, BST
    expect(isOpen(cal, london('2025-06-11 12:29'))).toBe(true);
    expect(isOpen(cal, london('2025-06-11 12:30'))).toBe(false); // end is exclusive
    expect(isOpen(cal, london('2025-06-11 13:30'))).toBe(true);
    expect(isOpen(cal, london('2025-06-11 17:00'))).toBe(false);
    expect(isOpen(cal, london('2025-06-11 08:59'))).toBe(false);
    expect(isOpen(cal, london('2025-06-14 10:00'))).toBe(false); // Saturday
    expect(isOpen(cal, london('2025-01-15 09:00'))).toBe(true); // GMT: 09:00 local is 09:00 UTC
    expect(isOpen(cal, new Date('2025-06-11T08:00:00Z'))).toBe(true); // BST: 09:00 local is 08:00 UTC
  });

  it('is closed on each nation’s own bank holidays', () => {
    const august4 = london('2025-08-04 10:00'); // Scottish summer bank holiday
    const august25 = london('2025-08-25 10:00'); // summer bank holiday elsewhere
    const july14 = london('2025-07-14 10:00'); // Boyne substitute
    const april21 = london('2025-04-21 10:00'); // Easter Monday, not in Scotland
    const december1 = london('2025-12-01 10:00'); // St Andrew's substitute
    expect(
      [august4, august25, july14, april21, december1].map((at) => isOpen(schoolNursing('england-and-wales'), at)),
    ).toEqual([true, false, true, false, true]);
    expect([august4, august25, july14, april21, december1].map((at) => isOpen(schoolNursing('scotland'), at))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(
      [august4, august25, july14, april21, december1].map((at) => isOpen(schoolNursing('northern-ireland'), at)),
    ).toEqual([true, false, false, false, true]);
  });

  it('honours a closure that cuts a period partially', () => {
    const training = { start: london('2025-06-11 10:00'), end: london('2025-06-11 11:15'), reason: 'Training' };
    const cal = schoolNursing('england-and-wales', [training]);
    expect(isOpen(cal, london('2025-06-11 09:59'))).toBe(true);
    expect(isOpen(cal, london('2025-06-11 10:00'))).toBe(false);
    expect(isOpen(cal, london('2025-06-11 11:14'))).toBe(false);
    expect(isOpen(cal, london('2025-06-11 11:15'))).toBe(true);
  });
});

describe('nextOpening', () => {
  const cal = schoolNursing();

  it('returns the instant itself when open', () => {
    const at = london('2025-06-11 10:00');
    expect(nextOpening(cal, at)).toEqual(at);
  });

  it('skips lunch, nights, weekends and bank holidays', () => {
    expect(nextOpening(cal, london('2025-06-11 12:45'))).toEqual(london('2025-06-11 13:30'));
    expect(nextOpening(cal, london('2025-06-11 17:00'))).toEqual(london('2025-06-12 09:00'));
    expect(nextOpening(cal, london('2025-06-13 17:30'))).toEqual(london('2025-06-16 09:00'));
    expect(nextOpening(cal, london('2025-04-17 17:30'))).toEqual(london('2025-04-22 09:00')); // Easter
    expect(nextOpening(cal, london('2025-12-24 17:30'))).toEqual(london('2025-12-29 09:00'));
  });

  it('returns the end of a closure that covers the opening', () => {
    const cal = schoolNursing('england-and-wales', [
      { start: london('2025-06-12 08:00'), end: london('2025-06-12 10:30') },
    ]);
    expect(nextOpening(cal, london('2025-06-11 18:00'))).toEqual(london('2025-06-12 10:30'));
  });

  it('is null for an empty schedule or a closure longer than the search window', () => {
    expect(
      nextOpening(createServiceCalendar({ nation: 'scotland', weekly: [] }), london('2025-06-11 10:00')),
    ).toBeNull();
    const longClosure = { start: london('2025-01-01 00:00'), end: london('2027-01-01 00:00') };
    expect(nextOpening(officeHours('england-and-wales', [longClosure]), london('2025-06-11 10:00'))).toBeNull();
  });
});

describe('currentClosedPeriod', () => {
  const cal = schoolNursing();

  it('is null while open', () => {
    expect(currentClosedPeriodStart(cal, london('2025-06-11 10:00'))).toBeNull();
  });

  it('is the same for every instant of one closed period, and differs for the next', () => {
    const fridayClose = london('2025-06-13 17:00');
    for (const at of ['2025-06-13 17:00', '2025-06-14 03:00', '2025-06-15 23:59', '2025-06-16 08:59']) {
      expect(currentClosedPeriod(cal, london(at))).toEqual({
        start: fridayClose,
        reopensAt: london('2025-06-16 09:00'),
      });
    }
    expect(currentClosedPeriodStart(cal, london('2025-06-16 12:45'))).toEqual(london('2025-06-16 12:30'));
  });

  it('treats a 24-hour service as one long opening, so only closures start closed periods', () => {
    const closure = { start: london('2025-06-11 10:00'), end: london('2025-06-11 12:00') };
    const cal = allHours('england-and-wales', [closure]);
    expect(currentClosedPeriodStart(cal, london('2025-06-11 11:00'))).toEqual(closure.start);
    expect(currentClosedPeriodStart(cal, london('2025-08-25 11:00'))).toEqual(london('2025-08-25 00:00'));
  });

  it('uses the epoch when the service has not been open for 400 days', () => {
    const cal = createServiceCalendar({ nation: 'england-and-wales', weekly: [] });
    expect(currentClosedPeriod(cal, london('2025-06-11 10:00'))).toEqual({ start: new Date(0), reopensAt: null });
  });
});

describe('clock-change Sundays', () => {
  const sundays = createServiceCalendar({ nation: 'england-and-wales', weekly: periods([0], ['00:00', '24:00']) });

  it('a service open 00:00–24:00 is open 23 hours on the spring-forward Sunday', () => {
    expect(workingMsBetween(sundays, london('2025-03-29 12:00'), london('2025-03-31 12:00'))).toBe(23 * HOUR);
  });

  it('and 25 hours on the autumn-back Sunday', () => {
    expect(workingMsBetween(sundays, london('2025-10-25 12:00'), london('2025-10-27 12:00'))).toBe(25 * HOUR);
  });

  it('keeps 09:00 at 09:00 local on both sides of the change', () => {
    const cal = officeHours();
    expect(nextOpening(cal, london('2025-03-29 12:00'))).toEqual(new Date('2025-03-31T08:00:00Z'));
    expect(nextOpening(cal, london('2025-10-25 12:00'))).toEqual(new Date('2025-10-27T09:00:00Z'));
  });

  it('a period inside the spring gap is empty; one across the autumn overlap is an hour longer', () => {
    const gap = createServiceCalendar({
      nation: 'scotland',
      weekly: periods([0], ['01:15', '01:45'], ['01:50', '03:00']),
    });
    expect(workingMsBetween(gap, london('2025-03-30 00:00'), london('2025-03-30 12:00'))).toBe(1 * HOUR);
    expect(nextOpening(gap, london('2025-03-30 00:00'))).toEqual(new Date('2025-03-30T01:00:00Z'));
    const overlap = createServiceCalendar({ nation: 'scotland', weekly: periods([0], ['00:30', '02:30']) });
    expect(workingMsBetween(overlap, london('2025-10-26 00:00'), london('2025-10-26 12:00'))).toBe(3 * HOUR);
  });
});

describe('addWorkingHours and workingMsBetween', () => {
  const cal = schoolNursing();

  it('counts only open time, skipping lunch and the weekend', () => {
    expect(addWorkingHours(cal, london('2025-06-13 11:30'), 1)).toEqual(london('2025-06-13 12:30'));
    expect(addWorkingHours(cal, london('2025-06-13 11:30'), 2)).toEqual(london('2025-06-13 14:30'));
    expect(addWorkingHours(cal, london('2025-06-13 16:00'), 1.5)).toEqual(london('2025-06-16 09:30'));
    expect(addWorkingHours(cal, london('2025-06-14 10:00'), 0.25)).toEqual(london('2025-06-16 09:15'));
  });

  it('lands on closing time when hours run out exactly, and returns `from` for zero', () => {
    expect(addWorkingHours(cal, london('2025-06-13 09:00'), 7)).toEqual(london('2025-06-13 17:00'));
    const saturday = london('2025-06-14 10:00');
    expect(addWorkingHours(cal, saturday, 0)).toEqual(saturday);
  });

  it('rejects negative hours and schedules that never open', () => {
    expect(() => addWorkingHours(cal, london('2025-06-13 09:00'), -1)).toThrow(RangeError);
    const never = createServiceCalendar({ nation: 'scotland', weekly: [] });
    expect(() => addWorkingHours(never, london('2025-06-13 09:00'), 1)).toThrow(/closed for 400 days/);
  });

  it('measures a week, a bank-holiday week, and is signed', () => {
    expect(workingMsBetween(cal, london('2025-06-09 00:00'), london('2025-06-16 00:00'))).toBe(35 * HOUR);
    expect(workingMsBetween(cal, london('2025-05-26 00:00'), london('2025-06-02 00:00'))).toBe(28 * HOUR);
    expect(workingMsBetween(cal, london('2025-06-16 00:00'), london('2025-06-09 00:00'))).toBe(-35 * HOUR);
  });

  it('counts open time after a closure longer than the search window', () => {
    const closure = { start: london('2025-01-01 00:00'), end: london('2026-03-02 00:00') };
    const closed = officeHours('england-and-wales', [closure]);
    expect(workingMsBetween(closed, london('2024-12-31 16:00'), london('2026-03-02 10:00'))).toBe(2 * HOUR);
  });
});
