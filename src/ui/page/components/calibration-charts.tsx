import { Bar, BarChart, CartesianGrid, ComposedChart, Line, ReferenceLine, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { InsightRow, PeopleCalibration } from '../api/types';
import { calibrationPoints, CONFIGURED_BAR, costPerPassByProvider, describeCalibratedBar, describePeopleAgreement } from '../model/calibration-view';
import { formatCost } from '../model/format';

const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * Per content type, the share of people's verdicts that accepted by judged score (dots, one per
 * 5-point bin), the fitted curve, the configured bar and the calibrated one. The charts are
 * pictures (aria-hidden); the table after them says the same for keyboards and screen readers.
 */
export function CalibrationCharts({ calibration }: { calibration: readonly PeopleCalibration[] }) {
  if (calibration.length === 0) {
    return (
      <p className="empty" role="status">
        No verdicts from people yet: decisions on escalated scenes and audits of passed ones calibrate the bar.
      </p>
    );
  }
  return (
    <>
      <div className="chart-grid" aria-hidden="true">
        {calibration.map((c) => (
          <figure key={c.contentType} className="chart" data-chart={`acceptance:${c.contentType}`}>
            <figcaption>{c.contentType}</figcaption>
            <ComposedChart width={340} height={210} data={calibrationPoints(c)} margin={{ top: 8, right: 12, bottom: 4, left: -12 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="score" type="number" domain={[0, 100]} ticks={[0, 20, 40, 60, 80, 100]} />
              <YAxis domain={[0, 1]} tickFormatter={percent} />
              <Tooltip formatter={(value) => (typeof value === 'number' ? percent(value) : String(value))} labelFormatter={(score) => `judged ${score}`} />
              <ReferenceLine x={CONFIGURED_BAR} stroke="#8a93a6" strokeDasharray="4 4" label={{ value: 'configured', position: 'insideTopLeft', fontSize: 11 }} />
              {c.calibratedBar !== null && (
                <ReferenceLine x={c.calibratedBar} stroke="#b3261e" label={{ value: 'calibrated', position: 'insideBottomRight', fontSize: 11 }} />
              )}
              <Line dataKey="curve" name="fitted" dot={false} stroke="#2f5fb3" isAnimationActive={false} connectNulls />
              <Scatter dataKey="share" name="accepted" fill="#1d2330" isAnimationActive={false} />
            </ComposedChart>
          </figure>
        ))}
      </div>
      <div className="table-scroll">
        {/* Not an insights-table: that class names the providers' table, which the page sorts. */}
        <table className="calibration-table">
          <caption className="visually-hidden">What people's verdicts say per content type</caption>
          <thead>
            <tr>
              <th scope="col">Content type</th>
              <th scope="col" className="numeric">
                Verdicts
              </th>
              <th scope="col">Calibrated bar</th>
              <th scope="col">Judge and people</th>
            </tr>
          </thead>
          <tbody>
            {calibration.map((c) => (
              <tr key={c.contentType} data-row={`calibration:${c.contentType}`}>
                <th scope="row">{c.contentType}</th>
                <td className="numeric">
                  {c.verdicts} ({c.accepted} accepted)
                </td>
                <td>{describeCalibratedBar(c)}</td>
                <td>{describePeopleAgreement(c.agreement)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Cost per passed scene per provider, cheapest first; the table below gives it per content type and kind. */
export function CostPerPassChart({ rows }: { rows: readonly InsightRow[] }) {
  const data = costPerPassByProvider(rows);
  if (data.length === 0) return null;
  return (
    <figure className="chart" data-chart="cost-per-pass" aria-hidden="true">
      <figcaption>Cost per passed scene, by provider</figcaption>
      <BarChart width={480} height={40 + 34 * data.length} data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" tickFormatter={formatCost} />
        <YAxis type="category" dataKey="provider" width={70} />
        <Tooltip formatter={(value) => (typeof value === 'number' ? formatCost(value) : String(value))} />
        <Bar dataKey="costPerPassedUsd" name="cost per passed scene" fill="#2f5fb3" isAnimationActive={false} />
      </BarChart>
    </figure>
  );
}
