import { describe, expect, it } from 'vitest';
import type { ReadRatePoint } from '../adminApi.js';
import {
  chartColumns,
  hourRange,
  readRateChanges,
  readRateSummary,
  timeAxisLabels,
  timeRange,
} from './readRateSeries.js';

const point = (hour: string, delivered: number, read: number): ReadRatePoint => ({
  hour,
  delivered,
  read,
  readRate: delivered === 0 ? 0 : Math.round((read / delivered) * 10_000) / 10_000,
});

// Monday 2 March 2026 is in GMT; the clocks go forward at 1am on Sunday 29 March 2026.
const series = [
  point('2026-03-02T09:00:00.000Z', 3, 0),
  point('2026-03-02T10:00:00.000Z', 3, 1),
  point('2026-03-02T11:00:00.000Z', 3, 1),
  point('2026-03-02T12:00:00.000Z', 3, 1),
  point('2026-03-02T13:00:00.000Z', 4, 2),
];

describe('chartColumns', () => {
  it('turns the points into uPlot’s columns: Unix seconds, and percent to one decimal place', () => {
    expect(chartColumns(series.slice(0, 2))).toEqual([
      [Date.parse('2026-03-02T09:00:00Z') / 1000, Date.parse('2026-03-02T10:00:00Z') / 1000],
      [0, 33.3],
    ]);
    expect(chartColumns([])).toEqual([[], []]);
  });
});

describe('timeRange', () => {
  it('keeps uPlot’s range, but shows a single hour with half an hour either side', () => {
    expect(timeRange([3600, 7200], 3600, 7200)).toEqual([3600, 7200]);
    expect(timeRange([3600], 3600, 3600 + 86_400_000)).toEqual([1800, 5400]);
    expect(timeRange([], 0, 1)).toEqual([0, 1]);
  });
});

describe('hourRange', () => {
  it('names the hour in UK time, across a clock change too', () => {
    expect(hourRange('2026-03-02T09:00:00.000Z')).toBe('Monday 2 March 2026, 9am to 10am');
    expect(hourRange('2026-03-02T11:00:00.000Z')).toBe('Monday 2 March 2026, 11am to midday');
    expect(hourRange('2026-06-01T08:00:00.000Z')).toBe('Monday 1 June 2026, 9am to 10am');
    expect(hourRange('2026-03-29T00:00:00.000Z')).toBe('Sunday 29 March 2026, midnight to 2am');
  });
});

describe('readRateChanges', () => {
  it('keeps the first and last hours and every hour in which a figure changed', () => {
    expect(readRateChanges(series).map((p) => p.hour)).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T13:00:00.000Z',
    ]);
    const flat = [point('2026-03-02T09:00:00.000Z', 2, 0), point('2026-03-02T10:00:00.000Z', 2, 0)];
    expect(readRateChanges(flat)).toEqual(flat);
    expect(readRateChanges([])).toEqual([]);
  });
});

describe('readRateSummary', () => {
  it('says where the read rate stands and when the first message was read', () => {
    expect(readRateSummary(series)).toBe(
      'So far 2 of 4 delivered messages have been read (50%). The first was read in the hour from 10am on Monday 2 March 2026.',
    );
    expect(readRateSummary([point('2026-03-02T09:00:00.000Z', 3, 1)])).toBe(
      'So far 1 of 3 delivered messages has been read (33%). The first was read in the hour from 9am on Monday 2 March 2026.',
    );
  });

  it('says so when nothing has been read, or nothing reached an inbox', () => {
    expect(readRateSummary(series.slice(0, 1))).toBe('None of the 3 delivered messages has been read yet.');
    expect(readRateSummary([point('2026-03-02T09:00:00.000Z', 1, 0)])).toBe(
      'The delivered message has not been read yet.',
    );
    expect(readRateSummary([])).toBe(
      'No in-app message in this campaign has reached a patient’s inbox, so there is no read rate yet.',
    );
  });

  it('says which hours the chart shows when the API answered only the newest, and not when a read before them was', () => {
    // Reads before the first hour shown: when the first was read is not known from these points.
    const newest = [point('2026-03-02T10:00:00.000Z', 3, 1), point('2026-03-02T11:00:00.000Z', 4, 2)];
    expect(readRateSummary(newest, true)).toBe(
      'So far 2 of 4 delivered messages have been read (50%). The chart shows the most recent 2 hours, from 10am on Monday 2 March 2026.',
    );
    // The same points from a campaign that began with them: its first read is in the first hour.
    expect(readRateSummary(newest)).toBe(
      'So far 2 of 4 delivered messages have been read (50%). The first was read in the hour from 10am on Monday 2 March 2026.',
    );
    // No read before the hours shown: the first read is among them.
    expect(readRateSummary(series, true)).toBe(
      'So far 2 of 4 delivered messages have been read (50%). The first was read in the hour from 10am on Monday 2 March 2026. ' +
        'The chart shows the most recent 5 hours, from 9am on Monday 2 March 2026.',
    );
    expect(
      readRateSummary([point('2026-03-02T09:00:00.000Z', 3, 0), point('2026-03-02T10:00:00.000Z', 3, 0)], true),
    ).toBe(
      'None of the 3 delivered messages has been read yet. The chart shows the most recent 2 hours, from 9am on Monday 2 March 2026.',
    );
  });
});

describe('timeAxisLabels', () => {
  const s = (iso: string) => Date.parse(iso) / 1000;

  it('shows UK clock times, with the date under the first tick and wherever the day changes', () => {
    expect(timeAxisLabels([s('2026-03-02T22:00:00Z'), s('2026-03-02T23:30:00Z'), s('2026-03-03T01:00:00Z')])).toEqual([
      '10pm\nMon 2 Mar',
      '11:30pm',
      '1am\nTue 3 Mar',
    ]);
    // 23:00 UTC in summer is midnight in London: a new day there.
    expect(timeAxisLabels([s('2026-06-01T22:00:00Z'), s('2026-06-01T23:00:00Z')])).toEqual([
      '11pm\nMon 1 Jun',
      'midnight\nTue 2 Jun',
    ]);
  });

  it('shows dates alone when every tick is at midnight', () => {
    expect(timeAxisLabels([s('2026-03-02T00:00:00Z'), s('2026-03-03T00:00:00Z')])).toEqual(['Mon 2 Mar', 'Tue 3 Mar']);
    expect(timeAxisLabels([])).toEqual([]);
  });
});
