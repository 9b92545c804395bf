import { describe, expect, it } from 'vitest';
import type { AdminService } from '../adminApi.js';
import { formFromService, patchFrom, settingsFieldFor, validateSettings } from './settingsForm.js';

const service: AdminService = {
  id: 'id',
  slug: 'school-nursing',
  name: 'School nursing',
  audience: 'Young people',
  description: '',
  contactPromise: 'We reply within one working day.',
  nation: 'england-and-wales',
  asksFirstName: true,
  asksAgeRange: true,
  asksSchool: false,
  ageRanges: ['11-13', '14-16'],
  outcomes: ['Advice given', 'Referred'],
  welcomeMessage: 'Thanks. Call 999 in an emergency.',
  outOfHoursMessage: 'We are closed. Call 999 or 111.',
  responseTargetWorkingHours: 8,
  weekly: [],
  active: true,
};

describe('settings form', () => {
  it('sends only what changed, lists trimmed', () => {
    const form = { ...formFromService(service), ageRanges: ' 11-13 \n\n14-16\n17-19 ', asksSchool: true };
    expect(validateSettings(form)).toEqual([]);
    expect(patchFrom(form, service)).toEqual({ ageRanges: ['11-13', '14-16', '17-19'], asksSchool: true });
    expect(patchFrom(formFromService(service), service)).toEqual({});
  });

  it('insists the out-of-hours message keeps 999 or 111', () => {
    const form = { ...formFromService(service), outOfHoursMessage: 'Call Childline on 0800 1111.' };
    expect(validateSettings(form)).toEqual([
      {
        fieldId: 'out-of-hours-message',
        text: 'The out-of-hours message must tell people to call 999 in an emergency or 111 for urgent advice',
      },
    ]);
  });

  it('checks lists and the response target', () => {
    const form = { ...formFromService(service), outcomes: 'Referred\nreferred', responseTarget: '0.2' };
    expect(validateSettings(form).map((e) => e.fieldId)).toEqual(['outcomes', 'response-target']);
  });

  it('links server problems to fields', () => {
    expect(settingsFieldFor('Out-of-hours message must tell people …')).toBe('out-of-hours-message');
    expect(settingsFieldFor('Name must not be blank.')).toBe('name');
    expect(settingsFieldFor('/responseTargetWorkingHours must be >= 0.5')).toBe('response-target');
    expect(settingsFieldFor('/ageRanges/0 must NOT have more than 20 characters')).toBe('age-ranges');
    expect(settingsFieldFor('Something else.')).toBeUndefined();
  });
});
