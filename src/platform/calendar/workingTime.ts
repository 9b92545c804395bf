// Working-time questions every part of Confide asks: is the team open, when
// do they next open, which closed period are we in (for the once-per-period
// out-of-hours reply), and deadlines/response times counted in open time only.
// All functions are pure: same calendar and instants in, same answer out.
//
// Every walk over local dates has a fixed bound on the number of dates it
// looks at (see docs/CALENDAR.md, "Termination"), so no calendar can make a
// call hang: the searches stop after SEARCH_LIMIT_DAYS, the additions after
// WORKING_TIME_HORIZON_DAYS, and workingMsBetween after the dates in range.

import { dayNumberOf, localDateOfDayNumber, type LocalDate } from './localDate.js';
import { fromLondon, londonDayNumber, toLondon } from './londonTime.js';
import {
  SEARCH_LIMIT_DAYS,
  WORKING_TIME_HORIZON_DAYS,
  isOpenAt,
  lastClosingAtOrBefore,
  openRangesOnDay,
} from './openIntervals.js';
import type { ServiceCalendar } from './types.js';

const MS_PER_HOUR = 3_600_000;

function msOf(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid date');
  return ms;
}

/** Open now: inside a weekly period, not on a bank holiday, not inside a closure. */
export function isOpen(cal: ServiceCalendar, at: Date): boolean {
  return isOpenAt(cal, msOf(at));
}

/**
 * The first open instant at or after `at` (`at` itself if open), or null if
 * none on `at`'s local date or the 399 after it (400 dates are looked at).
 */
export function nextOpening(cal: ServiceCalendar, at: Date): Date | null {
  const atMs = msOf(at);
  const first = londonDayNumber(atMs);
  for (let day = first; day < first + SEARCH_LIMIT_DAYS; day++) {
    for (const interval of openRangesOnDay(cal, day)) {
      if (interval.end > atMs) return new Date(Math.max(interval.start, atMs));
    }
  }
  return null;
}

export interface ClosedPeriod {
  /**
   * When this closed period began: the last closing time at or before `at`.
   * It is the same for every instant in the period, so `${conversationId}:${start.toISOString()}`
   * is a stable key for "bounce-back already sent". If the service has not
   * been open in the last 400 days it is the Unix epoch, which is stable too.
   */
  readonly start: Date;
  /** When the service next opens, or null if not within 400 days. */
  readonly reopensAt: Date | null;
}

/** The closed period containing `at`, or null if the service is open. */
export function currentClosedPeriod(cal: ServiceCalendar, at: Date): ClosedPeriod | null {
  const atMs = msOf(at);
  if (isOpenAt(cal, atMs)) return null;
  return { start: new Date(lastClosingAtOrBefore(cal, atMs) ?? 0), reopensAt: nextOpening(cal, at) };
}

/** Shorthand for `currentClosedPeriod(cal, at)?.start ?? null`. */
export function currentClosedPeriodStart(cal: ServiceCalendar, at: Date): Date | null {
  return currentClosedPeriod(cal, at)?.start ?? null;
}

/**
 * The instant by which the service has been open for `ms` milliseconds since
 * `from` (the earliest such instant, so a deadline that uses up a day's hours
 * exactly lands on that day's closing time, not the next morning).
 * Throws a RangeError if the service stays closed for 400 days on the way, or
 * if the answer is not within WORKING_TIME_HORIZON_DAYS (~10 years) of dates.
 */
export function addWorkingMs(cal: ServiceCalendar, from: Date, ms: number): Date {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Working time to add must be zero or more, got ${ms}`);
  const fromMs = msOf(from);
  let remaining = Math.round(ms);
  if (remaining === 0) return new Date(fromMs);
  const first = londonDayNumber(fromMs);
  let idleDays = 0;
  // Consume open time a date at a time and stop as soon as it is used up.
  for (let day = first; day < first + WORKING_TIME_HORIZON_DAYS; day++) {
    let openThisDay = false;
    for (const interval of openRangesOnDay(cal, day)) {
      if (interval.end <= fromMs) continue;
      openThisDay = true;
      const start = Math.max(interval.start, fromMs);
      const available = interval.end - start;
      if (remaining <= available) return new Date(start + remaining);
      remaining -= available;
    }
    idleDays = openThisDay ? 0 : idleDays + 1;
    if (idleDays >= SEARCH_LIMIT_DAYS) {
      throw new RangeError(`Service is closed for ${SEARCH_LIMIT_DAYS} days in a row; cannot add working time`);
    }
  }
  throw new RangeError(`Working time to add runs past ${WORKING_TIME_HORIZON_DAYS} days; cannot add working time`);
}

/** `addWorkingMs` in hours; fractions are allowed and rounded to the millisecond. */
export function addWorkingHours(cal: ServiceCalendar, from: Date, hours: number): Date {
  return addWorkingMs(cal, from, hours * MS_PER_HOUR);
}

/**
 * Open time between two instants in ms. Signed, so that
 * workingMsBetween(a, c) = workingMsBetween(a, b) + workingMsBetween(b, c) for any order.
 */
export function workingMsBetween(cal: ServiceCalendar, a: Date, b: Date): number {
  const aMs = msOf(a);
  const bMs = msOf(b);
  if (bMs < aMs) return 0 - workingMsBetween(cal, b, a); // `0 -`, not unary minus, so never -0
  let total = 0;
  // No idle limit: a long closure in the middle must not cut the count short.
  // Each local date from a's to b's is looked at once, so this is linear in b − a.
  const lastDay = londonDayNumber(bMs);
  for (let day = londonDayNumber(aMs); day <= lastDay; day++) {
    for (const interval of openRangesOnDay(cal, day)) {
      if (interval.end <= aMs) continue;
      if (interval.start >= bMs) return total;
      total += Math.min(interval.end, bMs) - Math.max(interval.start, aMs);
    }
  }
  return total;
}

/** A working day is a local date on which the service is open at some point. */
export function isWorkingDay(cal: ServiceCalendar, date: LocalDate): boolean {
  return openRangesOnDay(cal, dayNumberOf(date)).length > 0;
}

/**
 * "We will reply within N working days" as a deadline. A working day is a
 * local date on which the service is open at some point (so weekends, bank
 * holidays and all-day closures are skipped).
 *
 * 1. Received: a message counts from `nextOpening(from)`; out-of-hours
 *    messages arrive, in effect, when the team next opens.
 * 2. Received at the start of the team's day (overnight, weekend, bank
 *    holiday, or exactly at opening): the team has that whole day, so the
 *    deadline is close of business on the N-th working day, counting that
 *    day as the first.
 * 3. Received during the day: the same local clock time on the N-th working
 *    day after, kept within that day's hours (so a Thursday late-opening
 *    message due on a Friday that closes at 13:00 is due at 13:00, and one
 *    due on a day that opens late is due when it opens).
 *
 * With Mon–Fri 09:00–17:00: Mon 10:00 → Tue 10:00; Fri 16:00 → Mon 16:00;
 * Sat 11:00 → Mon 17:00; Mon 07:00 → Mon 17:00; Mon 18:00 → Tue 17:00.
 * Both cases give the team at least N working days' worth of open time
 * whenever the days have equal hours. N = 0 returns the received instant.
 * Throws a RangeError if the service does not open within 400 days, stays
 * closed for 400 days in a row, or the deadline is more than
 * WORKING_TIME_HORIZON_DAYS (~10 years) of dates after the received day.
 */
export function addWorkingDays(cal: ServiceCalendar, from: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`Working days must be a whole number ≥ 0, got ${days}`);
  const received = nextOpening(cal, from);
  if (!received) throw new RangeError(`Service does not open within ${SEARCH_LIMIT_DAYS} days; cannot set a deadline`);
  if (days === 0) return received;

  const receivedDay = londonDayNumber(received);
  const receivedAtStartOfDay = openRangesOnDay(cal, receivedDay)[0]?.start === received.getTime();
  if (receivedAtStartOfDay) {
    const lastDay = nthWorkingDayAfter(cal, receivedDay, days - 1);
    return new Date(openRangesOnDay(cal, lastDay).at(-1)?.end ?? received.getTime());
  }

  const targetDay = nthWorkingDayAfter(cal, receivedDay, days);
  const targetIntervals = openRangesOnDay(cal, targetDay);
  const { hour, minute, second, millisecond } = toLondon(received);
  const sameClockTime = fromLondon({ ...localDateOfDayNumber(targetDay), hour, minute, second, millisecond }).getTime();
  // A working day always has at least one interval; the fallbacks only satisfy the type checker.
  const firstOpening = targetIntervals[0]?.start ?? sameClockTime;
  const lastClosing = targetIntervals.at(-1)?.end ?? sameClockTime;
  return new Date(Math.min(Math.max(sameClockTime, firstOpening), lastClosing));
}

/** Day number of the n-th working day after `start` (`start` itself for n = 0). */
function nthWorkingDayAfter(cal: ServiceCalendar, start: number, n: number): number {
  let day = start;
  let found = 0;
  let idleDays = 0;
  while (found < n) {
    day++;
    if (day - start > WORKING_TIME_HORIZON_DAYS) {
      throw new RangeError(`Deadline is more than ${WORKING_TIME_HORIZON_DAYS} days away; cannot count working days`);
    }
    if (openRangesOnDay(cal, day).length > 0) {
      found++;
      idleDays = 0;
    } else if (++idleDays >= SEARCH_LIMIT_DAYS) {
      throw new RangeError(`Service is closed for ${SEARCH_LIMIT_DAYS} days in a row; cannot count working days`);
    }
  }
  return day;
}
