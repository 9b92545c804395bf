import { validateWeekly, type WeeklyPeriod } from '../../platform/calendar/index.js';
import { Invalid } from '../../platform/http/errors.js';
import type { ServicePatch } from './schemas.js';

/**
 * Checks a schema can't express, shared by creating and changing a service. Values come back
 * trimmed, because conversations are closed by matching a trimmed outcome against the list and
 * the public start form matches age ranges exactly: stray spaces would make an entry unusable.
 */

/**
 * The out-of-hours bounce-back is the safety net for someone writing when nobody is there to
 * read it: it must always say where to get help now. 999 or 111 as a number on its own, so a
 * phone number that merely contains the digits (0800 1111) does not count.
 */
const URGENT_HELP = /(?<![0-9])(999|111)(?![0-9])/;

export function checkServiceSettings<T extends ServicePatch>(input: T): T {
  const problems: string[] = [];
  const normalised: ServicePatch = {};
  for (const [key, label] of [
    ['name', 'Name'],
    ['contactPromise', 'Contact promise'],
  ] as const) {
    const value = input[key]?.trim();
    if (value === undefined) continue;
    if (value === '') problems.push(`${label} must not be blank.`);
    normalised[key] = value;
  }
  for (const [key, label] of [
    ['outcomes', 'Outcomes'],
    ['ageRanges', 'Age ranges'],
  ] as const) {
    const values = input[key];
    if (values !== undefined) normalised[key] = list(values, label, problems);
  }
  if (input.welcomeMessage !== undefined && input.welcomeMessage.trim() === '')
    problems.push('Welcome message must not be blank.');
  let safetyNetMissing = false;
  if (input.outOfHoursMessage !== undefined && !URGENT_HELP.test(input.outOfHoursMessage)) {
    safetyNetMissing = true;
    problems.push('Out-of-hours message must tell people to call 999 in an emergency or 111 for urgent advice.');
  }
  if (problems.length > 0)
    throw new Invalid(problems.join(' '), safetyNetMissing ? 'out_of_hours_needs_urgent_help' : 'invalid_settings');
  return { ...input, ...normalised };
}

function list(values: string[], label: string, problems: string[]): string[] {
  const trimmed = values.map((v) => v.trim());
  if (trimmed.some((v) => v === '')) problems.push(`${label} must not contain blank entries.`);
  // Case-insensitive: "Referred" and "referred" side by side would split the service's reports.
  const seen = new Set(trimmed.map((v) => v.toLowerCase()));
  if (seen.size !== trimmed.length) problems.push(`${label} must not repeat an entry.`);
  return trimmed;
}

/** Weekly hours, or a 400 that lists every problem so the admin screen can fix them at once. */
export function checkWeekly(weekly: unknown): WeeklyPeriod[] {
  const problems = validateWeekly(weekly);
  if (problems.length > 0) throw new Invalid(problems.join(' '), 'invalid_hours');
  // Stored in a stable order with only the three known keys.
  return (weekly as WeeklyPeriod[])
    .map(({ day, start, end }) => ({ day, start, end }))
    .sort((a, b) => a.day - b.day || a.start.localeCompare(b.start));
}
