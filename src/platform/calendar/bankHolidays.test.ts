import { describe, it, expect } from 'vitest';
import shippedFeed from './data/uk-bank-holidays.json' with { type: 'json' };
import { bankHolidaysForYear, easterSunday, generateBankHolidayFeed } from './bankHolidayRules.js';
import { bankHolidaysFor, parseBankHolidayFeed, shippedBankHolidayYears } from './bankHolidays.js';
import { dayOfWeek, parseLocalDate } from './localDate.js';
import { NATIONS } from './types.js';

const datesIn = (nation: Parameters<typeof bankHolidaysFor>[0], year: number) =>
  [...bankHolidaysFor(nation)].filter((date) => date.startsWith(`${year}-`)).sort();

describe('shipped bank holidays', () => {
  it('England and Wales 2025', () => {
    expect(datesIn('england-and-wales', 2025)).toEqual([
      '2025-01-01',
      '2025-04-18',
      '2025-04-21',
      '2025-05-05',
      '2025-05-26',
      '2025-08-25',
      '2025-12-25',
      '2025-12-26',
    ]);
  });

  it('Scotland 2025: 2 January, first Monday in August, St Andrew’s substitute, no Easter Monday', () => {
    const scotland = bankHolidaysFor('scotland');
    for (const date of ['2025-01-02', '2025-08-04', '2025-12-01']) expect(scotland.has(date)).toBe(true);
    for (const date of ['2025-04-21', '2025-08-25', '2025-11-30']) expect(scotland.has(date)).toBe(false);
  });

  it('Northern Ireland 2025: St Patrick’s Day and the Boyne substitute', () => {
    const ni = bankHolidaysFor('northern-ireland');
    for (const date of ['2025-03-17', '2025-07-14', '2025-04-21', '2025-08-25']) expect(ni.has(date)).toBe(true);
    expect(ni.has('2025-07-12')).toBe(false);
  });

  it('Christmas substitutes in 2026 and 2027', () => {
    const england = bankHolidaysFor('england-and-wales');
    expect(datesIn('england-and-wales', 2026).slice(-2)).toEqual(['2026-12-25', '2026-12-28']);
    expect(england.has('2027-12-27') && england.has('2027-12-28')).toBe(true);
  });

  it('one-off changes: VE day 2020, Jubilee 2022, state funeral 2022, coronation 2023', () => {
    for (const nation of NATIONS) {
      const set = bankHolidaysFor(nation);
      expect(set.has('2020-05-08')).toBe(true);
      expect(set.has('2020-05-04')).toBe(false);
      expect(set.has('2022-06-02') && set.has('2022-06-03') && set.has('2022-09-19')).toBe(true);
      expect(set.has('2022-05-30')).toBe(false);
      expect(set.has('2023-05-08') && set.has('2023-05-01')).toBe(true);
    }
  });

  it('New Year substitutes in Scotland take the next free weekdays', () => {
    expect(datesIn('scotland', 2022).slice(0, 2)).toEqual(['2022-01-03', '2022-01-04']);
    expect(datesIn('scotland', 2023).slice(0, 2)).toEqual(['2023-01-02', '2023-01-03']);
  });

  it('covers 2020–2035 and never lands on a weekend', () => {
    expect(shippedBankHolidayYears()).toEqual({ first: 2020, last: 2035 });
    for (const nation of NATIONS) {
      for (const date of bankHolidaysFor(nation)) {
        const local = parseLocalDate(date);
        expect(local && [1, 2, 3, 4, 5].includes(dayOfWeek(local)), `${nation} ${date}`).toBe(true);
      }
    }
  });

  it('the shipped JSON is what the generator produces (re-run it after changing the rules)', () => {
    expect(shippedFeed).toEqual(generateBankHolidayFeed(2020, 2035));
  });
});

describe('rules', () => {
  it('computes Easter Sunday', () => {
    expect(easterSunday(2024)).toEqual({ year: 2024, month: 3, day: 31 });
    expect(easterSunday(2025)).toEqual({ year: 2025, month: 4, day: 20 });
    expect(easterSunday(2038)).toEqual({ year: 2038, month: 4, day: 25 });
  });

  it('marks substitute days in GOV.UK style', () => {
    expect(bankHolidaysForYear('scotland', 2025).find((event) => event.date === '2025-12-01')).toEqual({
      title: 'St Andrew’s Day',
      date: '2025-12-01',
      notes: 'Substitute day',
      bunting: true,
    });
  });
});

describe('parseBankHolidayFeed', () => {
  const division = (name: string, events: unknown[]) => ({ division: name, events });
  const feed = (overrides: Record<string, unknown> = {}) => ({
    'england-and-wales': division('england-and-wales', [
      { title: 'Christmas Day', date: '2030-12-25', notes: '', bunting: true },
    ]),
    scotland: division('scotland', []),
    'northern-ireland': division('northern-ireland', []),
    ...overrides,
  });

  it('returns per-nation date sets', () => {
    const sets = parseBankHolidayFeed(feed());
    expect([...sets['england-and-wales']]).toEqual(['2030-12-25']);
    expect(sets.scotland.size).toBe(0);
  });

  it('throws readable errors for bad feeds', () => {
    expect(() => parseBankHolidayFeed('nope')).toThrow(/JSON object/);
    expect(() => parseBankHolidayFeed(feed({ scotland: undefined }))).toThrow(/missing the "scotland" division/);
    expect(() => parseBankHolidayFeed(feed({ scotland: division('wales', []) }))).toThrow(
      /"scotland" has division "wales"/,
    );
    expect(() => parseBankHolidayFeed(feed({ scotland: { division: 'scotland' } }))).toThrow(/no events list/);
    expect(() =>
      parseBankHolidayFeed(feed({ scotland: division('scotland', [{ title: 'X', date: '2030-02-30' }]) })),
    ).toThrow(/"scotland" event 1 \(X\) has date "2030-02-30"/);
    expect(() => parseBankHolidayFeed(feed({ scotland: division('scotland', [{ date: '2030-01-01' }]) }))).toThrow(
      /no title/,
    );
  });
});
