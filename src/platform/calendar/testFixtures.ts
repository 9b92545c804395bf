// Shared fixtures for this folder's tests (not imported by production code).

import { createServiceCalendar } from './index.js';
import { fromLondon } from './londonTime.js';
import type { Closure, DayOfWeek, Nation, ServiceCalendar, WeeklyPeriod } from './types.js';

export const WEEKDAYS: readonly DayOfWeek[] = [1, 2, 3, 4, 5];
export const EVERY_DAY: readonly DayOfWeek[] = [0, 1, 2, 3, 4, 5, 6];

export function periods(days: readonly DayOfWeek[], ...hours: [string, string][]): WeeklyPeriod[] {
  return days.flatMap((day) => hours.map(([start, end]) => ({ day, start, end })));
}

/** The example service from the brief: weekdays with a lunch break. */
export function schoolNursing(nation: Nation = 'england-and-wales', closures: Closure[] = []): ServiceCalendar {
  return createServiceCalendar({
    nation,
    weekly: periods(WEEKDAYS, ['09:00', '12:30'], ['13:30', '17:00']),
    closures,
  });
}

export function officeHours(nation: Nation = 'england-and-wales', closures: Closure[] = []): ServiceCalendar {
  return createServiceCalendar({ nation, weekly: periods(WEEKDAYS, ['09:00', '17:00']), closures });
}

export function allHours(nation: Nation = 'england-and-wales', closures: Closure[] = []): ServiceCalendar {
  return createServiceCalendar({ nation, weekly: periods(EVERY_DAY, ['00:00', '24:00']), closures });
}

/** A London wall-clock instant, e.g. london('2025-04-17 16:00'). */
export function london(text: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) throw new Error(`Bad test time ${text}`);
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return fromLondon({
    year: year ?? NaN,
    month: month ?? NaN,
    day: day ?? NaN,
    hour: hour ?? NaN,
    minute: minute ?? NaN,
    second: Number.isNaN(second) ? 0 : (second ?? 0),
    millisecond: 0,
  });
}

export const HOUR = 3_600_000;
