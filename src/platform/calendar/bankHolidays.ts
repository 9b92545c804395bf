// Bank holidays at run time come from data/uk-bank-holidays.json, which has
// exactly the shape of GOV.UK's https://www.gov.uk/bank-holidays.json. The
// shipped copy is generated from published rules (generateBankHolidays.ts);
// an operator can drop in the GOV.UK download instead and nothing else changes.
//
// Imported as a JSON module (not read from disk) so bundlers and tsc carry the
// file along, and so it is loaded exactly once per process.

import shippedFeed from './data/uk-bank-holidays.json' with { type: 'json' };
import { parseLocalDate } from './localDate.js';
import { NATIONS, type Nation } from './types.js';

export type BankHolidaySets = Readonly<Record<Nation, ReadonlySet<string>>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a GOV.UK-shaped feed and returns the closed dates per nation.
 * Throws an Error naming the first problem, because a silently empty holiday
 * list would make services look open on Christmas Day.
 */
export function parseBankHolidayFeed(json: unknown): BankHolidaySets {
  if (!isRecord(json)) throw new Error('Bank holiday feed must be a JSON object keyed by division.');
  const sets = {} as Record<Nation, ReadonlySet<string>>;
  for (const nation of NATIONS) {
    const division = json[nation];
    if (!isRecord(division)) throw new Error(`Bank holiday feed is missing the "${nation}" division.`);
    if (division['division'] !== nation) {
      throw new Error(`Bank holiday feed "${nation}" has division ${JSON.stringify(division['division'])}.`);
    }
    const events = division['events'];
    if (!Array.isArray(events)) throw new Error(`Bank holiday feed "${nation}" has no events list.`);
    const dates = new Set<string>();
    events.forEach((event: unknown, index) => {
      const where = `Bank holiday feed "${nation}" event ${index + 1}`;
      if (!isRecord(event)) throw new Error(`${where} is not an object.`);
      if (typeof event['title'] !== 'string' || event['title'].trim() === '') throw new Error(`${where} has no title.`);
      const date = event['date'];
      if (typeof date !== 'string' || parseLocalDate(date) === null) {
        throw new Error(`${where} (${event['title']}) has date ${JSON.stringify(date)}; expected YYYY-MM-DD.`);
      }
      dates.add(date);
    });
    sets[nation] = dates;
  }
  return sets;
}

// Parsed at import so a corrupt replacement file fails at start-up, not on
// the first out-of-hours message.
const SHIPPED_SETS = parseBankHolidayFeed(shippedFeed);

/** Closed dates ('YYYY-MM-DD', local) for a nation, from the shipped feed. */
export function bankHolidaysFor(nation: Nation): ReadonlySet<string> {
  return SHIPPED_SETS[nation];
}

/** First and last year the shipped feed covers, so callers can warn before it runs out. */
export function shippedBankHolidayYears(): { first: number; last: number } | null {
  const years = NATIONS.flatMap((nation) => [...SHIPPED_SETS[nation]].map((date) => Number(date.slice(0, 4))));
  return years.length === 0 ? null : { first: Math.min(...years), last: Math.max(...years) };
}
