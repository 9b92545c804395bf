// The published rules for UK bank holidays, used only to generate the shipped
// JSON (there is no network at build or run time). Runtime code reads the JSON,
// so an operator can replace it with the GOV.UK download without touching code.
//
// Sources for the rules: Banking and Financial Dealings Act 1971 (and the
// annual royal proclamations), St Andrew's Day Bank Holiday (Scotland) Act
// 2007, and the GOV.UK bank-holidays page for the one-off changes listed below.

import { addDays, dayOfWeek, formatLocalDate, type LocalDate } from './localDate.js';
import type { Nation } from './types.js';

/** One event in GOV.UK's bank-holidays.json shape. */
export interface BankHolidayEvent {
  readonly title: string;
  readonly date: string;
  readonly notes: string;
  readonly bunting: boolean;
}

interface Candidate {
  readonly title: string;
  readonly date: LocalDate;
  readonly bunting: boolean;
  /** Fixed-date holidays move to a substitute weekday when they fall at a weekend. */
  readonly substituteIfWeekend: boolean;
}

/** Easter Sunday (Gregorian), by the anonymous "Meeus/Jones/Butcher" algorithm. */
export function easterSunday(year: number): LocalDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

function firstMonday(year: number, month: number): LocalDate {
  const first = { year, month, day: 1 };
  return addDays(first, (8 - dayOfWeek(first)) % 7);
}

function lastMonday(year: number, month: number): LocalDate {
  const last = addDays({ year: month === 12 ? year + 1 : year, month: month === 12 ? 1 : month + 1, day: 1 }, -1);
  return addDays(last, -((dayOfWeek(last) + 6) % 7));
}

function isWeekend(date: LocalDate): boolean {
  const day = dayOfWeek(date);
  return day === 0 || day === 6;
}

// GOV.UK titles use a typographic apostrophe; matching them keeps our file
// diff-able against a downloaded feed.
const fixed = (title: string, year: number, month: number, day: number, bunting = true): Candidate => ({
  title,
  date: { year, month, day },
  bunting,
  substituteIfWeekend: true,
});
const moving = (title: string, date: LocalDate, bunting = true): Candidate => ({
  title,
  date,
  bunting,
  substituteIfWeekend: false,
});

/** The holidays the standing rules give, before one-off changes. */
function standingRules(nation: Nation, year: number): Candidate[] {
  const easter = easterSunday(year);
  const list: Candidate[] = [fixed('New Year’s Day', year, 1, 1)];
  if (nation === 'scotland') list.push(fixed('2nd January', year, 1, 2));
  if (nation === 'northern-ireland') list.push(fixed('St Patrick’s Day', year, 3, 17));
  list.push(moving('Good Friday', addDays(easter, -2), false));
  if (nation !== 'scotland') list.push(moving('Easter Monday', addDays(easter, 1)));
  list.push(moving('Early May bank holiday', firstMonday(year, 5)));
  list.push(moving('Spring bank holiday', lastMonday(year, 5)));
  if (nation === 'northern-ireland') list.push(fixed('Battle of the Boyne (Orangemen’s Day)', year, 7, 12, false));
  list.push(moving('Summer bank holiday', nation === 'scotland' ? firstMonday(year, 8) : lastMonday(year, 8)));
  if (nation === 'scotland') list.push(fixed('St Andrew’s Day', year, 11, 30));
  list.push(fixed('Christmas Day', year, 12, 25));
  list.push(fixed('Boxing Day', year, 12, 26));
  return list;
}

/**
 * One-off changes by royal proclamation. They applied UK-wide, so every
 * nation gets them. `replaces` names the standing holiday that was moved.
 */
const ONE_OFF_CHANGES: Readonly<Record<number, readonly { replaces?: string; add: Candidate }[]>> = {
  2020: [
    {
      replaces: 'Early May bank holiday',
      add: moving('Early May bank holiday (VE day)', { year: 2020, month: 5, day: 8 }),
    },
  ],
  2022: [
    { replaces: 'Spring bank holiday', add: moving('Spring bank holiday', { year: 2022, month: 6, day: 2 }) },
    { add: moving('Platinum Jubilee bank holiday', { year: 2022, month: 6, day: 3 }) },
    {
      add: moving('Bank Holiday for the State Funeral of Queen Elizabeth II', { year: 2022, month: 9, day: 19 }, false),
    },
  ],
  2023: [{ add: moving('Bank holiday for the coronation of King Charles III', { year: 2023, month: 5, day: 8 }) }],
};

/**
 * All bank holidays for one nation and year, sorted by date.
 *
 * Substitute days follow the standing rule: a fixed-date holiday that falls on
 * a Saturday or Sunday moves to the next weekday that is not already a bank
 * holiday. Weekend holidays are placed in date order, so Christmas Day on a
 * Saturday takes Monday 27th and Boxing Day (Sunday) takes Tuesday 28th.
 */
export function bankHolidaysForYear(nation: Nation, year: number): BankHolidayEvent[] {
  const changes = ONE_OFF_CHANGES[year] ?? [];
  const replaced = new Set(changes.flatMap((change) => (change.replaces ? [change.replaces] : [])));
  const candidates = [
    ...standingRules(nation, year).filter((candidate) => !replaced.has(candidate.title)),
    ...changes.map((change) => change.add),
  ];

  const taken = new Set<string>();
  const events: BankHolidayEvent[] = [];
  const onWeekend: Candidate[] = [];
  for (const candidate of candidates) {
    if (candidate.substituteIfWeekend && isWeekend(candidate.date)) {
      onWeekend.push(candidate);
      continue;
    }
    taken.add(formatLocalDate(candidate.date));
    events.push({
      title: candidate.title,
      date: formatLocalDate(candidate.date),
      notes: '',
      bunting: candidate.bunting,
    });
  }
  onWeekend.sort((a, b) => formatLocalDate(a.date).localeCompare(formatLocalDate(b.date)));
  for (const candidate of onWeekend) {
    let substitute = addDays(candidate.date, 1);
    while (isWeekend(substitute) || taken.has(formatLocalDate(substitute))) substitute = addDays(substitute, 1);
    const date = formatLocalDate(substitute);
    taken.add(date);
    events.push({ title: candidate.title, date, notes: 'Substitute day', bunting: candidate.bunting });
  }
  return events.sort((a, b) => a.date.localeCompare(b.date));
}

/** The whole feed, in GOV.UK's bank-holidays.json shape, for an inclusive range of years. */
export function generateBankHolidayFeed(
  firstYear: number,
  lastYear: number,
): Record<Nation, { division: Nation; events: BankHolidayEvent[] }> {
  const forNation = (nation: Nation) => {
    const events: BankHolidayEvent[] = [];
    for (let year = firstYear; year <= lastYear; year++) events.push(...bankHolidaysForYear(nation, year));
    return { division: nation, events };
  };
  return {
    'england-and-wales': forNation('england-and-wales'),
    scotland: forNation('scotland'),
    'northern-ireland': forNation('northern-ireland'),
  };
}
