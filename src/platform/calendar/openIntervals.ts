// The one place that turns a ServiceCalendar into concrete open intervals
// (UTC ms, half-open [start, end)), one local date at a time. Every
// working-time function is a bounded walk over dates calling
// `openRangesOnDay`, so DST, bank holidays and closures are handled here once.
//
// Nothing merges intervals across midnight: a 24-hour service has one
// interval per date, each ending where the next begins. Callers only sum
// open time or look for the first/last edge, for which that is the same
// thing, and it means no walk ever has to look ahead to find where an
// interval ends (which, for a service that never closes, is never).

import {
  dayNumberOf,
  dayOfWeekOfDayNumber,
  formatLocalDate,
  localDateOfDayNumber,
  type LocalDate,
} from './localDate.js';
import { instantAtLondonWall, londonDayNumber } from './londonTime.js';
import { parseClockTime, type Closure, type ServiceCalendar, type WeeklyPeriod } from './types.js';

/** Half-open [start, end) in epoch milliseconds. */
export interface OpenInterval {
  readonly start: number;
  readonly end: number;
}

/**
 * How far the searches look before deciding a service never opens. A little
 * over a year, so a long closure (e.g. a service paused for refurbishment)
 * does not read as "never open again" but an empty schedule ends quickly.
 */
export const SEARCH_LIMIT_DAYS = 400;

/**
 * How many local dates addWorkingMs and addWorkingDays may walk in total
 * (about ten years). Far beyond any response target, but finite, so a
 * schedule with very little open time cannot make one call run for long.
 */
export const WORKING_TIME_HORIZON_DAYS = 3660;

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;
const NO_INTERVALS: readonly OpenInterval[] = Object.freeze([]);

// Caches of pure computations, keyed by the calendar's own arrays (which the
// types make read-only), so a calendar object that is reused – as the
// service cache does – is compiled once, and garbage-collected with it.
const WEEKLY_MINUTES = new WeakMap<readonly WeeklyPeriod[], readonly (readonly OpenInterval[])[]>();
const CLOSED_RANGES = new WeakMap<readonly Closure[], readonly OpenInterval[]>();

/** Sorted, with overlapping or touching ranges merged, so every `end` is a real closing edge. */
function mergeRanges(ranges: OpenInterval[]): OpenInterval[] {
  const merged: OpenInterval[] = [];
  for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end)
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, range.end) };
    else merged.push(range);
  }
  return merged;
}

/** Each weekday's periods as minutes since local midnight, merged. */
function weeklyMinutes(weekly: readonly WeeklyPeriod[]): readonly (readonly OpenInterval[])[] {
  const cached = WEEKLY_MINUTES.get(weekly);
  if (cached) return cached;
  const byDay: OpenInterval[][] = [[], [], [], [], [], [], []];
  for (const period of weekly) {
    const startMinute = parseClockTime(period.start);
    const endMinute = parseClockTime(period.end, true);
    // Invalid periods are rejected by validateWeekly at the API; here we
    // skip them rather than throw, so one bad row cannot stop all messaging.
    if (startMinute === null || endMinute === null || endMinute <= startMinute) continue;
    if (!Number.isInteger(period.day)) continue; // e.g. '1' from a bad row: never matches a weekday
    byDay[period.day]?.push({ start: startMinute, end: endMinute });
  }
  const compiled = byDay.map(mergeRanges);
  WEEKLY_MINUTES.set(weekly, compiled);
  return compiled;
}

/** All closures as sorted, merged instants; empty or invalid ones close nothing. */
function closedRanges(closures: readonly Closure[]): readonly OpenInterval[] {
  const cached = CLOSED_RANGES.get(closures);
  if (cached) return cached;
  const ranges = closures
    .map((closure) => ({ start: closure.start.getTime(), end: closure.end.getTime() }))
    .filter((range) => range.end > range.start);
  const compiled = mergeRanges(ranges);
  CLOSED_RANGES.set(closures, compiled);
  return compiled;
}

/** Index of the first closed range ending after `ms` (binary search). */
function firstClosedAfter(closed: readonly OpenInterval[], ms: number): number {
  let low = 0;
  let high = closed.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((closed[middle]?.end ?? Infinity) > ms) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Appends [start, end) to sorted `out`, joining it to the last interval if they touch. */
function append(out: OpenInterval[], start: number, end: number): void {
  const last = out[out.length - 1];
  if (last && start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, end) };
  else out.push({ start, end });
}

/**
 * Open intervals on one local date (a day number), sorted, non-overlapping
 * and not touching. Weekly periods are placed by the wall clock of that date,
 * so 09:00 is 09:00 GMT in winter and 09:00 BST in summer, and 00:00–24:00
 * lasts 23 or 25 hours on clock-change Sundays. Do not mutate the result.
 */
export function openRangesOnDay(cal: ServiceCalendar, day: number): readonly OpenInterval[] {
  const minutes = weeklyMinutes(cal.weekly)[dayOfWeekOfDayNumber(day)] ?? NO_INTERVALS;
  if (minutes.length === 0) return NO_INTERVALS;
  if (cal.bankHolidays.has(formatLocalDate(localDateOfDayNumber(day)))) return NO_INTERVALS;
  const midnight = day * MS_PER_DAY;
  const closed = closedRanges(cal.closures);
  const out: OpenInterval[] = [];
  for (const period of minutes) {
    const start = instantAtLondonWall(midnight + period.start * MS_PER_MINUTE);
    const end = instantAtLondonWall(midnight + period.end * MS_PER_MINUTE);
    // A period inside the spring gap is empty; touching ones (either side of
    // the gap) are joined by `append`.
    let cursor = start;
    for (let i = firstClosedAfter(closed, start); cursor < end; i++) {
      const closure = closed[i];
      if (!closure || closure.start >= end) break;
      if (closure.start > cursor) append(out, cursor, closure.start);
      cursor = Math.max(cursor, closure.end);
    }
    if (cursor < end) append(out, cursor, end);
  }
  return out;
}

/** Open intervals on one local date; see openRangesOnDay. */
export function openIntervalsOn(cal: ServiceCalendar, date: LocalDate): OpenInterval[] {
  return [...openRangesOnDay(cal, dayNumberOf(date))];
}

/**
 * The latest closing time (end of an open interval) at or before `atMs`, or
 * null if there is none on `atMs`'s local date or the SEARCH_LIMIT_DAYS dates
 * before it (so at most 401 dates are looked at).
 */
export function lastClosingAtOrBefore(cal: ServiceCalendar, atMs: number): number | null {
  const first = londonDayNumber(atMs);
  for (let day = first; day >= first - SEARCH_LIMIT_DAYS; day--) {
    // Dates' intervals never interleave, so the first date (walking back)
    // with a closing time at or before `atMs` holds the answer.
    const intervals = openRangesOnDay(cal, day);
    for (let i = intervals.length - 1; i >= 0; i--) {
      const end = intervals[i]?.end ?? Infinity;
      if (end <= atMs) return end;
    }
  }
  return null;
}

/** Whether `atMs` lies inside an open interval. */
export function isOpenAt(cal: ServiceCalendar, atMs: number): boolean {
  // Intervals of one date lie within that date's wall-clock day, so only the
  // local date of `atMs` can contain it.
  return openRangesOnDay(cal, londonDayNumber(atMs)).some((interval) => interval.start <= atMs && atMs < interval.end);
}
