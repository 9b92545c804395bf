// Europe/London's offset from UTC, fast enough for the per-message working-
// time walks. Intl (the tz database that ships with Node) stays the source of
// truth; the fast path is the EU rule worked out arithmetically, and a year
// uses it only after Intl has agreed with it across that year:
//   BST from the last Sunday of March 01:00 UTC (local 01:00 → 02:00, a gap)
//   to the last Sunday of October 01:00 UTC (local 02:00 → 01:00, an overlap).
// Years the check rejects (before 1996 the UK's October date differed;
// 1968–71 had no winter at all; or a future tz database that drops the
// change) are answered by Intl for every instant, exactly as before.

import type { LocalDateTime } from './londonTime.js';

export const SERVICE_TIME_ZONE = 'Europe/London';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

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

/** Wall-clock time read as if it were UTC; the difference from the real instant is the offset. */
export function wallClockAsUtcMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
}

/** Reference conversion: London wall-clock time at a finite instant, straight from Intl (~2 µs). */
export function intlToLondon(ms: number): LocalDateTime {
  // Intl only prints whole seconds; London offsets are whole minutes since
  // 1847, so the milliseconds carry straight across.
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

/** Reference offset of London from UTC at a finite instant, from Intl. */
export function intlLondonOffsetMs(ms: number): number {
  return wallClockAsUtcMs(intlToLondon(ms)) - ms;
}

/** British Summer Time of one year as UTC instants, half-open [start, end). */
export interface SummerTime {
  readonly start: number;
  readonly end: number;
}

/** Years the arithmetic rule is tried for; outside them Intl answers directly. */
const FIRST_RULE_YEAR = 1996;
const LAST_RULE_YEAR = 9999;

// year → its BST, or null for "ask Intl". A cache of a pure computation (the
// tz database does not change while the process runs); at most one entry per
// year ever asked about, and each entry is a few numbers.
const SUMMER_TIME = new Map<number, SummerTime | null>();

/** 01:00 UTC on the last Sunday of a month (0-based, as Date.UTC takes it). */
function lastSundayAt0100Utc(year: number, monthIndex: number): number {
  const lastDay = Date.UTC(year, monthIndex + 1, 0);
  return lastDay - new Date(lastDay).getUTCDay() * MS_PER_DAY + MS_PER_HOUR;
}

function checkedAgainstIntl(year: number): SummerTime | null {
  if (!(Number.isInteger(year) && year >= FIRST_RULE_YEAR && year <= LAST_RULE_YEAR)) return null;
  const start = lastSundayAt0100Utc(year, 2);
  const end = lastSundayAt0100Utc(year, 9);
  const expected = (ms: number) => (ms >= start && ms < end ? MS_PER_HOUR : 0);
  // Both sides of each change, and then weekly samples from a day before the
  // year to a day after it (fromLondon looks half a day either side), so an
  // extra or moved change in the tz database sends the year to Intl. About
  // 60 Intl calls, once per year per process.
  const samples = [start - 1, start, end - 1, end];
  for (let ms = Date.UTC(year, 0, 0); ms <= Date.UTC(year + 1, 0, 2); ms += 7 * MS_PER_DAY) samples.push(ms);
  samples.push(Date.UTC(year + 1, 0, 2));
  return samples.every((ms) => intlLondonOffsetMs(ms) === expected(ms)) ? { start, end } : null;
}

/** BST of a (UTC calendar) year if the arithmetic rule holds for it, else null. */
export function summerTimeOf(year: number): SummerTime | null {
  const known = SUMMER_TIME.get(year);
  if (known !== undefined) return known;
  const computed = checkedAgainstIntl(year);
  SUMMER_TIME.set(year, computed);
  return computed;
}

/** UTC calendar year of an instant (NaN when out of the Date range). */
export function utcYearOf(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

/** London's offset at a finite instant: arithmetic where checked, Intl elsewhere. */
export function fastLondonOffsetMs(ms: number): number {
  const summer = summerTimeOf(utcYearOf(ms));
  if (summer === null) return intlLondonOffsetMs(ms);
  return ms >= summer.start && ms < summer.end ? MS_PER_HOUR : 0;
}
