import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import type { AdminService, Nation, ServicePatch } from '../adminApi.js';
import { schemaProperty } from '../problems.js';

/** The settings form as typed: lists as one entry per line, the response target as text. */
export type SettingsForm = {
  name: string;
  audience: string;
  description: string;
  contactPromise: string;
  asksFirstName: boolean;
  asksAgeRange: boolean;
  asksSchool: boolean;
  ageRanges: string;
  outcomes: string;
  welcomeMessage: string;
  outOfHoursMessage: string;
  responseTarget: string;
  nation: Nation;
  active: boolean;
};

/** Form field → element id, so error-summary links land on the right control. */
export const FIELD_IDS: Record<keyof SettingsForm, string> = {
  name: 'name',
  audience: 'audience',
  description: 'description',
  contactPromise: 'contact-promise',
  asksFirstName: 'asks-first-name',
  asksAgeRange: 'asks-age-range',
  asksSchool: 'asks-school',
  ageRanges: 'age-ranges',
  outcomes: 'outcomes',
  welcomeMessage: 'welcome-message',
  outOfHoursMessage: 'out-of-hours-message',
  responseTarget: 'response-target',
  nation: 'nation',
  active: 'active',
};

export const LIMITS = { name: 100, audience: 200, description: 2000, contactPromise: 200, message: 2000 } as const;

export function formFromService(s: AdminService): SettingsForm {
  return {
    name: s.name,
    audience: s.audience,
    description: s.description,
    contactPromise: s.contactPromise,
    asksFirstName: s.asksFirstName,
    asksAgeRange: s.asksAgeRange,
    asksSchool: s.asksSchool,
    ageRanges: s.ageRanges.join('\n'),
    outcomes: s.outcomes.join('\n'),
    welcomeMessage: s.welcomeMessage,
    outOfHoursMessage: s.outOfHoursMessage,
    responseTarget: String(s.responseTargetWorkingHours),
    nation: s.nation,
    active: s.active,
  };
}

/** One entry per non-blank line, trimmed. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The same rule as the server: 999 or 111 as a number on its own (0800 1111 does not count). */
export const URGENT_HELP = /(?<![0-9])(999|111)(?![0-9])/;

function checkList(
  text: string,
  { id, what, max, itemMax }: { id: string; what: string; max: number; itemMax: number },
  errors: FieldError[],
): void {
  const entries = lines(text);
  if (entries.length === 0) errors.push({ fieldId: id, text: `Enter at least one ${what}` });
  else if (entries.length > max) errors.push({ fieldId: id, text: `Enter ${max} ${what}s or fewer` });
  if (entries.some((e) => e.length > itemMax))
    errors.push({ fieldId: id, text: `Each ${what} must be ${itemMax} characters or fewer` });
  if (new Set(entries.map((e) => e.toLowerCase())).size !== entries.length)
    errors.push({ fieldId: id, text: `Each ${what} must be different` });
}

/** The checks the server makes, made first so the whole list of problems shows at once. */
export function validateSettings(f: SettingsForm): FieldError[] {
  const errors: FieldError[] = [];
  const tooLong = (value: string, max: number, id: string, what: string) => {
    if (value.trim().length > max) errors.push({ fieldId: id, text: `${what} must be ${max} characters or fewer` });
  };
  if (!f.name.trim()) errors.push({ fieldId: FIELD_IDS.name, text: 'Enter the service name' });
  tooLong(f.name, LIMITS.name, FIELD_IDS.name, 'Service name');
  tooLong(f.audience, LIMITS.audience, FIELD_IDS.audience, 'Who the service is for');
  tooLong(f.description, LIMITS.description, FIELD_IDS.description, 'Description');
  if (!f.contactPromise.trim()) errors.push({ fieldId: FIELD_IDS.contactPromise, text: 'Enter the contact promise' });
  tooLong(f.contactPromise, LIMITS.contactPromise, FIELD_IDS.contactPromise, 'Contact promise');
  checkList(f.ageRanges, { id: FIELD_IDS.ageRanges, what: 'age range', max: 20, itemMax: 20 }, errors);
  checkList(f.outcomes, { id: FIELD_IDS.outcomes, what: 'outcome', max: 20, itemMax: 100 }, errors);
  if (!f.welcomeMessage.trim()) errors.push({ fieldId: FIELD_IDS.welcomeMessage, text: 'Enter the welcome message' });
  tooLong(f.welcomeMessage, LIMITS.message, FIELD_IDS.welcomeMessage, 'Welcome message');
  if (!f.outOfHoursMessage.trim())
    errors.push({ fieldId: FIELD_IDS.outOfHoursMessage, text: 'Enter the out-of-hours message' });
  else if (!URGENT_HELP.test(f.outOfHoursMessage))
    errors.push({
      fieldId: FIELD_IDS.outOfHoursMessage,
      text: 'The out-of-hours message must tell people to call 999 in an emergency or 111 for urgent advice',
    });
  tooLong(f.outOfHoursMessage, LIMITS.message, FIELD_IDS.outOfHoursMessage, 'Out-of-hours message');
  const target = Number(f.responseTarget.trim());
  if (!/^\d+(\.\d+)?$/.test(f.responseTarget.trim()) || target < 0.5 || target > 120)
    errors.push({ fieldId: FIELD_IDS.responseTarget, text: 'Enter a response target from 0.5 to 120 working hours' });
  return errors;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Only what changed, so the audit trail names the settings that were really changed. */
export function patchFrom(f: SettingsForm, s: AdminService): ServicePatch {
  const patch: ServicePatch = {};
  const text = (key: 'name' | 'audience' | 'description' | 'contactPromise') => {
    if (f[key].trim() !== s[key]) patch[key] = f[key].trim();
  };
  text('name');
  text('audience');
  text('description');
  text('contactPromise');
  for (const key of ['asksFirstName', 'asksAgeRange', 'asksSchool', 'active'] as const)
    if (f[key] !== s[key]) patch[key] = f[key];
  if (!sameList(lines(f.ageRanges), s.ageRanges)) patch.ageRanges = lines(f.ageRanges);
  if (!sameList(lines(f.outcomes), s.outcomes)) patch.outcomes = lines(f.outcomes);
  if (f.welcomeMessage !== s.welcomeMessage) patch.welcomeMessage = f.welcomeMessage;
  if (f.outOfHoursMessage !== s.outOfHoursMessage) patch.outOfHoursMessage = f.outOfHoursMessage;
  const target = Number(f.responseTarget.trim());
  if (target !== s.responseTargetWorkingHours) patch.responseTargetWorkingHours = target;
  if (f.nation !== s.nation) patch.nation = f.nation;
  return patch;
}

const SENTENCE_FIELDS: [string, keyof SettingsForm][] = [
  ['Name', 'name'],
  ['Contact promise', 'contactPromise'],
  ['Outcomes', 'outcomes'],
  ['Age ranges', 'ageRanges'],
  ['Welcome message', 'welcomeMessage'],
  ['Out-of-hours message', 'outOfHoursMessage'],
];

const SCHEMA_FIELDS: Record<string, keyof SettingsForm> = {
  responseTargetWorkingHours: 'responseTarget',
};

/** Which field a server problem is about: by its opening words, or by the property a schema problem names. */
export function settingsFieldFor(problem: string): string | undefined {
  const property = schemaProperty(problem);
  if (property) {
    const key = Object.hasOwn(SCHEMA_FIELDS, property)
      ? SCHEMA_FIELDS[property]
      : Object.hasOwn(FIELD_IDS, property)
        ? (property as keyof SettingsForm)
        : undefined;
    return key ? FIELD_IDS[key] : undefined;
  }
  const match = SENTENCE_FIELDS.find(([prefix]) => problem.startsWith(prefix));
  return match ? FIELD_IDS[match[1]] : undefined;
}
