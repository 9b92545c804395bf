// Public entry point for the shared working-time module. Import from here
// rather than individual files so the internals (openIntervals, localDate)
// can change freely.

import { bankHolidaysFor } from './bankHolidays.js';
import {
  validateClosures,
  validateWeekly,
  type Closure,
  type Nation,
  type ServiceCalendar,
  type WeeklyPeriod,
} from './types.js';

export type { Closure, DayOfWeek, Nation, ServiceCalendar, WeeklyPeriod } from './types.js';
export { NATIONS, parseClockTime, validateClosures, validateWeekly } from './types.js';
export type { LocalDate } from './localDate.js';
export { formatLocalDate, parseLocalDate } from './localDate.js';
export type { LocalDateTime } from './londonTime.js';
export { fromLondon, londonDateOf, londonOffsetMs, toLondon } from './londonTime.js';
export type { BankHolidaySets } from './bankHolidays.js';
export { bankHolidaysFor, parseBankHolidayFeed, shippedBankHolidayYears } from './bankHolidays.js';
export type { ClosedPeriod } from './workingTime.js';
export {
  addWorkingDays,
  addWorkingHours,
  addWorkingMs,
  currentClosedPeriod,
  currentClosedPeriodStart,
  isOpen,
  isWorkingDay,
  nextOpening,
  workingMsBetween,
} from './workingTime.js';

/**
 * Builds a calendar for a service from what is stored per service, filling in
 * the nation's bank holidays from the shipped feed unless given. Throws with
 * every validation problem joined, for code paths (seeding, tests) that have
 * no API caller to answer; the admin API should call validateWeekly itself.
 */
export function createServiceCalendar(input: {
  nation: Nation;
  weekly: readonly WeeklyPeriod[];
  closures?: readonly Closure[];
  bankHolidays?: ReadonlySet<string>;
}): ServiceCalendar {
  const closures = input.closures ?? [];
  const problems = [...validateWeekly(input.weekly), ...validateClosures(closures)];
  if (problems.length > 0) throw new Error(`Invalid service calendar: ${problems.join(' ')}`);
  return {
    timeZone: 'Europe/London',
    nation: input.nation,
    weekly: input.weekly,
    closures,
    bankHolidays: input.bankHolidays ?? bankHolidaysFor(input.nation),
  };
}
