// Calls that used to hang, or to walk for years of dates, run by
// termination.test.ts in a child process with a time limit, so that a
// regression fails the suite instead of hanging it (a synchronous endless
// loop cannot be interrupted by a test timeout). Prints one JSON object:
// scenario name → { value } or { error: { name, message } }, and `ms` taken.

import { performance } from 'node:perf_hooks';
import {
  addWorkingDays,
  addWorkingHours,
  createServiceCalendar,
  currentClosedPeriod,
  isOpen,
  nextOpening,
  workingMsBetween,
  type ServiceCalendar,
} from './index.js';
import { EVERY_DAY, allHours, london, officeHours, periods } from './testFixtures.js';

const outcomes: Record<string, unknown> = {};

function run(name: string, call: () => unknown): void {
  const started = performance.now();
  let outcome: Record<string, unknown>;
  try {
    outcome = { value: call() };
  } catch (error) {
    outcome = error instanceof Error ? { error: { name: error.name, message: error.message } } : { error };
  }
  outcomes[name] = { ...outcome, ms: performance.now() - started };
}

/** Every scenario of `calls` against one calendar, named `${prefix} ${call}`. */
function runAll(prefix: string, cal: ServiceCalendar, at: Date): void {
  run(`${prefix} isOpen`, () => isOpen(cal, at));
  run(`${prefix} nextOpening`, () => nextOpening(cal, at));
  run(`${prefix} currentClosedPeriod`, () => currentClosedPeriod(cal, at));
  run(`${prefix} addWorkingHours 8`, () => addWorkingHours(cal, at, 8));
  run(`${prefix} addWorkingHours 120`, () => addWorkingHours(cal, at, 120));
  run(`${prefix} addWorkingDays 5`, () => addWorkingDays(cal, at, 5));
}

const always = allHours('england-and-wales');
const alwaysNoHolidays = createServiceCalendar({
  nation: 'scotland',
  weekly: periods(EVERY_DAY, ['00:00', '24:00']),
  bankHolidays: new Set(),
});
const never = createServiceCalendar({ nation: 'england-and-wales', weekly: [] });
const longClosure = { start: london('2025-01-01 00:00'), end: london('2027-01-01 00:00') };
const closedForTwoYears = officeHours('england-and-wales', [longClosure]);
const oneMinuteAWeek = createServiceCalendar({ nation: 'scotland', weekly: periods([0], ['10:00', '10:01']) });

runAll('always open after the data', always, new Date('2036-01-05T10:00:00Z'));
runAll('always open mid-data', always, london('2025-08-24 20:00'));
runAll('always open, no holidays', alwaysNoHolidays, london('2025-06-11 10:00'));
runAll('always open before 1996', always, new Date('1990-03-20T10:00:00Z'));
runAll('empty schedule', never, london('2025-06-11 10:00'));
runAll('closed by a closure', closedForTwoYears, london('2025-06-11 10:00'));
runAll('closed by a closure, late in it', closedForTwoYears, london('2026-06-01 10:00'));
runAll('one minute a week', oneMinuteAWeek, london('2025-06-11 10:00'));

run('always open: a year between', () =>
  workingMsBetween(always, new Date('2036-01-01T00:00:00Z'), new Date('2037-01-01T00:00:00Z')),
);
run('empty schedule: a century between', () =>
  workingMsBetween(never, new Date('2000-01-01T00:00:00Z'), new Date('2100-01-01T00:00:00Z')),
);
run('always open: a billion working days', () => addWorkingDays(always, new Date('2036-01-05T10:00:00Z'), 1e9));
run('office hours: 3000 working days', () => addWorkingDays(officeHours(), london('2025-06-11 10:00'), 3000));

console.log(JSON.stringify(outcomes));
