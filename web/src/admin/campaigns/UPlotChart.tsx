import { useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

type Props = {
  /** Everything but the width, which follows the container. Keep it stable (a new object rebuilds the chart). */
  options: Omit<uPlot.Options, 'width'>;
  data: uPlot.AlignedData;
};

/**
 * A uPlot chart that fills its container's width: built on mount (and when the options change),
 * given new data in place, resized with the container, destroyed on unmount. uPlot draws on a
 * canvas, so the caller supplies the text alternative.
 */
export function UPlotChart({ options, data }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(data);

  useLayoutEffect(() => {
    latest.current = data;
    chart.current?.setData(data);
  }, [data]);

  useLayoutEffect(() => {
    const el = container.current!;
    const u = new uPlot({ ...options, width: Math.max(el.clientWidth, 1) }, latest.current, el);
    chart.current = u;
    const resize = new ResizeObserver((entries) => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (width > 0 && width !== u.width) u.setSize({ width, height: options.height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [options]);

  return <div ref={container} className="app-chart__plot" />;
}
