// Conversion between UTC instants and Europe/London wall-clock time, using
// only Intl (the tz database that ships with Node) so that we never hand-code
// the BST rules and never pull in a date library.
//
// Clock changes (since 1996, EU rules):
//   spring: last Sunday of March, 01:00 UTC — local 01:00 → 02:00 (a gap)
//   autumn: last Sunday of October, 01:00 UTC — local 02:00 → 01:00 (an overlap)

import type { LocalDate } from './localDate.js';

export const SERVICE_TIME_ZONE = 'Europe/London';

/** Local wall-clock date and time. `hour` may be 24 on input to mean midnight at the end of the day. */
export interface LocalDateTime extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

// One formatter for the life of the process: creating Intl objects is far
// slower than using them, and a formatter is immutable so sharing it is safe.
// hourCycle 'h23' stops some ICU versions printing midnight as "24".
const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: SERVICE_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

const MS_PER_HOUR = 3_600_000;

function instantMs(instant: Date | number): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid date');
  return ms;
}

/** Europe/London wall-clock time at an instant. */
export function toLondon(instant: Date | number): LocalDateTime {
  const ms = instantMs(instant);
  // Intl only prints whole seconds; London offsets are whole minutes, so the
  // milliseconds carry straight across.
  const wholeSecondMs = Math.floor(ms / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of LONDON_PARTS.formatToParts(wholeSecondMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields['year'] ?? NaN,
    month: fields['month'] ?? NaN,
    day: fields['day'] ?? NaN,
    hour: fields['hour'] ?? NaN,
    minute: fields['minute'] ?? NaN,
    second: fields['second'] ?? NaN,
    millisecond: ms - wholeSecondMs,
  };
}

/** The local calendar date at an instant. */
export function londonDateOf(instant: Date | number): LocalDate {
  const { year, month, day } = toLondon(instant);
  return { year, month, day };
}

/** Wall-clock time read as if it were UTC; the difference from the real instant is the offset. */
function wallClockAsUtcMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
}

/** Offset of London from UTC at an instant, in ms (0 in GMT, 3 600 000 in BST). */
export function londonOffsetMs(instant: Date | number): number {
  const ms = instantMs(instant);
  return wallClockAsUtcMs(toLondon(ms)) - ms;
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
  // London's offset is either side of any wall time within half a day: clock
  // changes are months apart, so these two samples are the only candidates.
  const offsetBefore = londonOffsetMs(wallMs - 12 * MS_PER_HOUR);
  const offsetAfter = londonOffsetMs(wallMs + 12 * MS_PER_HOUR);
  const matching = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => wallMs - offset)
    .filter((candidate) => londonOffsetMs(candidate) === wallMs - candidate);
  if (matching.length > 0) return new Date(Math.min(...matching));
  return new Date(firstInstantWithOffset(wallMs - offsetAfter, wallMs - offsetBefore, offsetAfter));
}

/**
 * Binary search for the clock change inside a gap: `low` is still on the old
 * offset, `high` already on the new one. Runs only for non-existent wall
 * times, so the ~22 Intl calls do not matter.
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
