import { fromLondon, toLondon } from '../../platform/calendar/index.js';

/** London wall-clock hours in which no notification is sent: nobody is woken by one. */
export const QUIET_FROM_HOUR = 22;
export const QUIET_UNTIL_HOUR = 6;

/**
 * When a push for something that happened at `at` may go out: at once, or at the next 06:00
 * London time when `at` falls within 22:00–06:00 there. Both clock changes happen inside quiet
 * hours (01:00–02:00 local), so 06:00 is always one real instant, GMT or BST as that day has it.
 */
export function pushDueAt(at: Date): Date {
  const local = toLondon(at);
  if (local.hour >= QUIET_UNTIL_HOUR && local.hour < QUIET_FROM_HOUR) return at;
  // fromLondon normalises day 32 into the next month (as Date.UTC does).
  const day = local.hour >= QUIET_FROM_HOUR ? local.day + 1 : local.day;
  return fromLondon({
    year: local.year,
    month: local.month,
    day,
    hour: QUIET_UNTIL_HOUR,
    minute: 0,
    second: 0,
    millisecond: 0,
  });
}
