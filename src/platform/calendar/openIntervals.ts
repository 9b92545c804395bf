// The one place that turns a ServiceCalendar into concrete open intervals
// (UTC ms, half-open [start, end)). Every working-time function is a small
// walk over these, so DST, bank holidays and closures are handled here once.

import { addDays, compareLocalDates, dayOfWeek, formatLocalDate, type LocalDate } from './localDate.js';
import { atLondonClock, londonDateOf } from './londonTime.js';
import { parseClockTime, type ServiceCalendar } from './types.js';

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

function subtractClosures(interval: OpenInterval, cal: ServiceCalendar): OpenInterval[] {
  let pieces = [interval];
  for (const closure of cal.closures) {
    const closedFrom = closure.start.getTime();
    const closedUntil = closure.end.getTime();
    if (!(closedUntil > closedFrom)) continue; // empty or invalid closures close nothing
    pieces = pieces.flatMap((piece) => {
      if (closedUntil <= piece.start || closedFrom >= piece.end) return [piece];
      const kept: OpenInterval[] = [];
      if (closedFrom > piece.start) kept.push({ start: piece.start, end: closedFrom });
      if (closedUntil < piece.end) kept.push({ start: closedUntil, end: piece.end });
      return kept;
    });
  }
  return pieces;
}

/**
 * Open intervals on one local date, sorted and non-overlapping. Weekly
 * periods are placed by the wall clock of that date, so 09:00 is 09:00 GMT in
 * winter and 09:00 BST in summer, and 00:00–24:00 lasts 23 or 25 hours on
 * clock-change Sundays.
 */
export function openIntervalsOn(cal: ServiceCalendar, date: LocalDate): OpenInterval[] {
  if (cal.bankHolidays.has(formatLocalDate(date))) return [];
  const weekday = dayOfWeek(date);
  const fromWeeklyPeriods: OpenInterval[] = [];
  for (const period of cal.weekly) {
    if (period.day !== weekday) continue;
    const startMinute = parseClockTime(period.start);
    const endMinute = parseClockTime(period.end, true);
    // Invalid periods are rejected by validateWeekly at the API; here we
    // skip them rather than throw, so one bad row cannot stop all messaging.
    if (startMinute === null || endMinute === null || endMinute <= startMinute) continue;
    const start = atLondonClock(date, startMinute).getTime();
    const end = atLondonClock(date, endMinute).getTime();
    if (end > start) fromWeeklyPeriods.push({ start, end }); // a period inside the spring gap is empty
  }
  return mergeTouching(fromWeeklyPeriods.flatMap((interval) => subtractClosures(interval, cal)));
}

/** Sorts and merges overlapping or touching intervals, so every `end` is a real closing time. */
function mergeTouching(intervals: OpenInterval[]): OpenInterval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: OpenInterval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end)
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, interval.end) };
    else merged.push(interval);
  }
  return merged;
}

export interface ForwardWalkOptions {
  /** Stop after this many consecutive local dates with no open time. */
  readonly idleDayLimit?: number;
  /** Stop once past this local date (inclusive bound). */
  readonly lastDate?: LocalDate;
}

/**
 * Open intervals that end after `fromMs`, in time order, merged across
 * midnight (a 24-hour service is one interval, not one per day). Ends when
 * either limit in `options` is reached; with neither it can run forever.
 */
export function* openIntervalsFrom(
  cal: ServiceCalendar,
  fromMs: number,
  options: ForwardWalkOptions,
): Generator<OpenInterval, void, undefined> {
  let date = londonDateOf(fromMs);
  let idleDays = 0;
  let pending: OpenInterval | null = null;
  for (;;) {
    if (options.lastDate && compareLocalDates(date, options.lastDate) > 0) break;
    if (options.idleDayLimit !== undefined && idleDays >= options.idleDayLimit) break;
    const today = openIntervalsOn(cal, date).filter((interval) => interval.end > fromMs);
    idleDays = today.length === 0 ? idleDays + 1 : 0;
    for (const interval of today) {
      if (pending && interval.start <= pending.end) {
        pending = { start: pending.start, end: Math.max(pending.end, interval.end) };
      } else {
        if (pending) yield pending;
        pending = interval;
      }
    }
    const nextDate = addDays(date, 1);
    // Only an interval that runs to midnight can join tomorrow's first one;
    // yield anything else now so callers are not kept waiting a day ahead.
    if (pending && pending.end !== atLondonClock(nextDate, 0).getTime()) {
      yield pending;
      pending = null;
    }
    date = nextDate;
  }
  if (pending) yield pending;
}

/**
 * The latest closing time (end of an open interval) at or before `atMs`, or
 * null if the service was not open in the previous SEARCH_LIMIT_DAYS days.
 */
export function lastClosingAtOrBefore(cal: ServiceCalendar, atMs: number): number | null {
  let date = londonDateOf(atMs);
  for (let day = 0; day <= SEARCH_LIMIT_DAYS; day++) {
    // Dates' intervals never interleave, so the first date (walking back)
    // with a closing time at or before `atMs` holds the answer.
    const ends = openIntervalsOn(cal, date)
      .map((interval) => interval.end)
      .filter((end) => end <= atMs);
    const latest = ends[ends.length - 1];
    if (latest !== undefined) return latest;
    date = addDays(date, -1);
  }
  return null;
}

/** Whether `atMs` lies inside an open interval. */
export function isOpenAt(cal: ServiceCalendar, atMs: number): boolean {
  // Intervals of one date lie within that date's wall-clock day, so only the
  // local date of `atMs` can contain it.
  return openIntervalsOn(cal, londonDateOf(atMs)).some((interval) => interval.start <= atMs && atMs < interval.end);
}
