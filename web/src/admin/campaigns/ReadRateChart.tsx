import { useId, useMemo } from 'react';
import uPlot from 'uplot';
import type { ReadRatePoint } from '../adminApi.js';
import { chartColumns, hourRange, readRateSummary, timeAxisLabels, timeRange } from './readRateSeries.js';
import { UPlotChart } from './UPlotChart.js';

// NHS palette: blue for the line, text colour for the axes, grey-4 for the grid.
const BLUE = '#005eb8';
const TEXT = '#212b32';
const GRID = '#d8dde0';

const axis = { stroke: TEXT, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 } };

const options: Omit<uPlot.Options, 'width'> = {
  height: 280,
  // Room on the right for the last time label.
  padding: [12, 32, null, null],
  // Ticks fall on UK hours and days, whatever the device's own time zone.
  tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Europe/London'),
  scales: {
    x: { time: true, range: (u, min, max) => timeRange(u.data[0], min, max) },
    y: { range: [0, 100] },
  },
  series: [
    { label: 'Hour (UK time)', value: (_u, v) => (v == null ? '–' : hourRange(new Date(v * 1000).toISOString())) },
    {
      label: 'Read rate',
      stroke: BLUE,
      width: 2,
      fill: 'rgba(0, 94, 184, 0.08)',
      // Dots while the hours are few enough to tell apart (uPlot's own rule), a line alone after that.
      points: { size: 6, fill: BLUE },
      value: (_u, v) => (v == null ? '–' : `${v}%`),
    },
  ],
  axes: [
    { ...axis, values: (_u, splits) => timeAxisLabels(splits) },
    { ...axis, size: 56, values: (_u, splits) => splits.map((v) => `${v}%`) },
  ],
};

/**
 * The read rate over time as a line chart, with its caption and the same figures in words. The
 * canvas is hidden from assistive technology: the summary says where the rate stands, and the
 * table beside it holds every change.
 */
export function ReadRateChart({ points, truncated = false }: { points: ReadRatePoint[]; truncated?: boolean }) {
  const captionId = useId();
  const summaryId = useId();
  const data = useMemo(() => chartColumns(points), [points]);
  return (
    <figure className="app-chart" aria-labelledby={captionId} aria-describedby={summaryId}>
      <figcaption className="app-chart__caption" id={captionId}>
        Read rate over time: the share of delivered messages read, hour by hour (UK time)
      </figcaption>
      <div aria-hidden="true">
        <UPlotChart options={options} data={data} />
      </div>
      <p className="app-chart__summary" id={summaryId}>
        {readRateSummary(points, truncated)}
      </p>
    </figure>
  );
}
