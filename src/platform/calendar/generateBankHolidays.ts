// Regenerates data/uk-bank-holidays.json from the rules in bankHolidayRules.ts.
//
//   npx tsx src/platform/calendar/generateBankHolidays.ts [firstYear] [lastYear]
//
// The output is committed, so production never runs this. Operators who can
// download GOV.UK's https://www.gov.uk/bank-holidays.json may use that file
// instead: it has the same shape, and it is authoritative for announced
// one-off holidays that these rules cannot know about.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateBankHolidayFeed } from './bankHolidayRules.js';

const DEFAULT_FIRST_YEAR = 2020;
const DEFAULT_LAST_YEAR = 2035;

function yearArgument(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const year = Number(value);
  if (!Number.isInteger(year) || year < 1972 || year > 2200) throw new Error(`Not a plausible year: ${value}`);
  return year;
}

const firstYear = yearArgument(process.argv[2], DEFAULT_FIRST_YEAR);
const lastYear = yearArgument(process.argv[3], DEFAULT_LAST_YEAR);
const outputPath = fileURLToPath(new URL('./data/uk-bank-holidays.json', import.meta.url));
writeFileSync(outputPath, `${JSON.stringify(generateBankHolidayFeed(firstYear, lastYear), null, 2)}\n`);
console.log(`Wrote bank holidays ${firstYear}–${lastYear} to ${outputPath}`);
