import type { OpeningPeriod } from '../../shared/api/types.js';
import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { WEEK_ORDER } from '../hoursSummary.js';

/** One row of the editor: the day as the select's value, times as typed. */
export type PeriodRow = { key: number; day: string; start: string; end: string };

export const periodFieldId = (n: number, field: 'day' | 'start' | 'end') => `period-${n}-${field}`;

let nextKey = 1;
export const newRowKey = () => nextKey++;

/** Stored periods in the order people read a week: Monday first, then by opening time. */
export function rowsFromWeekly(weekly: OpeningPeriod[]): PeriodRow[] {
  const order = (day: number) => WEEK_ORDER.indexOf(day as (typeof WEEK_ORDER)[number]);
  return [...weekly]
    .sort((a, b) => order(a.day) - order(b.day) || a.start.localeCompare(b.start))
    .map((p) => ({ key: newRowKey(), day: String(p.day), start: p.start, end: p.end }));
}

/** "9:00", "9.00" and " 09:00 " all mean 09:00; anything else goes as typed for the server to explain. */
export function normaliseTime(value: string): string {
  const match = /^(\d{1,2})[:.](\d{2})$/.exec(value.trim());
  return match ? `${match[1]!.padStart(2, '0')}:${match[2]}` : value.trim();
}

export function weeklyFromRows(rows: PeriodRow[]): OpeningPeriod[] {
  return rows.map((r) => ({ day: Number(r.day), start: normaliseTime(r.start), end: normaliseTime(r.end) }));
}

/**
 * Only what the request's schema would refuse without saying which period (a time longer than
 * 5 characters); every other rule is the server's, whose problems name the period.
 */
export function validateRows(rows: PeriodRow[]): FieldError[] {
  const errors: FieldError[] = [];
  rows.forEach((r, i) => {
    const n = i + 1;
    if (normaliseTime(r.start).length > 5)
      errors.push({ fieldId: periodFieldId(n, 'start'), text: `Period ${n}: start must be a time like 09:00.` });
    if (normaliseTime(r.end).length > 5)
      errors.push({ fieldId: periodFieldId(n, 'end'), text: `Period ${n}: end must be a time like 17:00.` });
  });
  return errors;
}

/** Which cell a server problem is about: "Period 2 (Monday 10:00–09:00): end must …", "Periods 3 and 4 overlap …". */
export function hoursFieldFor(problem: string): string | undefined {
  const single = /^Period (\d+)(?: \([^)]*\))?: (day|start|end)\b/.exec(problem);
  if (single) return periodFieldId(Number(single[1]), single[2] as 'day' | 'start' | 'end');
  const overlap = /^Periods \d+ and (\d+) overlap/.exec(problem);
  if (overlap) return periodFieldId(Number(overlap[1]), 'start');
  const schema = /^\/weekly\/(\d+)\/(day|start|end)\b/.exec(problem);
  if (schema) return periodFieldId(Number(schema[1]) + 1, schema[2] as 'day' | 'start' | 'end');
  return undefined;
}
