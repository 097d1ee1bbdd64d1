import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import type { InsightsResponse } from '../api/types';
import { usePolling } from '../hooks/use-polling';
import {
  ariaSort,
  DEFAULT_INSIGHT_SORT,
  describeAgreement,
  formatAttempts,
  formatCostPerPassed,
  formatGain,
  formatKind,
  formatRate,
  insightRowKey,
  nextSort,
  sortInsightRows,
  type InsightSort,
  type InsightSortKey,
} from '../model/insights-view';
import { useSession } from '../session';

// The chart library is loaded with the Insights view only, not with the queue every reviewer opens.
const CalibrationCharts = lazy(() => import('./calibration-charts').then((m) => ({ default: m.CalibrationCharts })));
const CostPerPassChart = lazy(() => import('./calibration-charts').then((m) => ({ default: m.CostPerPassChart })));

/** The figures change only as attempts finish: a slow refresh is enough. */
const POLL_MS = 30_000;

const COLUMNS: { key: InsightSortKey; label: string; numeric?: boolean; title?: string }[] = [
  { key: 'provider', label: 'Provider' },
  { key: 'contentType', label: 'Content type' },
  { key: 'kind', label: 'Kind' },
  { key: 'attempts', label: 'Attempts', numeric: true, title: 'All attempts; those the judge did not score are counted in brackets' },
  { key: 'passRate', label: 'Pass rate', numeric: true, title: 'Judged attempts that reached the bar' },
  { key: 'meanGain', label: 'Mean gain', numeric: true, title: 'Mean points gained on the score each attempt had to beat' },
  { key: 'costPerPassedUsd', label: 'Cost per passed scene', numeric: true, title: 'Everything spent on the attempts, per attempt that passed' },
];

/** What people accept by judged score per content type, how each provider does per content type and kind, and how often reviewers keep the judge's best. */
export function InsightsView({ projectId }: { projectId: number | undefined }) {
  const session = useSession();
  const [loaded, setLoaded] = useState<{ insights: InsightsResponse | undefined }>();
  const [error, setError] = useState<string>();
  const [sort, setSort] = useState<InsightSort>(DEFAULT_INSIGHT_SORT);

  const load = useCallback(async () => {
    try {
      setLoaded({ insights: await session.api.getInsights(projectId) });
      setError(undefined);
    } catch (caught) {
      setError(session.describeError(caught));
    }
  }, [session, projectId]);
  usePolling(load, POLL_MS, projectId);

  const insights = loaded?.insights;
  const rows = useMemo(() => (insights ? sortInsightRows(insights.providers, sort) : []), [insights, sort]);

  return (
    <div className="insights-view">
      <h1>Insights{projectId !== undefined && <span className="muted"> · project {projectId}</span>}</h1>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {loaded === undefined ? (
        !error && (
          <p className="muted" role="status">
            Loading the insights…
          </p>
        )
      ) : insights === undefined ? (
        <p className="empty" role="status">
          This server does not report insights.
        </p>
      ) : (
        <>
          <p className="agreement" data-testid="agreement">
            {describeAgreement(insights.agreement)}
          </p>
          <h2>What people accept, by judged score</h2>
          <Suspense fallback={<p className="muted">Drawing the charts…</p>}>
            <CalibrationCharts calibration={insights.calibration} />
          </Suspense>
          <h2>Providers</h2>
          <Suspense fallback={null}>
            <CostPerPassChart rows={insights.providers} />
          </Suspense>
          {rows.length === 0 ? (
            <p className="empty" role="status">
              No attempts yet.
            </p>
          ) : (
            <div className="table-scroll">
              <table className="insights-table">
                <caption className="visually-hidden">Attempts per provider, content type and kind</caption>
                <thead>
                  <tr>
                    {COLUMNS.map((column) => (
                      <th key={column.key} scope="col" aria-sort={ariaSort(sort, column.key)} className={column.numeric ? 'numeric' : undefined}>
                        <button type="button" className="sort-button" title={column.title} onClick={() => setSort(nextSort(sort, column.key))}>
                          {column.label}
                          <span aria-hidden="true" className="sort-mark">
                            {sort.key === column.key ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                          </span>
                        </button>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={insightRowKey(row)} data-row={insightRowKey(row)}>
                      <th scope="row">{row.provider}</th>
                      <td>{row.contentType}</td>
                      <td>{formatKind(row)}</td>
                      <td className="numeric">{formatAttempts(row)}</td>
                      <td className="numeric">{formatRate(row.passRate)}</td>
                      <td className="numeric">{formatGain(row.meanGain)}</td>
                      <td className="numeric">{formatCostPerPassed(row)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
