// The calendar model shared by every service: when a team is open, and the
// validation an admin API needs before it stores a schedule.
//
// Storage is always UTC instants; weekly periods are Europe/London wall-clock
// times because that is how teams describe their hours ("Mon 09:00–17:00"),
// and those hours must stay 09:00 local on both sides of a clock change.

/** The bank-holiday divisions GOV.UK publishes (Wales shares England's). */
export type Nation = 'england-and-wales' | 'scotland' | 'northern-ireland';

export const NATIONS: readonly Nation[] = ['england-and-wales', 'scotland', 'northern-ireland'];

/** 0 = Sunday … 6 = Saturday, matching Date.prototype.getDay. */
export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * One block of opening on one weekday, in local wall-clock time. `end` is
 * exclusive and may be '24:00' so that "open until midnight" needs no
 * special case. Several periods per day are allowed (e.g. a lunch break).
 */
export interface WeeklyPeriod {
  readonly day: DayOfWeek;
  /** 'HH:MM', 00:00–23:59. */
  readonly start: string;
  /** 'HH:MM', after `start` on the same day; '24:00' means midnight at the end of the day. */
  readonly end: string;
}

/**
 * An ad-hoc closure as absolute instants (e.g. staff training), so it means
 * the same thing whatever the clocks do. Half-open: closed from `start` up to
 * but not including `end`. It may cut a weekly period partially.
 */
export interface Closure {
  readonly start: Date;
  readonly end: Date;
  readonly reason?: string;
}

export interface ServiceCalendar {
  readonly timeZone: 'Europe/London';
  readonly nation: Nation;
  readonly weekly: readonly WeeklyPeriod[];
  readonly closures: readonly Closure[];
  /** 'YYYY-MM-DD' local dates when the service is closed all day. */
  readonly bankHolidays: ReadonlySet<string>;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Minutes since local midnight for 'HH:MM', or null if malformed. '24:00' is
 * only accepted when `allowMidnightEnd` is set, because it is meaningful as
 * the end of a period but not as its start.
 */
export function parseClockTime(value: string, allowMidnightEnd = false): number | null {
  if (allowMidnightEnd && value === '24:00') return 24 * 60;
  const match = CLOCK_TIME.exec(value);
  if (!match) return null;
  return Number(match[1]) * 60 + Number(match[2]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isDayOfWeek(value: unknown): value is DayOfWeek {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 6;
}

/**
 * Readable problems with a weekly schedule; an empty array means it is a valid
 * `WeeklyPeriod[]`. Takes `unknown` so an admin API can pass the request body
 * straight in and answer 4xx with these messages. Periods that merely touch
 * (12:30–13:30 then 13:30–17:00) are fine; overlapping ones are not, because
 * they almost always mean a typo in the admin screen.
 */
export function validateWeekly(periods: unknown): string[] {
  if (!Array.isArray(periods)) return ['Weekly opening hours must be a list of periods.'];
  const problems: string[] = [];
  const parsedByDay = new Map<DayOfWeek, { index: number; start: number; end: number }[]>();

  periods.forEach((period: unknown, index) => {
    const label = `Period ${index + 1}`;
    if (!isRecord(period)) {
      problems.push(`${label}: must be an object with day, start and end.`);
      return;
    }
    const { day, start, end } = period;
    if (!isDayOfWeek(day)) {
      problems.push(`${label}: day must be a whole number from 0 (Sunday) to 6 (Saturday).`);
    }
    const startMinutes = typeof start === 'string' ? parseClockTime(start) : null;
    const endMinutes = typeof end === 'string' ? parseClockTime(end, true) : null;
    if (startMinutes === null) problems.push(`${label}: start must be a time like 09:00 (00:00–23:59).`);
    if (endMinutes === null) problems.push(`${label}: end must be a time like 17:00 (00:01–24:00).`);
    if (startMinutes === null || endMinutes === null || !isDayOfWeek(day)) return;

    if (endMinutes <= startMinutes) {
      problems.push(`${label} (${DAY_NAMES[day]} ${String(start)}–${String(end)}): end must be after start.`);
      return;
    }
    const sameDay = parsedByDay.get(day) ?? [];
    sameDay.push({ index, start: startMinutes, end: endMinutes });
    parsedByDay.set(day, sameDay);
  });

  for (const [day, sameDay] of parsedByDay) {
    const sorted = [...sameDay].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1];
      const current = sorted[i];
      if (previous && current && current.start < previous.end) {
        problems.push(`Periods ${previous.index + 1} and ${current.index + 1} overlap on ${DAY_NAMES[day]}.`);
      }
    }
  }
  return problems;
}

/** Readable problems with closures; an empty array means they are usable. */
export function validateClosures(closures: readonly Closure[]): string[] {
  const problems: string[] = [];
  closures.forEach((closure, index) => {
    const label = `Closure ${index + 1}${closure.reason ? ` (${closure.reason})` : ''}`;
    const start = closure.start.getTime();
    const end = closure.end.getTime();
    if (Number.isNaN(start) || Number.isNaN(end)) problems.push(`${label}: start and end must be valid dates.`);
    else if (end <= start) problems.push(`${label}: end must be after start.`);
  });
  return problems;
}
