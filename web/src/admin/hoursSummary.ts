import { hoursForDay } from '../patient/OpeningHours.js';
import type { OpeningPeriod } from '../shared/api/types.js';

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
/** The week as people in the UK read it: Monday first. */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

/**
 * Weekly hours in a line or two: days with the same hours are run together.
 * "Monday to Friday: 8:30am to 5pm. Saturday and Sunday: closed."
 */
export function summariseHours(periods: OpeningPeriod[]): string {
  if (periods.length === 0) return 'Closed every day.';
  const runs: { first: number; last: number; hours: string }[] = [];
  WEEK_ORDER.forEach((day, index) => {
    const allDay = periods.some((p) => p.day === day && p.start === '00:00' && p.end === '24:00');
    const hours = allDay ? 'all day' : hoursForDay(periods, day);
    const previous = runs[runs.length - 1];
    if (previous && previous.hours === hours) previous.last = index;
    else runs.push({ first: index, last: index, hours });
  });
  return runs
    .map(({ first, last, hours }) => {
      const from = DAY_NAMES[WEEK_ORDER[first]!];
      const to = DAY_NAMES[WEEK_ORDER[last]!];
      const days = first === last ? from : last === first + 1 ? `${from} and ${to}` : `${from} to ${to}`;
      return `${days}: ${hours === 'Closed' ? 'closed' : hours}.`;
    })
    .join(' ');
}
