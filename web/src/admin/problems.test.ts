import { describe, expect, it } from 'vitest';
import { ApiError } from '../shared/api/http.js';
import { problemsFrom, schemaProperty, splitProblems } from './problems.js';

describe('splitProblems', () => {
  it('splits the server’s sentences, keeping times and ranges whole', () => {
    expect(
      splitProblems(
        'Period 1: start must be a time like 09:00 (00:00–23:59). Period 2 (Monday 10:00–09:00): end must be after start. Periods 3 and 4 overlap on Tuesday.',
      ),
    ).toEqual([
      'Period 1: start must be a time like 09:00 (00:00–23:59).',
      'Period 2 (Monday 10:00–09:00): end must be after start.',
      'Periods 3 and 4 overlap on Tuesday.',
    ]);
  });

  it('splits schema problems', () => {
    const problems = splitProblems('Request is invalid: /name must NOT have fewer than 1 characters; /ageRanges/0 bad');
    expect(problems).toEqual(['/name must NOT have fewer than 1 characters', '/ageRanges/0 bad']);
    expect(problems.map(schemaProperty)).toEqual(['name', 'ageRanges']);
  });
});

describe('problemsFrom', () => {
  it('links what it recognises and keeps the rest', () => {
    const err = new ApiError(400, 'invalid_settings', 'Name must not be blank. Something else.');
    expect(problemsFrom(err, (p) => (p.startsWith('Name') ? 'name' : undefined))).toEqual([
      { text: 'Name must not be blank.', fieldId: 'name' },
      { text: 'Something else.' },
    ]);
  });

  it('does not split a network failure', () => {
    const err = new ApiError(0, 'network_error', 'We could not connect. Check your connection.');
    expect(problemsFrom(err, () => 'x')).toEqual([{ text: 'We could not connect. Check your connection.' }]);
  });
});
