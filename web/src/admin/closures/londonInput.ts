/**
 * Turns what an administrator types (a date and a time on London clocks) into the UTC instant the
 * API stores, whatever the time zone of the computer in front of them. Uses Intl only, like the
 * server's calendar module, so British Summer Time is never hand-coded.
 */
const ZONE = 'Europe/London';
const HOUR_MS = 3_600_000;

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** London's offset from UTC at an instant (0 in winter, one hour in summer). */
function offsetMs(ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const f: Record<string, number> = {};
  for (const p of parts.formatToParts(whole)) if (p.type !== 'literal') f[p.type] = Number(p.value);
  const wall = Date.UTC(f.year ?? NaN, (f.month ?? NaN) - 1, f.day ?? NaN, f.hour ?? NaN, f.minute ?? NaN, f.second);
  return wall - whole;
}

export type LondonDateTime = { year: number; month: number; day: number; hour: number; minute: number };

/**
 * The instant London clocks show `local`. In the autumn hour that happens twice, the earlier one;
 * in the spring hour that never happens, the moment clocks go forward. Hour 24 is the next midnight.
 */
export function londonToUtc(local: LondonDateTime): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const before = offsetMs(wall - 12 * HOUR_MS);
  const after = offsetMs(wall + 12 * HOUR_MS);
  const matching = [...new Set([before, after])].map((o) => wall - o).filter((c) => offsetMs(c) === wall - c);
  if (matching.length > 0) return new Date(Math.min(...matching));
  // In the spring gap: the clocks went forward between these two instants (still GMT, already BST).
  let low = wall - after;
  let high = wall - before;
  while (high - low > 60_000) {
    const mid = Math.floor((low + high) / 2 / 60_000) * 60_000;
    if (offsetMs(mid) === after) high = mid;
    else low = mid;
  }
  return new Date(high);
}

/** Day, month and year fields as a real calendar date, or null. */
export function parseDate(
  day: string,
  month: string,
  year: string,
): { year: number; month: number; day: number } | null {
  if (![day, month].every((v) => /^\d{1,2}$/.test(v.trim())) || !/^\d{4}$/.test(year.trim())) return null;
  const d = Number(day);
  const m = Number(month);
  const y = Number(year);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
  return { year: y, month: m, day: d };
}

/** "9:30", "09:30" or "24:00" (midnight at the end of the day) as hour and minute, or null. */
export function parseTime(value: string): { hour: number; minute: number } | null {
  const match = /^(\d{1,2})[:.](\d{2})$/.exec(value.trim());
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour === 24 && minute === 0) return { hour, minute };
  if (hour > 23 || minute > 59) return null;
  return { hour, minute };
}
