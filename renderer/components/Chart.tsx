import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: number[];
  /** A CSS custom property holding the colour, so charts follow the theme. */
  colorVar: string;
}

export interface ChartProps {
  title: string;
  /** Epoch seconds. */
  x: number[];
  series: ChartSeries[];
  kind: 'line' | 'bars';
  format: (value: number) => string;
  height?: number;
  testId?: string;
  /** What x is; by default days (x in epoch seconds). */
  xAxis?: XAxis;
}

export interface XAxis {
  label: string;
  time: boolean;
  /** Axis ticks. */
  tick: (x: number) => string;
  /** The table's row headers. */
  row: (x: number) => string;
}

/** uPlot touches matchMedia and canvas when loaded, so it is loaded only where both exist. */
function canDraw(): boolean {
  if (typeof window.matchMedia !== 'function') return false;
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

const DAYS: XAxis = {
  label: 'Day',
  time: true,
  tick: (seconds) => new Date(seconds * 1000).toISOString().slice(5, 10),
  row: (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10),
};

/**
 * A uPlot chart with its numbers also in a table for screen readers (and for any
 * environment without canvas). Rebuilt when data or the colour scheme changes.
 */
export function Chart({ title, x, series, kind, format, height = 220, testId, xAxis = DAYS }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const [scheme, setScheme] = useState(0);
  const [drawable] = useState(canDraw);

  useEffect(() => {
    if (!drawable) return undefined;
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setScheme((n) => n + 1);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, [drawable]);

  useEffect(() => {
    const el = host.current;
    if (!drawable || !el) return undefined;
    let plot: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let cancelled = false;

    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const axis = cssVar(el, '--fg-muted', '#666');
      const grid = cssVar(el, '--grid', 'rgba(128,128,128,0.15)');
      const bars = kind === 'bars' ? UPlot.paths.bars?.({ size: [0.7, 48], gap: 2 }) : undefined;
      const options: uPlot.Options = {
        width: Math.max(200, el.clientWidth),
        height,
        // Values appear on hover in a browser; a static legend keeps the card calm.
        legend: { show: true, live: false },
        cursor: { points: { size: 6 } },
        scales: { x: { time: xAxis.time }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: (_u, splits) => splits.map(xAxis.tick) },
          { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 64, values: (_u, splits) => splits.map(format) },
        ],
        series: [
          { label: xAxis.label },
          ...series.map((s) => {
            const color = cssVar(el, s.colorVar, '#888');
            return {
              label: s.label,
              stroke: color,
              width: kind === 'bars' ? 1 : 2,
              fill: kind === 'bars' ? color : undefined,
              points: { show: kind === 'line' && x.length <= 31 },
              value: (_u: uPlot, v: number | null) => (v == null ? '—' : format(v)),
              ...(bars ? { paths: bars } : {}),
            } satisfies uPlot.Series;
          }),
        ],
      };
      plot = new UPlot(options, [x, ...series.map((s) => s.values)], el);
      observer = new ResizeObserver(() => {
        if (plot && el.clientWidth > 0) plot.setSize({ width: el.clientWidth, height });
      });
      observer.observe(el);
    });

    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [drawable, x, series, kind, format, height, scheme, xAxis]);

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={host} className="chart-canvas" aria-hidden="true" style={drawable ? { minHeight: height } : undefined} />
      <table className={drawable ? 'visually-hidden' : 'chart-table'}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{xAxis.label}</th>
            {series.map((s) => (
              <th scope="col" key={s.label}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {x.map((t, i) => (
            <tr key={t}>
              <th scope="row">{xAxis.row(t)}</th>
              {series.map((s) => (
                <td key={s.label}>{format(s.values[i] ?? 0)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
