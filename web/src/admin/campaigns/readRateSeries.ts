import { clockTime, londonParts } from '../../shared/time/londonTime.js';
import type { ReadRatePoint } from '../adminApi.js';
import { formatRate } from './campaignFigures.js';

/**
 * The API's hour-by-hour read rate, shaped for the chart, its text alternative and the table.
 * Each point holds the cumulative figures at the end of its hour; `hour` is the hour's start.
 */

const HOUR_MS = 60 * 60 * 1000;
const HALF_HOUR_S = 30 * 60;

/** uPlot's columns: hour starts in Unix seconds, and the read rate in percent to one decimal place. */
export function chartColumns(points: ReadRatePoint[]): [number[], number[]] {
  return [points.map((p) => Date.parse(p.hour) / 1000), points.map((p) => Math.round(p.readRate * 1000) / 10)];
}

/**
 * The chart's time range: uPlot's own, except for a single hour, which uPlot would stretch to
 * years (it pads a lone time by 86400 / ms); that hour gets half an hour either side instead.
 */
export function timeRange(seconds: ArrayLike<number>, min: number, max: number): [number, number] {
  const only = seconds.length === 1 ? seconds[0] : undefined;
  return only === undefined ? [min, max] : [only - HALF_HOUR_S, only + HALF_HOUR_S];
}

/** "Monday 3 March 2025, 9am to 10am" (UK time; the end is read separately, so clock changes come out right). */
export function hourRange(iso: string): string {
  const start = londonParts(new Date(iso));
  const end = londonParts(new Date(Date.parse(iso) + HOUR_MS));
  return `${start.weekday} ${start.day} ${start.month} ${start.year}, ${clockTime(start.hour, start.minute)} to ${clockTime(end.hour, end.minute)}`;
}

/** "9am on Monday 3 March 2025": the start of the hour. */
function hourStart(iso: string): string {
  const p = londonParts(new Date(iso));
  return `${clockTime(p.hour, p.minute)} on ${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

/**
 * The hours in which the figures changed, with the first and the last: the same line as the
 * chart in far fewer rows (a campaign read over weeks has hundreds of hours, most of them quiet).
 */
export function readRateChanges(points: ReadRatePoint[]): ReadRatePoint[] {
  return points.filter((p, i) => {
    const before = points[i - 1];
    return !before || i === points.length - 1 || p.delivered !== before.delivered || p.read !== before.read;
  });
}

const messages = (n: number) => (n === 1 ? '1 delivered message' : `${n} delivered messages`);

/**
 * The chart in words, for everyone who cannot see it: where the read rate stands and since when.
 * `truncated`: the points are only the newest hours of a longer campaign (the API's limit), so
 * the first read may be older than the first point.
 */
export function readRateSummary(points: ReadRatePoint[], truncated = false): string {
  const last = points.at(-1);
  if (!last || last.delivered === 0) {
    return 'No in-app message in this campaign has reached a patient’s inbox, so there is no read rate yet.';
  }
  const hours = `${points.length.toLocaleString('en-GB')} ${points.length === 1 ? 'hour' : 'hours'}`;
  const span = truncated ? ` The chart shows the most recent ${hours}, from ${hourStart(points[0]!.hour)}.` : '';
  if (last.read === 0) {
    return (
      (last.delivered === 1
        ? 'The delivered message has not been read yet.'
        : `None of the ${last.delivered} delivered messages has been read yet.`) + span
    );
  }
  const firstRead = points.find((p) => p.read > 0)!;
  // Read before the first hour shown: when is not in these points.
  const first =
    truncated && firstRead === points[0] ? '' : ` The first was read in the hour from ${hourStart(firstRead.hour)}.`;
  return (
    `So far ${last.read} of ${messages(last.delivered)} ${last.read === 1 ? 'has' : 'have'} been read ` +
    `(${formatRate(last.readRate)}).${first}${span}`
  );
}

/**
 * Labels for the chart's time axis (UK time): the clock time, with the date under the first and
 * wherever the day changes; only dates when every tick falls at midnight.
 */
export function timeAxisLabels(seconds: number[]): string[] {
  const parts = seconds.map((s) => londonParts(new Date(s * 1000)));
  const allMidnight = parts.every((p) => p.hour === 0 && p.minute === 0);
  return parts.map((p, i) => {
    const date = `${p.weekday.slice(0, 3)} ${p.day} ${p.month.slice(0, 3)}`;
    if (allMidnight) return date;
    const before = parts[i - 1];
    const newDay = !before || before.day !== p.day || before.month !== p.month || before.year !== p.year;
    const time = clockTime(p.hour, p.minute);
    return newDay ? `${time}\n${date}` : time;
  });
}
