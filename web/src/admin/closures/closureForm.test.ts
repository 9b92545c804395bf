import { describe, expect, it } from 'vitest';
import { checkClosure } from './closureForm.js';

const dt = (day: string, month: string, year: string, time: string) => ({ day, month, year, time });

describe('closure form', () => {
  it('reads the dates as London time', () => {
    const result = checkClosure({
      starts: dt('24', '12', '2030', '13:00'),
      ends: dt('2', '7', '2031', '9:30'),
      reason: ' Christmas ',
    });
    expect(result).toEqual({
      errors: [],
      body: { startsAt: '2030-12-24T13:00:00.000Z', endsAt: '2031-07-02T08:30:00.000Z', reason: 'Christmas' },
    });
  });

  it('names every problem with a link to its field', () => {
    const result = checkClosure({ starts: dt('', '', '', ''), ends: dt('31', '2', '2030', '25:00'), reason: '' });
    expect(result.body).toBeUndefined();
    expect(result.errors.map((e) => [e.fieldId, e.text])).toEqual([
      ['starts-day', 'Enter the date and time the closure starts'],
      ['ends-day', 'The end must be a real date, for example 24 12 2025'],
    ]);
  });

  it('wants the end after the start', () => {
    const result = checkClosure({
      starts: dt('2', '1', '2030', '09:00'),
      ends: dt('2', '1', '2030', '09:00'),
      reason: '',
    });
    expect(result.errors.map((e) => e.fieldId)).toEqual(['ends-day']);
  });
});
