import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { formatFull } from '../../shared/time/londonTime.js';
import type { Closure } from '../adminApi.js';
import type { DateTimeValue } from './DateTimeFields.js';
import { londonToUtc, parseDate, parseTime } from './londonInput.js';

export type ClosureForm = { starts: DateTimeValue; ends: DateTimeValue; reason: string };

export const REASON_MAX = 200;

type Checked = { instant: Date } | { error: string; parts: (keyof DateTimeValue)[] };

function checkDateTime(v: DateTimeValue, what: 'start' | 'end'): Checked {
  const blank = (['day', 'month', 'year', 'time'] as const).filter((p) => !v[p].trim());
  if (blank.length === 4) return { error: `Enter the date and time the closure ${what}s`, parts: blank };
  if (blank.length > 0) {
    const names = blank.map((p) => (p === 'time' ? 'a time' : `a ${p}`));
    return { error: `The ${what} must include ${names.join(' and ')}`, parts: blank };
  }
  const date = parseDate(v.day, v.month, v.year);
  if (!date)
    return { error: `The ${what} must be a real date, for example 24 12 2025`, parts: ['day', 'month', 'year'] };
  const time = parseTime(v.time);
  if (!time) return { error: `The ${what} time must be in the 24-hour clock, for example 09:00`, parts: ['time'] };
  return { instant: londonToUtc({ ...date, ...time }) };
}

export type ClosureCheck = {
  errors: (FieldError & { parts?: (keyof DateTimeValue)[] })[];
  body?: { startsAt: string; endsAt: string; reason: string };
};

/** The dates as London wall-clock times → ISO instants in UTC, with every problem found at once. */
export function checkClosure(f: ClosureForm): ClosureCheck {
  const errors: ClosureCheck['errors'] = [];
  const start = checkDateTime(f.starts, 'start');
  const end = checkDateTime(f.ends, 'end');
  if ('error' in start) errors.push({ fieldId: `starts-${start.parts[0]}`, text: start.error, parts: start.parts });
  if ('error' in end) errors.push({ fieldId: `ends-${end.parts[0]}`, text: end.error, parts: end.parts });
  if ('instant' in start && 'instant' in end && end.instant <= start.instant)
    errors.push({ fieldId: 'ends-day', text: 'The end must be after the start' });
  if (f.reason.trim().length > REASON_MAX)
    errors.push({ fieldId: 'reason', text: `The reason must be ${REASON_MAX} characters or fewer` });
  if (errors.length > 0 || !('instant' in start) || !('instant' in end)) return { errors };
  return {
    errors,
    body: { startsAt: start.instant.toISOString(), endsAt: end.instant.toISOString(), reason: f.reason.trim() },
  };
}

/** Server problems ("That closure has already ended.", "A closure can last at most 366 days.") are about the end. */
export function closureFieldFor(problem: string): string | undefined {
  if (/^\/reason\b/.test(problem)) return 'reason';
  if (/^\/startsAt\b/.test(problem) || /start and end must be valid/.test(problem)) return 'starts-day';
  return 'ends-day';
}

/** "Wednesday 24 December 2025 at 1pm to Friday 2 January 2026 at 9am" */
export function describeClosure(c: Pick<Closure, 'startsAt' | 'endsAt'>): string {
  return `${formatFull(c.startsAt)} to ${formatFull(c.endsAt)}`;
}
