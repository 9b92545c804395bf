// Micro-benchmark for the hot working-time calls. Run with
//   npx tsx src/platform/calendar/bench.ts
// Prints one JSON line: microseconds per call, per function, for a 24/7
// service and a Mon–Fri 09:00–17:00 one (England and Wales bank holidays).
// Start instants are spread over 2026, inside the shipped bank-holiday data,
// at assorted times of day, so the numbers include weekends and holidays.

import { performance } from 'node:perf_hooks';
import {
  addWorkingHours,
  createServiceCalendar,
  currentClosedPeriodStart,
  isOpen,
  nextOpening,
  type DayOfWeek,
  type ServiceCalendar,
} from './index.js';

const EVERY_DAY: DayOfWeek[] = [0, 1, 2, 3, 4, 5, 6];
const WEEKDAYS: DayOfWeek[] = [1, 2, 3, 4, 5];

const calendars: Record<string, ServiceCalendar> = {
  '24x7': createServiceCalendar({
    nation: 'england-and-wales',
    weekly: EVERY_DAY.map((day) => ({ day, start: '00:00', end: '24:00' })),
  }),
  monFri9to5: createServiceCalendar({
    nation: 'england-and-wales',
    weekly: WEEKDAYS.map((day) => ({ day, start: '09:00', end: '17:00' })),
  }),
};

// 97 instants, ~3.8 days and ~7 hours apart, through 2026.
const instants = Array.from({ length: 97 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * (91 * 3_600_000 + 420_000)));

/** Microseconds per call, timing whole passes over `instants` for at least `budgetMs`. */
function microsPerCall(call: (at: Date) => unknown, budgetMs = 300): number {
  for (const at of instants.slice(0, 10)) call(at); // warm up
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    for (const at of instants) call(at);
    calls += instants.length;
    elapsed = performance.now() - started;
  } while (elapsed < budgetMs);
  return Math.round((elapsed * 1000 * 100) / calls) / 100;
}

const result: Record<string, Record<string, number>> = {};
for (const [name, cal] of Object.entries(calendars)) {
  result[name] = {
    addWorkingHours8: microsPerCall((at) => addWorkingHours(cal, at, 8)),
    addWorkingHours40: microsPerCall((at) => addWorkingHours(cal, at, 40)),
    isOpen: microsPerCall((at) => isOpen(cal, at)),
    nextOpening: microsPerCall((at) => nextOpening(cal, at)),
    currentClosedPeriodStart: microsPerCall((at) => currentClosedPeriodStart(cal, at)),
  };
}
console.log(JSON.stringify({ unit: 'µs/call', node: process.version, ...result }));
