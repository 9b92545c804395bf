// Regression tests for the load-benchmark hang: a service open 00:00–24:00
// every day used to walk day by day looking for a closed gap, for ever once
// past the shipped bank holidays. Every walk is now bounded by a number of
// dates (docs/CALENDAR.md, "Termination"); these run the worst cases we know
// in a child process with a time limit (see terminationScenarios.ts).

import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

interface Outcome {
  readonly value?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  readonly ms: number;
}

const SCRIPT = fileURLToPath(new URL('./terminationScenarios.ts', import.meta.url));
let outcomes: Record<string, Outcome> = {};

beforeAll(() => {
  const output = execFileSync(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: dirname(SCRIPT),
    encoding: 'utf8',
    timeout: 30_000, // a hang fails here (ETIMEDOUT) instead of stalling the suite
  });
  outcomes = JSON.parse(output) as Record<string, Outcome>;
});

function outcome(name: string): Outcome {
  const found = outcomes[name];
  if (!found) throw new Error(`No scenario ${name}`);
  return found;
}
const value = (name: string) => outcome(name).value;
const error = (name: string) => outcome(name).error;

describe('every walk over dates ends, and quickly', () => {
  it('runs each scenario in well under a second', () => {
    expect(Object.keys(outcomes).length).toBe(52);
    for (const [name, { ms }] of Object.entries(outcomes)) expect([name, ms < 1000]).toEqual([name, true]);
  });

  it('a 24-hour service after the last shipped bank holiday (2035)', () => {
    const prefix = 'always open after the data';
    expect(value(`${prefix} isOpen`)).toBe(true);
    expect(value(`${prefix} nextOpening`)).toBe('2036-01-05T10:00:00.000Z');
    expect(value(`${prefix} currentClosedPeriod`)).toBeNull();
    expect(value(`${prefix} addWorkingHours 8`)).toBe('2036-01-05T18:00:00.000Z');
    expect(value(`${prefix} addWorkingHours 120`)).toBe('2036-01-10T10:00:00.000Z');
    expect(value(`${prefix} addWorkingDays 5`)).toBe('2036-01-10T10:00:00.000Z');
    expect(value('always open: a year between')).toBe(366 * 24 * 3_600_000);
  });

  it('a 24-hour service inside the data, skipping a bank holiday (25 August 2025)', () => {
    const prefix = 'always open mid-data'; // from Sunday 24 August, 20:00 BST
    expect(value(`${prefix} nextOpening`)).toBe('2025-08-24T19:00:00.000Z');
    expect(value(`${prefix} addWorkingHours 8`)).toBe('2025-08-26T03:00:00.000Z');
    expect(value(`${prefix} addWorkingHours 120`)).toBe('2025-08-30T19:00:00.000Z');
    expect(value(`${prefix} addWorkingDays 5`)).toBe('2025-08-30T19:00:00.000Z');
  });

  it('a 24-hour service with no closed day at all, now and in years Intl answers directly', () => {
    expect(value('always open, no holidays addWorkingHours 8')).toBe('2025-06-11T17:00:00.000Z');
    expect(value('always open, no holidays addWorkingDays 5')).toBe('2025-06-16T09:00:00.000Z');
    expect(value('always open before 1996 addWorkingHours 120')).toBe('1990-03-25T10:00:00.000Z');
    expect(value('always open before 1996 addWorkingDays 5')).toBe('1990-03-25T09:00:00.000Z');
  });

  it('an empty weekly schedule: null, the epoch, or the documented RangeError', () => {
    const prefix = 'empty schedule';
    expect(value(`${prefix} isOpen`)).toBe(false);
    expect(value(`${prefix} nextOpening`)).toBeNull();
    expect(value(`${prefix} currentClosedPeriod`)).toEqual({ start: '1970-01-01T00:00:00.000Z', reopensAt: null });
    expect(error(`${prefix} addWorkingHours 8`)).toEqual({
      name: 'RangeError',
      message: 'Service is closed for 400 days in a row; cannot add working time',
    });
    expect(error(`${prefix} addWorkingDays 5`)).toEqual({
      name: 'RangeError',
      message: 'Service does not open within 400 days; cannot set a deadline',
    });
    expect(value('empty schedule: a century between')).toBe(0);
  });

  it('a closure longer than 400 days', () => {
    const prefix = 'closed by a closure'; // 2025-01-01 to 2027-01-01, asked on 11 June 2025
    expect(value(`${prefix} nextOpening`)).toBeNull();
    expect(value(`${prefix} currentClosedPeriod`)).toEqual({ start: '2024-12-31T17:00:00.000Z', reopensAt: null });
    expect(error(`${prefix} addWorkingHours 8`)?.message).toMatch(/closed for 400 days/);
    expect(error(`${prefix} addWorkingDays 5`)?.message).toMatch(/does not open within 400 days/);
    const late = 'closed by a closure, late in it'; // asked on 1 June 2026: reopening is in reach
    expect(value(`${late} currentClosedPeriod`)).toEqual({
      start: '1970-01-01T00:00:00.000Z',
      reopensAt: '2027-01-04T09:00:00.000Z',
    });
    expect(value(`${late} addWorkingHours 120`)).toBe('2027-01-22T17:00:00.000Z');
    expect(value(`${late} addWorkingDays 5`)).toBe('2027-01-08T17:00:00.000Z');
  });

  it('additions stop at the ~10-year horizon with a RangeError', () => {
    expect(value('one minute a week addWorkingHours 8')).toBe('2034-08-20T09:01:00.000Z');
    expect(error('one minute a week addWorkingHours 120')).toEqual({
      name: 'RangeError',
      message: 'Working time to add runs past 3660 days; cannot add working time',
    });
    expect(error('always open: a billion working days')?.name).toBe('RangeError');
    expect(error('office hours: 3000 working days')?.message).toMatch(/more than 3660 days away/);
  });
});
