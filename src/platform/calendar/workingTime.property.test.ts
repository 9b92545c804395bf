// Property tests: the invariants every caller relies on, checked against
// random schedules, closures, nations and instants (biased towards the
// clock-change weekends and Christmas, where bugs like to live).

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createServiceCalendar } from './index.js';
import { addDays, formatLocalDate } from './localDate.js';
import { londonDateOf, londonOffsetMs, startOfLondonDay } from './londonTime.js';
import { HOUR, schoolNursing } from './testFixtures.js';
import { NATIONS, type Closure, type DayOfWeek, type ServiceCalendar, type WeeklyPeriod } from './types.js';
import {
  addWorkingDays,
  addWorkingHours,
  addWorkingMs,
  currentClosedPeriod,
  isOpen,
  isWorkingDay,
  nextOpening,
  workingMsBetween,
} from './workingTime.js';

// Modest to keep the suite fast; raise locally (e.g. 5000) for a soak after changing the module.
const RUNS = { numRuns: 100 };
const FROM = Date.UTC(2020, 0, 1);
const TO = Date.UTC(2035, 5, 1);

const clock = (minutes: number) =>
  minutes === 1440
    ? '24:00'
    : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** One day's periods: sorted distinct half-hour boundaries, paired up, so never overlapping. */
const dayPeriods = (day: DayOfWeek) =>
  fc.uniqueArray(fc.integer({ min: 0, max: 48 }), { minLength: 0, maxLength: 6 }).map((boundaries) => {
    const sorted = [...boundaries].sort((a, b) => a - b);
    const result: WeeklyPeriod[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) {
      result.push({ day, start: clock((sorted[i] ?? 0) * 30), end: clock((sorted[i + 1] ?? 0) * 30) });
    }
    return result;
  });

const weekly = fc
  .tuple(...([0, 1, 2, 3, 4, 5, 6] as const).map(dayPeriods))
  .map((days) => days.flat())
  .filter((periods) => periods.length > 0);

// Near a clock change (last Sundays of March/October), at Christmas, or anywhere.
const interesting = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc
    .tuple(fc.integer({ min: 2020, max: 2034 }), fc.constantFrom(2, 9), fc.integer({ min: 0, max: 7 * 24 * 60 }))
    .map(([year, month, minutes]) => {
      const lastOfMonth = new Date(Date.UTC(year, month + 1, 0));
      const lastSunday = lastOfMonth.getTime() - lastOfMonth.getUTCDay() * 86_400_000;
      return lastSunday - 3 * 86_400_000 + minutes * 60_000;
    }),
  fc
    .tuple(fc.integer({ min: 2020, max: 2034 }), fc.integer({ min: 0, max: 14 * 24 * 60 }))
    .map(([year, minutes]) => Date.UTC(year, 11, 20) + minutes * 60_000),
);
const instant = interesting.map((ms) => new Date(ms));

const closure: fc.Arbitrary<Closure> = fc
  .tuple(interesting, fc.integer({ min: 1, max: 3 * 24 * 60 }))
  .map(([start, minutes]) => ({ start: new Date(start), end: new Date(start + minutes * 60_000) }));

const calendar: fc.Arbitrary<ServiceCalendar> = fc.oneof(
  fc.constantFrom(...NATIONS).map((nation) => schoolNursing(nation)),
  fc
    .record({ nation: fc.constantFrom(...NATIONS), weekly, closures: fc.array(closure, { maxLength: 3 }) })
    .map((input) => createServiceCalendar(input)),
);

/** Working time to add: up to 12 hours, to the minute. */
const workingMs = fc.integer({ min: 0, max: 12 * 60 }).map((minutes) => minutes * 60_000);

/** Every result must be in, or at the end of, open time: so never on a bank holiday or in a closure. */
function expectEndOfOpenTime(cal: ServiceCalendar, result: Date) {
  const justBefore = new Date(result.getTime() - 1);
  expect(isOpen(cal, justBefore)).toBe(true);
  expect(cal.bankHolidays.has(formatLocalDate(londonDateOf(justBefore)))).toBe(false);
  for (const { start, end } of cal.closures) expect(justBefore >= start && justBefore < end).toBe(false);
}

describe('working-time properties', () => {
  it('nextOpening is open, not before `at`, with no open time skipped; it is `at` exactly when open', () => {
    fc.assert(
      fc.property(calendar, instant, (cal, at) => {
        const next = nextOpening(cal, at);
        if (next === null) return;
        expect(next.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(isOpen(cal, next)).toBe(true);
        expect(workingMsBetween(cal, at, next)).toBe(0);
        expect(next.getTime() === at.getTime()).toBe(isOpen(cal, at));
      }),
      RUNS,
    );
  });

  it('nextOpening is monotonic', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 0, max: 4 * 24 * 60 }), (cal, at, minutes) => {
        const later = new Date(at.getTime() + minutes * 60_000);
        const [a, b] = [nextOpening(cal, at), nextOpening(cal, later)];
        if (a && b) expect(b.getTime()).toBeGreaterThanOrEqual(a.getTime());
      }),
      RUNS,
    );
  });

  it('addWorkingMs adds exactly that much open time and ends in open time', () => {
    fc.assert(
      fc.property(calendar, instant, workingMs, (cal, from, ms) => {
        const result = addWorkingMs(cal, from, ms);
        expect(workingMsBetween(cal, from, result)).toBe(ms);
        if (ms > 0) expectEndOfOpenTime(cal, result);
        else expect(result).toEqual(from);
      }),
      RUNS,
    );
  });

  it('addWorkingHours(t, h1 + h2) = addWorkingHours(addWorkingHours(t, h1), h2)', () => {
    const quarterHours = fc.integer({ min: 0, max: 24 }).map((quarters) => quarters / 4);
    fc.assert(
      fc.property(calendar, instant, quarterHours, quarterHours, (cal, from, h1, h2) => {
        expect(addWorkingHours(cal, from, h1 + h2)).toEqual(addWorkingHours(cal, addWorkingHours(cal, from, h1), h2));
      }),
      RUNS,
    );
  });

  it('addWorkingMs is monotonic in both the start and the amount', () => {
    fc.assert(
      fc.property(
        calendar,
        instant,
        fc.integer({ min: 0, max: 24 * 60 }),
        workingMs,
        workingMs,
        (cal, from, minutes, m1, m2) => {
          const [small, large] = m1 <= m2 ? [m1, m2] : [m2, m1];
          const later = new Date(from.getTime() + minutes * 60_000);
          expect(addWorkingMs(cal, from, large).getTime()).toBeGreaterThanOrEqual(
            addWorkingMs(cal, from, small).getTime(),
          );
          expect(addWorkingMs(cal, later, small).getTime()).toBeGreaterThanOrEqual(
            addWorkingMs(cal, from, small).getTime(),
          );
        },
      ),
      RUNS,
    );
  });

  it('workingMsBetween is additive and never more than elapsed time', () => {
    fc.assert(
      fc.property(
        calendar,
        instant,
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        (cal, a, x, y) => {
          const b = new Date(a.getTime() + x * 60_000);
          const c = new Date(b.getTime() + y * 60_000);
          const ab = workingMsBetween(cal, a, b);
          expect(ab).toBeGreaterThanOrEqual(0);
          expect(ab).toBeLessThanOrEqual(b.getTime() - a.getTime());
          expect(workingMsBetween(cal, a, c)).toBe(ab + workingMsBetween(cal, b, c));
          expect(workingMsBetween(cal, c, a) + workingMsBetween(cal, a, c)).toBe(0);
        },
      ),
      RUNS,
    );
  });

  it('the closed period containing `at` is one key for the whole period', () => {
    fc.assert(
      fc.property(calendar, instant, fc.double({ min: 0, max: 1, noNaN: true }), (cal, at, fraction) => {
        const period = currentClosedPeriod(cal, at);
        if (period === null) {
          expect(isOpen(cal, at)).toBe(true);
          return;
        }
        expect(period.start.getTime()).toBeLessThanOrEqual(at.getTime());
        if (period.start.getTime() > 0) {
          expect(isOpen(cal, new Date(period.start.getTime() - 1))).toBe(true);
          expect(workingMsBetween(cal, period.start, at)).toBe(0);
        }
        if (period.reopensAt === null) return;
        const span = period.reopensAt.getTime() - at.getTime();
        const laterInSamePeriod = new Date(at.getTime() + Math.floor(fraction * (span - 1)));
        expect(currentClosedPeriod(cal, laterInSamePeriod)?.start).toEqual(period.start);
      }),
      RUNS,
    );
  });

  it('addWorkingDays lands within the opening hours of a working day, later for more days', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 1, max: 5 }), (cal, from, days) => {
        const due = addWorkingDays(cal, from, days);
        const dueSooner = addWorkingDays(cal, from, days - 1);
        expect(due.getTime()).toBeGreaterThan(from.getTime());
        expect(due.getTime()).toBeGreaterThanOrEqual(dueSooner.getTime());
        // Open, at a closing time, or in a mid-day gap (e.g. lunch) of a working day.
        if (isOpen(cal, due) || isOpen(cal, new Date(due.getTime() - 1))) return;
        const day = londonDateOf(due);
        expect(isWorkingDay(cal, day)).toBe(true);
        expect(formatLocalDate(londonDateOf(nextOpening(cal, due) ?? due))).toBe(formatLocalDate(day));
      }),
      RUNS,
    );
  });

  it('a 24-hour service is open for exactly the length of each local date (23, 24 or 25 hours)', () => {
    const always = createServiceCalendar({
      nation: 'scotland',
      weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '00:00', end: '24:00' })),
      bankHolidays: new Set(),
    });
    fc.assert(
      fc.property(instant, (at) => {
        const day = londonDateOf(at);
        const start = startOfLondonDay(day);
        const end = startOfLondonDay(addDays(day, 1));
        const expected = 24 * HOUR + londonOffsetMs(start) - londonOffsetMs(end);
        expect([23 * HOUR, 24 * HOUR, 25 * HOUR]).toContain(expected);
        expect(workingMsBetween(always, start, end)).toBe(expected);
        expect(end.getTime() - start.getTime()).toBe(expected);
      }),
      { numRuns: 50 },
    );
  });
});
