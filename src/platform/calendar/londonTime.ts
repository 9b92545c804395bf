// Conversion between UTC instants and Europe/London wall-clock time. The
// offsets come from londonOffset.ts: the EU rule computed per year and
// checked against Intl (Node's tz database), with Intl itself for any year
// where the two disagree, so we never depend on a hand-coded rule alone.
//
// Clock changes (since 1996, EU rules):
//   spring: last Sunday of March, 01:00 UTC — local 01:00 → 02:00 (a gap)
//   autumn: last Sunday of October, 01:00 UTC — local 02:00 → 01:00 (an overlap)

import type { LocalDate } from './localDate.js';
import { fastLondonOffsetMs, intlToLondon, summerTimeOf, utcYearOf, wallClockAsUtcMs } from './londonOffset.js';

export { SERVICE_TIME_ZONE } from './londonOffset.js';

/** Local wall-clock date and time. `hour` may be 24 on input to mean midnight at the end of the day. */
export interface LocalDateTime extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

function instantMs(instant: Date | number): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid date');
  return ms;
}

/** Europe/London wall-clock time at an instant. */
export function toLondon(instant: Date | number): LocalDateTime {
  const ms = instantMs(instant);
  const wholeSecondMs = Math.floor(ms / 1000) * 1000;
  const summer = summerTimeOf(utcYearOf(wholeSecondMs));
  if (summer === null) return intlToLondon(ms);
  const offset = wholeSecondMs >= summer.start && wholeSecondMs < summer.end ? MS_PER_HOUR : 0;
  const wall = new Date(wholeSecondMs + offset);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond: ms - wholeSecondMs,
  };
}

/** The local calendar date at an instant. */
export function londonDateOf(instant: Date | number): LocalDate {
  const { year, month, day } = toLondon(instant);
  return { year, month, day };
}

/** Offset of London from UTC at an instant, in ms (0 in GMT, 3 600 000 in BST). */
export function londonOffsetMs(instant: Date | number): number {
  return fastLondonOffsetMs(instantMs(instant));
}

/** The local date at an instant as a day number (see localDate.dayNumberOf). */
export function londonDayNumber(instant: Date | number): number {
  const ms = instantMs(instant);
  return Math.floor((ms + fastLondonOffsetMs(ms)) / MS_PER_DAY);
}

/**
 * The instant at which London clocks show `local`.
 *
 * - Autumn overlap (e.g. 01:30 on the last Sunday in October happens twice):
 *   the earlier instant, so a period that starts then starts as soon as it can.
 * - Spring gap (e.g. 01:30 on the last Sunday in March never happens): the
 *   first instant after the gap, i.e. 02:00 BST = 01:00 UTC. A period written
 *   as 01:30–01:45 on that day is therefore empty, which is the honest answer.
 *
 * Out-of-range fields are normalised like Date.UTC does, so hour 24 is the
 * next day's midnight.
 */
export function fromLondon(local: LocalDateTime): Date {
  const wallMs = wallClockAsUtcMs(local);
  if (!Number.isFinite(wallMs)) throw new RangeError('Invalid local date-time');
  return new Date(instantAtLondonWall(wallMs));
}

/** `fromLondon` for a wall-clock time already read as if it were UTC ms. */
export function instantAtLondonWall(wallMs: number): number {
  const summer = summerTimeOf(utcYearOf(wallMs));
  if (summer !== null) {
    // Wall clocks read GMT (= UTC) until 01:00 on the spring Sunday, skip to
    // 02:00 BST, and read BST until the second 02:00 in autumn, which is the
    // end of the overlap hour; the overlap's wall times take their BST pass.
    if (wallMs < summer.start) return wallMs;
    if (wallMs < summer.start + MS_PER_HOUR) return summer.start;
    if (wallMs < summer.end + MS_PER_HOUR) return wallMs - MS_PER_HOUR;
    return wallMs;
  }
  return instantAtLondonWallByOffsets(wallMs);
}

/** The general search, for years Intl answers: works for any history of offsets. */
function instantAtLondonWallByOffsets(wallMs: number): number {
  // London's offset is either side of any wall time within half a day: clock
  // changes are months apart, so these two samples are the only candidates.
  const offsetBefore = londonOffsetMs(wallMs - 12 * MS_PER_HOUR);
  const offsetAfter = londonOffsetMs(wallMs + 12 * MS_PER_HOUR);
  const matching = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => wallMs - offset)
    .filter((candidate) => londonOffsetMs(candidate) === wallMs - candidate);
  if (matching.length > 0) return Math.min(...matching);
  return firstInstantWithOffset(wallMs - offsetAfter, wallMs - offsetBefore, offsetAfter);
}

/**
 * Binary search for the clock change inside a gap: `low` is still on the old
 * offset, `high` already on the new one. Runs only for non-existent wall
 * times in years Intl answers, so the ~22 Intl calls do not matter.
 */
function firstInstantWithOffset(low: number, high: number, newOffset: number): number {
  let before = low;
  let after = high;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (londonOffsetMs(middle) === newOffset) after = middle;
    else before = middle;
  }
  return after;
}

/** The instant of local midnight at the start of `date`. */
export function startOfLondonDay(date: LocalDate): Date {
  return fromLondon({ ...date, hour: 0, minute: 0, second: 0, millisecond: 0 });
}

/** The instant `minuteOfDay` minutes after local midnight by the wall clock (1440 = next midnight). */
export function atLondonClock(date: LocalDate, minuteOfDay: number): Date {
  return fromLondon({
    ...date,
    hour: Math.floor(minuteOfDay / 60),
    minute: minuteOfDay % 60,
    second: 0,
    millisecond: 0,
  });
}
