import { useCallback, useMemo, useState } from 'react';
import { useApi } from '../api/context.js';
import { Chart, type ChartSeries } from '../components/Chart.js';
import { ErrorNotice, Loading } from '../components/States.js';
import { useLiveRefresh } from '../hooks/useLiveRefresh.js';
import { useResource } from '../hooks/useResource.js';
import { formatInteger, formatPercent, formatTokens, formatUsd } from '../lib/format.js';
import { dailySeries, perModel, usageTotals } from '../lib/stats.js';
import { RateLimitTable } from './RateLimits.js';

const RANGES = [7, 30, 90] as const;

export function UsageView({ active = true }: { active?: boolean }) {
  const api = useApi();
  const [days, setDays] = useState<number>(30);
  const stats = useResource(() => api.getStats({ days }), [api, days]);
  const [now, setNow] = useState(() => Date.now());

  const refresh = useCallback(() => {
    setNow(Date.now());
    stats.reload();
  }, [stats.reload]);
  useLiveRefresh(refresh, 2000, active);

  const series = useMemo(() => (stats.data ? dailySeries(stats.data, days, now) : null), [stats.data, days, now]);
  const models = useMemo(() => (stats.data ? perModel(stats.data) : []), [stats.data]);
  const totals = useMemo(() => (stats.data ? usageTotals(stats.data) : null), [stats.data]);

  const tokenSeries: ChartSeries[] = useMemo(
    () =>
      series
        ? [
            { label: 'Input', values: series.input, colorVar: '--chart-1' },
            { label: 'Output', values: series.output, colorVar: '--chart-2' },
            { label: 'Cache read', values: series.cacheRead, colorVar: '--chart-3' },
            { label: 'Cache write', values: series.cacheCreation, colorVar: '--chart-4' },
          ]
        : [],
    [series],
  );
  const costSeries: ChartSeries[] = useMemo(() => (series ? [{ label: 'Estimated cost', values: series.cost, colorVar: '--chart-1' }] : []), [series]);

  return (
    <div className="view usage-view">
      <div className="toolbar">
        <label className="field inline">
          <span>Range</span>
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {RANGES.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </label>
        <span className="toolbar-note">Days are UTC. Costs are estimates from list prices.</span>
      </div>
      {stats.error && !stats.data ? (
        <ErrorNotice title="Cannot load usage" error={stats.error} onRetry={stats.reload} />
      ) : !stats.data || !series || !totals ? (
        <Loading label="Loading usage…" />
      ) : (
        <div className="usage-scroll">
          <section className="cards" data-testid="usage-totals" aria-label="Totals">
            <Card label="Requests" value={formatInteger(totals.requests)} note={totals.errors ? `${formatInteger(totals.errors)} ${totals.errors === 1 ? 'error' : 'errors'}` : 'no errors'} />
            <Card label="Input tokens" value={formatTokens(totals.usage.input)} />
            <Card label="Output tokens" value={formatTokens(totals.usage.output)} />
            <Card label="Cache read" value={formatTokens(totals.usage.cacheRead)} note={`write ${formatTokens(totals.usage.cacheCreation)}`} />
            <Card label="Estimated cost" value={formatUsd(totals.cost)} note={totals.unpricedRequests ? `${formatInteger(totals.unpricedRequests)} ${totals.unpricedRequests === 1 ? 'request' : 'requests'} not priced` : undefined} />
            <div className="card" data-testid="cache-hit-ratio">
              <div className="card-label">Cache hit ratio</div>
              <div className="card-value">{formatPercent(totals.cacheHitRatio)}</div>
              <div className="card-note">cache read ÷ all prompt tokens</div>
            </div>
          </section>
          {totals.requests === 0 ? <p className="muted">No requests in this range yet. Charts fill in as traffic goes through the proxy.</p> : null}
          <div className="charts">
            <Chart testId="usage-chart" title="Tokens per day" x={series.x} series={tokenSeries} kind="line" format={formatTokens} />
            <Chart testId="usage-chart" title="Estimated cost per day (USD)" x={series.x} series={costSeries} kind="bars" format={formatUsd} />
          </div>
          <section>
            <h3 className="section-title">By model</h3>
            {models.length === 0 ? (
              <p className="muted">No model usage recorded in this range.</p>
            ) : (
              <div className="table-wrap">
                <table className="data-table">
                  <thead>
                    <tr>
                      <th scope="col">Model</th>
                      <th scope="col">Requests</th>
                      <th scope="col">Errors</th>
                      <th scope="col">Input</th>
                      <th scope="col">Output</th>
                      <th scope="col">Cache read</th>
                      <th scope="col">Cache write</th>
                      <th scope="col">Cache hits</th>
                      <th scope="col">Est. cost</th>
                    </tr>
                  </thead>
                  <tbody>
                    {models.map((m) => (
                      <tr key={m.model}>
                        <th scope="row">{m.model}</th>
                        <td>{formatInteger(m.requests)}</td>
                        <td>{formatInteger(m.errors)}</td>
                        <td>{formatInteger(m.usage.input)}</td>
                        <td>{formatInteger(m.usage.output)}</td>
                        <td>{formatInteger(m.usage.cacheRead)}</td>
                        <td>{formatInteger(m.usage.cacheCreation)}</td>
                        <td>{formatPercent(m.cacheHitRatio)}</td>
                        <td>{formatUsd(m.cost)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <RateLimitTable />
        </div>
      )}
    </div>
  );
}

function Card({ label, value, note }: { label: string; value: string; note?: string | undefined }) {
  return (
    <div className="card">
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
      {note ? <div className="card-note">{note}</div> : null}
    </div>
  );
}
