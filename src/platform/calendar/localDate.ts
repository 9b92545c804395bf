// Calendar-date arithmetic with no time zone at all. A local date is just
// year/month/day; we borrow Date.UTC for the day-count maths because UTC has
// no clock changes, so "add one day" is always exactly one day there.

import type { DayOfWeek } from './types.js';

/** A calendar date as people in the service's time zone would write it. Month is 1–12. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const MS_PER_DAY = 86_400_000;

function utcMidnight(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day);
}

function fromUtcMidnight(ms: number): LocalDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcMidnight(utcMidnight(date) + days * MS_PER_DAY);
}

/**
 * Days since 1970-01-01 (negative before). The working-time walks count
 * local dates with these plain integers instead of allocating LocalDates.
 */
export function dayNumberOf(date: LocalDate): number {
  return Math.round(utcMidnight(date) / MS_PER_DAY);
}

export function localDateOfDayNumber(dayNumber: number): LocalDate {
  return fromUtcMidnight(dayNumber * MS_PER_DAY);
}

/** Weekday of a day number; 1970-01-01 was a Thursday. */
export function dayOfWeekOfDayNumber(dayNumber: number): DayOfWeek {
  // The double modulo keeps negative day numbers in 0–6; the cast only narrows number to the union.
  return ((((dayNumber + 4) % 7) + 7) % 7) as DayOfWeek;
}

export function dayOfWeek(date: LocalDate): DayOfWeek {
  // getUTCDay is 0–6 by definition; the cast only narrows number to the union.
  return new Date(utcMidnight(date)).getUTCDay() as DayOfWeek;
}

/** 'YYYY-MM-DD', the key used by bank-holiday sets and the GOV.UK feed. */
export function formatLocalDate(date: LocalDate): string {
  const yyyy = String(date.year).padStart(4, '0');
  const mm = String(date.month).padStart(2, '0');
  const dd = String(date.day).padStart(2, '0');
  return `${yyyy}-${mm}-${dd}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM-DD', rejecting impossible dates such as 2023-02-30. */
export function parseLocalDate(value: string): LocalDate | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return formatLocalDate(fromUtcMidnight(utcMidnight(date))) === value ? date : null;
}

/** Negative, zero or positive, like a sort comparator. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return utcMidnight(a) - utcMidnight(b);
}
