import type { InsightRow, PeopleCalibration } from '../api/types';
import { acceptedShareAt, SCORE_BIN } from '../../../rules/calibration';
import { DEFAULT_POLICY } from '../../../rules/policy';
import { formatRate } from './insights-view';

/** The bar a round uses unless calibrated: the Insights chart marks it beside the calibrated one. */
export const CONFIGURED_BAR = DEFAULT_POLICY.minScoreToPass;

/** One point of a content type's chart: the share people accepted in a score bin, and the fitted curve there. */
export interface CalibrationPoint {
  /** The bin's middle, or a score the curve is drawn at. */
  score: number;
  /** Share accepted in the bin (0..1); absent where only the curve is drawn. */
  share?: number;
  verdicts?: number;
  /** The fitted curve's share at this score; absent without a curve. */
  curve?: number;
}

/** The chart's points: each bin at its middle, and the curve every 2 points from 0 to 100. */
export function calibrationPoints(calibration: Pick<PeopleCalibration, 'byScore' | 'curve'>): CalibrationPoint[] {
  const points = new Map<number, CalibrationPoint>();
  for (const bin of calibration.byScore) {
    const score = bin.score + SCORE_BIN / 2;
    points.set(score, { score, share: bin.accepted / bin.verdicts, verdicts: bin.verdicts });
  }
  const { curve } = calibration;
  if (curve !== null) {
    for (let score = 0; score <= 100; score += 2) {
      const point = points.get(score) ?? { score };
      points.set(score, { ...point, curve: Math.round(acceptedShareAt(curve, score) * 1000) / 1000 });
    }
  }
  return [...points.values()].sort((a, b) => a.score - b.score);
}

/** "people accept half the time at a judged 76.3 (± 4.1)", or why there is no such score yet. */
export function describeCalibratedBar(calibration: Pick<PeopleCalibration, 'curve' | 'verdicts'>): string {
  const { curve } = calibration;
  if (curve === null) return calibration.verdicts === 0 ? 'no verdicts yet' : 'not enough accepted and turned-down verdicts to place a bar';
  return `people accept half the time at a judged ${curve.midpoint.toFixed(1)} (± ${(1.96 * curve.standardError).toFixed(1)})`;
}

/** "judge and people agree in 41 of 50 verdicts (82%, 69–90%)". */
export function describePeopleAgreement(agreement: PeopleCalibration['agreement']): string {
  if (agreement.rate === null) return 'no verdicts yet';
  const range = `${formatRate(agreement.low)}–${formatRate(agreement.high)}`;
  return `judge and people agree in ${agreement.count} of ${agreement.of} verdict${agreement.of === 1 ? '' : 's'} (${formatRate(agreement.rate)}, ${range})`;
}

/**
 * Cost per passed scene per provider, over every content type and kind: what all its generations
 * cost over their passes (its repairs are a different job, priced apart in the table).
 */
export function costPerPassByProvider(rows: readonly InsightRow[]): { provider: string; costPerPassedUsd: number }[] {
  const totals = new Map<string, { costUsd: number; passed: number }>();
  for (const row of rows) {
    if (row.costPerPassedUsd === null || row.passRate === null || row.attemptKind === 'repair') continue;
    const passed = Math.round(row.passRate * row.judgedAttempts);
    const total = totals.get(row.provider) ?? { costUsd: 0, passed: 0 };
    totals.set(row.provider, { costUsd: total.costUsd + row.costPerPassedUsd * passed, passed: total.passed + passed });
  }
  return [...totals.entries()]
    .filter(([, t]) => t.passed > 0)
    .map(([provider, t]) => ({ provider, costPerPassedUsd: Math.round((t.costUsd / t.passed) * 10_000) / 10_000 }))
    .sort((a, b) => a.costPerPassedUsd - b.costPerPassedUsd || a.provider.localeCompare(b.provider));
}
